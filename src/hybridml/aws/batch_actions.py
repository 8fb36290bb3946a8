"""Batch request builders and answer mappers for the actions in `hybridml.actions.batch` and the YOLO launch.

Pure functions from domain objects to the exact keyword arguments of a Batch call (and back from its answer);
`hybridml.actions` wraps each in an Action and `Services.run` sends it. Nothing here talks to AWS.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hybridml.aws.errors import InvalidRequest
from hybridml.domain.batch import ComputeEnvironment, JobKind, JobStatus
from hybridml.domain.submit import SubmitRequest

SERVICE = "batch"
MAX_REASON = 1024
MAX_PRIORITY = 1000


@dataclass(frozen=True, slots=True)
class SubmittedJob:
    job_id: str
    name: str
    arn: str
    queue: str


@dataclass(frozen=True, slots=True)
class ScaleChange:
    """New vCPU bounds of a managed CE; None leaves a value as it is."""

    min_vcpus: int | None = None
    desired_vcpus: int | None = None
    max_vcpus: int | None = None


def submit_job_kwargs(request: SubmitRequest) -> dict[str, Any]:
    """The SubmitJob call for `request`: only what the person set, as data (nothing is ever run locally).

    Overrides take the shape the definition needs (SubmitJob): `containerOverrides` for a container job,
    `ecsPropertiesOverride.taskProperties[].containers[]` (by container name) for a multi-container ECS job,
    `eksPropertiesOverride.podProperties.containers[]` for an EKS job, `nodeOverrides.nodePropertyOverrides[]` (by
    node range) for a multi-node parallel job."""
    kwargs: dict[str, Any] = {
        "jobName": request.job_name,
        "jobQueue": request.queue,
        "jobDefinition": request.job_definition,
    }
    if request.parameters:
        kwargs["parameters"] = dict(request.parameters)
    overrides = _container_overrides(request)
    if overrides:
        kind = request.definition_kind
        if kind is JobKind.ECS:
            target = {"name": request.container} if request.container else {}
            kwargs["ecsPropertiesOverride"] = {"taskProperties": [{"containers": [{**target, **overrides}]}]}
        elif kind is JobKind.EKS:
            kwargs["eksPropertiesOverride"] = {"podProperties": {"containers": [_eks_override(request)]}}
        elif kind is JobKind.MULTI_NODE:
            kwargs["nodeOverrides"] = {
                "nodePropertyOverrides": [{"targetNodes": request.nodes or "0:", "containerOverrides": overrides}]
            }
        else:
            kwargs["containerOverrides"] = overrides
    if request.timeout_s is not None:
        kwargs["timeout"] = {"attemptDurationSeconds": request.timeout_s}
    if request.retry_attempts is not None:
        kwargs["retryStrategy"] = {"attempts": request.retry_attempts}
    if request.array_size is not None:
        kwargs["arrayProperties"] = {"size": request.array_size}
    if request.depends_on:
        kwargs["dependsOn"] = [{"jobId": job_id} for job_id in request.depends_on]
    if request.tags:
        kwargs["tags"] = dict(request.tags)
    return kwargs


def _container_overrides(request: SubmitRequest) -> dict[str, Any]:
    """ContainerOverrides / TaskContainerOverrides: resourceRequirements, command, environment."""
    overrides: dict[str, Any] = {}
    requirements = [
        {"type": kind, "value": value}
        for kind, value in (
            ("VCPU", None if request.vcpus is None else f"{request.vcpus:g}"),
            ("MEMORY", None if request.memory_mib is None else str(request.memory_mib)),
            ("GPU", None if request.gpus is None else str(request.gpus)),
        )
        if value is not None
    ]
    if requirements:
        overrides["resourceRequirements"] = requirements
    if request.command is not None:
        overrides["command"] = list(request.command)
    if request.environment:
        overrides["environment"] = [{"name": k, "value": v} for k, v in request.environment]
    return overrides


def _eks_override(request: SubmitRequest) -> dict[str, Any]:
    """EksContainerOverride: `env`, `command`, and `resources` as Kubernetes quantities (cpu, memory "Mi",
    nvidia.com/gpu), the same in `limits` and `requests` (memory and GPUs must be equal where both are given)."""
    override: dict[str, Any] = {"name": request.container} if request.container else {}
    quantities = {
        key: value
        for key, value in (
            ("cpu", None if request.vcpus is None else f"{request.vcpus:g}"),
            ("memory", None if request.memory_mib is None else f"{request.memory_mib}Mi"),
            ("nvidia.com/gpu", None if request.gpus is None else str(request.gpus)),
        )
        if value is not None
    }
    if quantities:
        override["resources"] = {"limits": dict(quantities), "requests": dict(quantities)}
    if request.command is not None:
        override["command"] = list(request.command)
    if request.environment:
        override["env"] = [{"name": k, "value": v} for k, v in request.environment]
    return override


def scale_kwargs(ce: ComputeEnvironment, change: ScaleChange) -> dict[str, Any]:
    """computeResources for UpdateComputeEnvironment; raises InvalidRequest for what Batch would reject.

    From ComputeResourceUpdate in the Batch service model: minvCpus and desiredvCpus "[aren't] applicable to
    jobs that are running on Fargate resources. Don't specify [them]"; "Batch doesn't support changing the
    desired number of vCPUs of an existing compute environment. Don't specify this parameter for compute
    environments using Amazon EKS clusters"; "the updated desiredvCpus value must be greater than or equal to the
    current desiredvCpus value" and "between the minvCpus and maxvCpus values".
    """
    r = ce.resources
    if r is None:
        raise InvalidRequest(f"{ce.name} is unmanaged: it has no vCPU bounds to scale")
    if r.type.startswith("FARGATE") and (change.min_vcpus is not None or change.desired_vcpus is not None):
        raise InvalidRequest(f"{ce.name} is {r.type}: only maxvCpus can be changed")
    if change.desired_vcpus is not None and change.desired_vcpus != r.desired_vcpus:
        if ce.orchestration == "EKS":
            raise InvalidRequest(f"{ce.name} runs on Amazon EKS: Batch does not accept desiredvCpus for it")
        if change.desired_vcpus < r.desired_vcpus:
            raise InvalidRequest(
                f"desiredvCpus cannot be lowered on an existing compute environment ({r.desired_vcpus} now): "
                "Batch scales it down itself as jobs finish; lower maxvCpus to cap it"
            )
    lo = r.min_vcpus if change.min_vcpus is None else change.min_vcpus
    want = r.desired_vcpus if change.desired_vcpus is None else change.desired_vcpus
    hi = r.max_vcpus if change.max_vcpus is None else change.max_vcpus
    if min(lo, want, hi) < 0:
        raise InvalidRequest("vCPU values cannot be negative")
    if not lo <= hi:
        raise InvalidRequest(f"minvCpus {lo} is above maxvCpus {hi}")
    if change.desired_vcpus is not None and not lo <= want <= hi:
        raise InvalidRequest(f"desiredvCpus {want} must be between minvCpus {lo} and maxvCpus {hi}")
    if want > hi:
        raise InvalidRequest(
            f"maxvCpus {hi} is below the {want} vCPUs Batch wants now (desiredvCpus), which cannot be lowered "
            f"by an update: keep maxvCpus >= {want}, or wait until the environment has scaled in"
        )
    resources: dict[str, Any] = {}
    for key, new, old in (
        ("minvCpus", change.min_vcpus, r.min_vcpus),
        ("desiredvCpus", change.desired_vcpus, r.desired_vcpus),
        ("maxvCpus", change.max_vcpus, r.max_vcpus),
    ):
        if new is not None and new != old:
            resources[key] = new
    if not resources:
        raise InvalidRequest("nothing to change: the values are the current ones")
    return resources


def scale_ce_kwargs(ce: ComputeEnvironment, change: ScaleChange) -> dict[str, Any]:
    return {"computeEnvironment": ce.name, "computeResources": scale_kwargs(ce, change)}


def ce_state_kwargs(name: str, enabled: bool) -> dict[str, Any]:
    return {"computeEnvironment": name, "state": "ENABLED" if enabled else "DISABLED"}


def queue_state_kwargs(name: str, enabled: bool) -> dict[str, Any]:
    return {"jobQueue": name, "state": "ENABLED" if enabled else "DISABLED"}


def queue_priority_kwargs(name: str, priority: int) -> dict[str, Any]:
    if not 0 <= priority <= MAX_PRIORITY:
        raise InvalidRequest(f"priority must be 0..{MAX_PRIORITY} (got {priority})", service=SERVICE)
    return {"jobQueue": name, "priority": priority}


def stop_job_kwargs(job_id: str, reason: str) -> dict[str, Any]:
    """CancelJob / TerminateJob: the same two arguments."""
    text = reason.strip()
    if not text:
        raise InvalidRequest("a reason is required (Batch records it on the job)", service=SERVICE)
    return {"jobId": job_id, "reason": text[:MAX_REASON]}


def container_job_definition_kwargs(
    name: str,
    image: str,
    command: Sequence[str],
    *,
    parameters: dict[str, str],
    vcpus: int,
    memory_mib: int,
    gpus: int,
    environment: dict[str, str],
    timeout_s: int,
    attempts: int,
) -> dict[str, Any]:
    """RegisterJobDefinition for a single-container EC2 job."""
    requirements = [{"type": "VCPU", "value": str(vcpus)}, {"type": "MEMORY", "value": str(memory_mib)}]
    if gpus:
        requirements.append({"type": "GPU", "value": str(gpus)})
    return {
        "jobDefinitionName": name,
        "type": "container",
        "parameters": dict(parameters),
        "containerProperties": {
            "image": image,
            "command": list(command),
            "resourceRequirements": requirements,
            "environment": [{"name": k, "value": v} for k, v in environment.items()],
        },
        "timeout": {"attemptDurationSeconds": timeout_s},
        "retryStrategy": {"attempts": attempts},
    }


def submitted_from_api(response: dict[str, Any], name: str, queue: str) -> SubmittedJob:
    return SubmittedJob(
        job_id=str(response["jobId"]),
        name=str(response.get("jobName", name)),
        arn=str(response.get("jobArn", "")),
        queue=queue,
    )


def registered_from_api(response: dict[str, Any]) -> str:
    """`name:revision` of a RegisterJobDefinition answer."""
    return f"{response['jobDefinitionName']}:{response['revision']}"


def stop_verb(status: JobStatus) -> str | None:
    """`cancel` before a job is placed, `terminate` once it starts, None when it has finished."""
    if status.is_cancellable:
        return "cancel"
    if status.is_terminatable:
        return "terminate"
    return None

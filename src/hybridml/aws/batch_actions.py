"""Batch mutations: submit, cancel, terminate, update compute environments and queues.

Every call goes through `mutate` (Services.mutate: refused in read-only mode, audited whatever happens) and
a no-retry client, so a non-idempotent call such as SubmitJob is sent at most once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from hybridml.aws.errors import InvalidRequest, aws_call
from hybridml.aws.session import AwsSession
from hybridml.domain.batch import ComputeEnvironment, Job, JobKind, JobQueue, JobStatus
from hybridml.domain.submit import SubmitRequest

SERVICE = "batch"
T = TypeVar("T")


class Mutator(Protocol):
    async def __call__(
        self, action: str, target: str, request: dict[str, Any], call: Callable[[], Awaitable[T]]
    ) -> T: ...


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
    """computeResources for UpdateComputeEnvironment; raises InvalidRequest for bounds AWS would reject."""
    r = ce.resources
    if r is None:
        raise InvalidRequest(f"{ce.name} is unmanaged: it has no vCPU bounds to scale")
    if r.type.startswith("FARGATE") and (change.min_vcpus is not None or change.desired_vcpus is not None):
        raise InvalidRequest(f"{ce.name} is {r.type}: only maxvCpus can be changed")
    lo = r.min_vcpus if change.min_vcpus is None else change.min_vcpus
    want = r.desired_vcpus if change.desired_vcpus is None else change.desired_vcpus
    hi = r.max_vcpus if change.max_vcpus is None else change.max_vcpus
    if min(lo, want, hi) < 0:
        raise InvalidRequest("vCPU values cannot be negative")
    if not lo <= hi:
        raise InvalidRequest(f"minvCpus {lo} is above maxvCpus {hi}")
    if not lo <= want <= hi:
        hint = "" if change.desired_vcpus is not None else " (change desired vCPUs too)"
        raise InvalidRequest(f"desiredvCpus {want} must be between minvCpus {lo} and maxvCpus {hi}{hint}")
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


class BatchActions:
    def __init__(self, session: AwsSession, mutate: Mutator) -> None:
        self.session = session
        self._mutate = mutate

    async def _call(self, action: str, target: str, operation: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        async def call() -> dict[str, Any]:
            client = await self.session.mutation_client(SERVICE)
            async with aws_call(SERVICE, operation):
                response: dict[str, Any] = await getattr(client, operation)(**kwargs)
            return response

        return await self._mutate(action, target, kwargs, call)

    async def submit(self, request: SubmitRequest) -> SubmittedJob:
        problems = request.problems()
        if problems:
            raise InvalidRequest("; ".join(problems), service=SERVICE, operation="SubmitJob")
        response = await self._call("batch.submit", request.queue, "submit_job", submit_job_kwargs(request))
        return SubmittedJob(
            job_id=str(response["jobId"]),
            name=str(response.get("jobName", request.job_name)),
            arn=str(response.get("jobArn", "")),
            queue=request.queue,
        )

    async def cancel(self, job_id: str, reason: str) -> None:
        """Cancel a job that has not started (SUBMITTED / PENDING / RUNNABLE)."""
        await self._call("batch.cancel", job_id, "cancel_job", {"jobId": job_id, "reason": _reason(reason)})

    async def terminate(self, job_id: str, reason: str) -> None:
        """Terminate a job in any state (STARTING / RUNNING jobs are stopped)."""
        await self._call("batch.terminate", job_id, "terminate_job", {"jobId": job_id, "reason": _reason(reason)})

    async def stop(self, job: Job, reason: str) -> str:
        """Cancel or terminate, whichever the job's status calls for; returns the verb used."""
        verb = stop_verb(job.status)
        if verb is None:
            raise InvalidRequest(f"job {job.name} is already {job.status.value}", service=SERVICE)
        await (self.cancel if verb == "cancel" else self.terminate)(job.job_id, reason)
        return verb

    async def scale_compute_environment(self, ce: ComputeEnvironment, change: ScaleChange) -> None:
        resources = scale_kwargs(ce, change)
        kwargs = {"computeEnvironment": ce.name, "computeResources": resources}
        await self._call("batch.scale-ce", ce.name, "update_compute_environment", kwargs)

    async def set_compute_environment_state(self, ce: ComputeEnvironment, enabled: bool) -> None:
        kwargs = {"computeEnvironment": ce.name, "state": "ENABLED" if enabled else "DISABLED"}
        await self._call("batch.ce-state", ce.name, "update_compute_environment", kwargs)

    async def set_queue_state(self, queue: JobQueue, enabled: bool) -> None:
        kwargs = {"jobQueue": queue.name, "state": "ENABLED" if enabled else "DISABLED"}
        await self._call("batch.queue-state", queue.name, "update_job_queue", kwargs)

    async def set_queue_priority(self, queue: JobQueue, priority: int) -> None:
        if not 0 <= priority <= 1000:
            raise InvalidRequest(f"priority must be 0..1000 (got {priority})", service=SERVICE)
        kwargs = {"jobQueue": queue.name, "priority": priority}
        await self._call("batch.queue-priority", queue.name, "update_job_queue", kwargs)


def stop_verb(status: JobStatus) -> str | None:
    """`cancel` before a job is placed, `terminate` once it starts, None when it has finished."""
    if status.is_cancellable:
        return "cancel"
    if status.is_terminatable:
        return "terminate"
    return None


def _reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise InvalidRequest("a reason is required (Batch records it on the job)", service=SERVICE)
    return text[:1024]

"""How the demo fleet's Batch places a RUNNABLE job: the documented scheduling rules, over moto's models.

- A compute environment places jobs when it is ENABLED (ComputeEnvironmentDetail `state`: "If the state is
  ENABLED, then the Batch scheduler can attempt to place jobs [...] If the state is DISABLED, then the Batch
  scheduler doesn't attempt to place jobs within the environment") and its status is VALID or UPDATING (Batch
  User Guide, "Updating compute environments": the environment keeps running and placing jobs while an update
  is applied). INVALID, CREATING, DELETING and DELETED environments place nothing.
- A queue's `state` does not hold back jobs already in it (JobQueueDetail `state`: "If the job queue state is
  DISABLED, new jobs can't be added to the queue, but jobs already in the queue can finish").
- Compute environments are tried "in ascending order" of the queue's `computeEnvironmentOrder`.
- A job runs on one instance: one allowed instance type must hold its vCPUs, memory (less the ECS overhead) and
  GPUs. When none can, Batch sets `statusReason` (JobDetail): "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - All
  compute environments have no connected instances that meet the job requirements."; when every environment's
  maxvCpus is below the job's vCPUs: "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE - All compute
  environments have a maxVcpu setting that is smaller than the job requirements."
- Otherwise the job waits its turn while running work fills maxvCpus, or while the account's EC2 vCPU quota for
  the instance family is used up.
- `jobStateTimeLimitActions`: "Batch will perform each action after maxTimeSeconds has passed" for a job in
  `state` whose status reason is the action's `reason`.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from hybridml.aws.batch_jobs import resource_request
from hybridml.domain.batch import ResourceRequest
from hybridml.triage.instances import expand, fit, quota_family_code

PLACING_STATUSES = ("VALID", "UPDATING")
ACTIVE = ("STARTING", "RUNNING")
NO_INSTANCE_FITS = (
    "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - All compute environments have no connected instances that meet "
    "the job requirements."
)
MAX_VCPUS_TOO_LOW = (
    "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE - All compute environments have a maxVcpu setting that is "
    "smaller than the job requirements."
)


@dataclass(frozen=True)
class Placement:
    instance_type: str = ""  # where the job starts now ('' = it waits)
    reason: str = ""  # the statusReason Batch sets while it cannot be placed ('' = it just waits its turn)


def job_request(job: Any) -> ResourceRequest:
    """What one moto job asks for (its definition's container with SubmitJob's overrides)."""
    if not job.job_definition.container_properties:
        return ResourceRequest()
    details = job._container_details()
    return resource_request(details.get("resourceRequirements"), details.get("vcpus"), details.get("memory"))


def env_status(env: Any) -> str:
    return str(getattr(env, "hybridml_status", None) or "VALID")


def places_jobs(env: Any) -> bool:
    return bool(env.state == "ENABLED" and env_status(env) in PLACING_STATUSES)


def instance_types(env: Any) -> list[str]:
    return [str(t) for t in (env.compute_resources or {}).get("instanceTypes", []) or []]


class Scheduler:
    """One tick's view of the fleet: vCPUs in use per compute environment and per quota."""

    def __init__(self, jobs: Iterable[Any], quotas: dict[str, float]) -> None:
        self.quotas = quotas
        self.env_used: dict[str, float] = {}
        self.quota_used: dict[str, float] = {}
        for job in jobs:
            if job._status in ACTIVE and not job._child_jobs:
                env = self._first_env(job)
                if env is not None:
                    self._count(env, job_request(job).vcpus, getattr(job, "hybridml_instance_type", ""))

    @staticmethod
    def _first_env(job: Any) -> Any:
        envs = [e for e in job.job_queue.environments or [] if places_jobs(e)]
        return envs[0] if envs else None

    def _count(self, env: Any, vcpus: float, instance_type: str) -> None:
        self.env_used[env.arn] = self.env_used.get(env.arn, 0.0) + vcpus
        if instance_type:
            code, _ = quota_family_code(instance_type, (env.compute_resources or {}).get("type") == "SPOT")
            self.quota_used[code] = self.quota_used.get(code, 0.0) + vcpus

    def place(self, job: Any) -> Placement:
        """Where `job` would start now, or why it waits."""
        envs = [e for e in job.job_queue.environments or [] if places_jobs(e) and e.compute_resources]
        if not envs:
            return Placement()
        request = job_request(job)
        fits = [(env, fit(request, instance_types(env))) for env in envs]
        if all(result.fits is False for _, result in fits):
            return Placement(reason=NO_INSTANCE_FITS)
        if request.vcpus and all(float(env.compute_resources.get("maxvCpus", 0)) < request.vcpus for env in envs):
            return Placement(reason=MAX_VCPUS_TOO_LOW)
        for env, result in fits:
            chosen = result.smallest_fit.name if result.smallest_fit is not None else None
            if chosen is None and result.fits is None:
                chosen = next((t for t in instance_types(env) if t != "optimal"), "m5.large")
            if chosen is None:
                continue
            used = self.env_used.get(env.arn, 0.0)
            if used + request.vcpus > float(env.compute_resources.get("maxvCpus", 0)):
                continue
            code, _ = quota_family_code(chosen, env.compute_resources.get("type") == "SPOT")
            limit = self.quotas.get(code)
            if limit is not None and self.quota_used.get(code, 0.0) + request.vcpus > limit:
                continue
            self._count(env, request.vcpus, chosen)
            return Placement(instance_type=chosen)
        return Placement()


def due_time_limit_action(job: Any, age_s: float) -> dict[str, Any] | None:
    """The queue's `jobStateTimeLimitActions` entry Batch carries out on this RUNNABLE job now, if any."""
    reason = str(job.job_stopped_reason or "")
    for action in getattr(job.job_queue, "hybridml_time_limit_actions", None) or []:
        wanted = str(action.get("reason", "") or "")
        if (
            wanted
            and action.get("state") == job._status
            and reason.startswith(wanted)
            and age_s >= float(action.get("maxTimeSeconds", 0))
        ):
            return dict(action)
    return None


def placement_type(job: Any, rng: random.Random) -> str:
    """An instance type the job's queue may launch that can hold the job (where Batch would put it)."""
    request = job_request(job)
    for env in job.job_queue.environments or []:
        known, _ = expand(instance_types(env))
        fitting = sorted(t.name for t in known if t.fits(request))
        if fitting:
            return rng.choice(fitting[:3])
    return ""

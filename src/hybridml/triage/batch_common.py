"""Helpers shared by the Batch rules: which jobs count as stuck, the finding builder, CE lookups."""

from __future__ import annotations

import math
from datetime import datetime

from hybridml.domain.batch import ComputeEnvironment, Job, JobStatus
from hybridml.domain.triage import ActionKind, Finding, FindingAction, ResourceKind, Severity
from hybridml.domain.units import mib
from hybridml.triage.context import TriageContext
from hybridml.triage.instances import fit

WAITING = (JobStatus.SUBMITTED, JobStatus.PENDING, JobStatus.RUNNABLE, JobStatus.STARTING)

Evidence = list[tuple[str, str]]


def finding(
    job: Job,
    severity: Severity,
    cause: str,
    summary: str,
    fix: str,
    evidence: Evidence,
    action: FindingAction | None = None,
    related: tuple[str, ...] = (),
) -> Finding:
    base = [("job.status", job.status.value), ("job.queue", job.queue)]
    return Finding(
        severity=severity,
        cause=cause,
        resource_kind=ResourceKind.JOB,
        resource_id=job.job_id,
        resource_name=job.name,
        summary=summary,
        fix=fix,
        evidence=tuple(base + evidence),
        action=action,
        related=related,
    )


def request_text(job: Job) -> str:
    r = job.resources
    return f"{r.vcpus:g} vCPU, {mib(r.memory_mib)} memory, {r.gpus} GPU"


def is_stuck(job: Job, ctx: TriageContext, now: datetime) -> bool:
    age = job.age_s(now)
    return job.status in WAITING and age is not None and age >= ctx.thresholds.job_stuck_min * 60


def candidate_ces(job: Job, ctx: TriageContext) -> list[ComputeEnvironment]:
    queue = ctx.queue_by_name.get(job.queue)
    if queue is None:
        return []
    ces = [ce for ce in ctx.queue_ces(queue) if ce.resources and ce.resources.type in ("EC2", "SPOT")]
    usable = [ce for ce in ces if ce.usable]
    return usable or ces


def allowed_types(ces: list[ComputeEnvironment]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for ce in ces if ce.resources for t in ce.resources.instance_types))


def running_vcpus(ce: ComputeEnvironment, ctx: TriageContext) -> float:
    """vCPUs of STARTING/RUNNING jobs on queues whose first compute environment is this one (summed once per
    context: triage asks for every waiting job)."""
    return ctx.active_vcpus_by_first_ce.get(ce.name, 0.0)


def raise_max_action(job: Job, ces: list[ComputeEnvironment], used: float = 0.0) -> FindingAction | None:
    target = next((ce for ce in ces if ce.usable and ce.resources), None)
    if target is None or target.resources is None:
        return None
    result = fit(job.resources, target.resources.instance_types)
    if result.fits is False:  # a bigger max does not help a job that fits no instance
        return None
    step = result.smallest_fit.vcpus if result.smallest_fit else 1
    needed = int(math.ceil((used + job.resources.vcpus) / step) * step)
    new = needed if needed > target.resources.max_vcpus else target.resources.max_vcpus + step
    return FindingAction(
        ActionKind.RAISE_MAX_VCPUS,
        target.name,
        f"raise maxvCpus of {target.name} {target.resources.max_vcpus} -> {new}",
        (("maxvCpus", str(new)),),
        f"maxvCpus {target.resources.max_vcpus}",
        f"maxvCpus {new}",
    )

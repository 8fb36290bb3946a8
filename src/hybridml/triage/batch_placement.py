"""Placement rules: does the job fit any allowed instance, is there room under maxvCpus, spot, EC2 quotas."""

from __future__ import annotations

from datetime import datetime

from hybridml.domain.batch import Job, JobStatus
from hybridml.domain.triage import Finding, Severity
from hybridml.domain.units import mib
from hybridml.triage.batch_common import (
    Evidence,
    allowed_types,
    candidate_ces,
    finding,
    raise_max_action,
    request_text,
    running_vcpus,
)
from hybridml.triage.context import TriageContext
from hybridml.triage.instances import fit, quota_family_code


def fit_rule(job: Job, ctx: TriageContext, now: datetime) -> list[Finding]:
    r = job.resources
    if job.status is not JobStatus.RUNNABLE or (r.vcpus <= 0 and r.memory_mib <= 0 and r.gpus <= 0):
        return []
    ces = candidate_ces(job, ctx)
    allowed = allowed_types(ces)
    result = fit(r, allowed)
    if result.fits is not False:
        return []
    largest = result.largest
    evidence: Evidence = [("job.resources", request_text(job)), ("ce.instanceTypes", ",".join(allowed))]
    if largest is not None:
        evidence.append(
            (
                "largest allowed",
                f"{largest.name}: {largest.vcpus} vCPU, {mib(largest.job_memory_mib)} for jobs "
                f"({mib(largest.memory_mib)} installed), {largest.gpus} GPU",
            )
        )
    if "gpus" in result.short and (largest is None or largest.gpus == 0):
        summary = f"The job needs {r.gpus} GPU but queue '{job.queue}' only launches CPU instance types."
        fix = "Submit it to a GPU queue, or add a GPU compute environment (g5/g6/p4d...) to this queue."
        cause = "NO_GPU_INSTANCE"
    else:
        what = ", ".join(result.short)
        summary = f"No allowed instance type can hold the job ({what}): a Batch container runs on one instance."
        fix = (
            "Lower the job's requirement — memory must fit what ECS registers (about 2.5% less than installed, minus "
            "32 MiB) — or allow a larger instance type in the compute environment."
        )
        cause = "JOB_DOES_NOT_FIT"
    return [finding(job, Severity.ERROR, cause, summary, fix, evidence, related=tuple(f"ce {c.name}" for c in ces))]


def max_vcpus_rule(job: Job, ctx: TriageContext, now: datetime) -> list[Finding]:
    if job.status is not JobStatus.RUNNABLE or job.resources.vcpus <= 0:
        return []
    if job.status_reason.startswith("MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE"):
        return []  # Batch said so already (reason_code_rule)
    ces = [ce for ce in candidate_ces(job, ctx) if ce.usable and ce.resources]
    if not ces or fit(job.resources, allowed_types(ces)).fits is False:
        return []
    need = job.resources.vcpus
    evidence: Evidence = [("job.vcpus", f"{need:g}")]
    for ce in ces:
        assert ce.resources is not None
        evidence.append((f"ce[{ce.name}].maxvCpus", str(ce.resources.max_vcpus)))
    if all(ce.resources and ce.resources.max_vcpus < need for ce in ces):
        return [
            finding(
                job,
                Severity.ERROR,
                "CE_MAX_VCPUS_TOO_LOW",
                f"Every compute environment of '{job.queue}' has maxvCpus below the job's {need:g} vCPUs.",
                "Raise maxvCpus, or submit the job with fewer vCPUs.",
                evidence,
                raise_max_action(job, ces),
            )
        ]
    full = []
    for ce in ces:
        assert ce.resources is not None
        used = max(float(ce.resources.desired_vcpus), running_vcpus(ce, ctx))
        evidence.append((f"ce[{ce.name}].vCPU in use", f"{used:g} (desired {ce.resources.desired_vcpus})"))
        if used + need > ce.resources.max_vcpus:
            full.append((ce, used))
    if len(full) < len(ces):
        return []
    ce, used = full[0]
    return [
        finding(
            job,
            Severity.WARNING,
            "CE_AT_MAX_VCPUS",
            f"The queue's compute environments are at maxvCpus: running work uses the room this job needs "
            f"({need:g} vCPU). It waits its turn.",
            "Wait, raise maxvCpus, or lower the priority of other work (scheduling policy / queue priority).",
            evidence,
            raise_max_action(job, [ce], used),
        )
    ]


def spot_rule(job: Job, ctx: TriageContext, now: datetime) -> list[Finding]:
    if job.status is not JobStatus.RUNNABLE:
        return []
    ces = [ce for ce in candidate_ces(job, ctx) if ce.usable and ce.resources]
    spot = [ce for ce in ces if ce.resources and ce.resources.type == "SPOT"]
    capacity = job.status_reason.startswith("CAPACITY")
    if not spot or not (capacity or len(spot) == len(ces)):
        return []
    evidence: Evidence = []
    for ce in spot:
        assert ce.resources is not None
        evidence += [
            (f"ce[{ce.name}].type", "SPOT"),
            (f"ce[{ce.name}].bidPercentage", str(ce.resources.bid_percentage or "-")),
            (f"ce[{ce.name}].allocationStrategy", ce.resources.allocation_strategy or "BEST_FIT"),
        ]
    return [
        finding(
            job,
            Severity.INFO,
            "SPOT_CAPACITY",
            "Spot capacity for the allowed instance types may be short (or the bid percentage too low).",
            "Use SPOT_PRICE_CAPACITY_OPTIMIZED with several instance types, raise bidPercentage, or put an "
            "on-demand compute environment after the spot one in the queue.",
            evidence,
            related=tuple(f"ce {ce.name}" for ce in spot),
        )
    ]


def quota_rule(job: Job, ctx: TriageContext, now: datetime) -> list[Finding]:
    if job.status is not JobStatus.RUNNABLE or not ctx.quotas:
        return []
    for ce in candidate_ces(job, ctx):
        if not ce.usable or ce.resources is None:
            continue
        result = fit(job.resources, ce.resources.instance_types)
        if result.smallest_fit is None:
            continue
        code, name = quota_family_code(result.smallest_fit.name, ce.resources.type == "SPOT")
        limit = ctx.quota_by_code.get(code)
        if limit is None:
            continue
        used = running_vcpus(ce, ctx)
        if limit < result.smallest_fit.vcpus or used + result.smallest_fit.vcpus > limit:
            return [
                finding(
                    job,
                    Severity.ERROR if limit < result.smallest_fit.vcpus else Severity.WARNING,
                    "EC2_VCPU_QUOTA",
                    f"The account's EC2 quota '{name}' ({limit:g} vCPU) leaves no room for a "
                    f"{result.smallest_fit.name} ({result.smallest_fit.vcpus} vCPU).",
                    f"Request a quota increase for {code} in Service Quotas (EC2), or use another instance family.",
                    [("quota", f"{code} {name} = {limit:g}"), ("vCPU in use (estimate)", f"{used:g}")],
                    related=(f"ce {ce.name}",),
                )
            ]
    return []

"""Will this request ever run on this queue? Pure checks of queue and compute-environment state, Fargate limits
and maxvCpus, over the instance-type fit of `triage/instances.py` (the one catalogue and memory model).

Used live by the submit form and by `hybridml submit` (before anything is sent).
"""

from __future__ import annotations

from collections.abc import Sequence

from hybridml.domain.batch import ComputeEnvironment, JobQueue, ResourceRequest
from hybridml.domain.fit import FitResult
from hybridml.triage.instances import InstanceType, fit

__all__ = ["FitResult", "describe_request", "fit_check"]

GIB = 1024
# Fargate's largest task size: 16 vCPU with up to 120 GiB (AWS Batch, "Fargate compute environments"). No
# ECS agent overhead applies: the task gets the memory it asks for.
FARGATE_MAX_VCPUS = 16
FARGATE_MAX_MEMORY_MIB = 120 * GIB


def describe_request(request: ResourceRequest) -> str:
    parts = [f"{request.vcpus:g} vCPU", f"{request.memory_mib:,} MiB"]
    if request.gpus:
        parts.append(f"{request.gpus} GPU")
    return ", ".join(parts)


def _why_no_type(request: ResourceRequest, ce: str, short: tuple[str, ...], types: Sequence[InstanceType]) -> str:
    """The first thing in `short` (from `instances.fit`) that no type of `ce` offers, in words."""
    listed = ", ".join(t.name for t in sorted(types, key=lambda t: (t.vcpus, t.memory_mib))[:6])
    if "gpus" in short:
        most = max(t.gpus for t in types)
        if most == 0:
            return f"needs {request.gpus} GPU but {ce} has only CPU instance types ({listed})"
        return f"needs {request.gpus} GPUs; the most in {ce} is {most} ({listed})"
    if "vcpus" in short:
        top_cpu = max(t.vcpus for t in types)
        return f"needs {request.vcpus:g} vCPUs; the largest instance type in {ce} has {top_cpu} ({listed})"
    if "memory" in short:
        top = max(types, key=lambda t: t.job_memory_mib)
        return (
            f"needs {request.memory_mib:,} MiB; the most {ce} can give one job is "
            f"{top.job_memory_mib:,} MiB on {top.name} ({top.memory_mib / GIB:g} GiB less ECS overhead)"
        )
    return f"no single instance type in {ce} has {describe_request(request)} together ({listed})"


def _check_ce(
    request: ResourceRequest, ce: ComputeEnvironment, platform: str
) -> tuple[str | None, str | None, str | None]:
    """(fitting instance type, problem, warning) for one CE."""
    if ce.state != "ENABLED":
        return None, f"compute environment {ce.name} is {ce.state}", None
    if ce.status == "INVALID":
        reason = f": {ce.status_reason}" if ce.status_reason else ""
        return None, f"compute environment {ce.name} is INVALID{reason}", None
    r = ce.resources
    if r is None:
        return "unmanaged", None, f"{ce.name} is unmanaged: its instances were not checked"
    fargate = r.type.startswith("FARGATE")
    if fargate != (platform.upper() == "FARGATE"):
        return None, f"the definition is for {platform.upper()} but {ce.name} is {r.type}", None
    if request.vcpus > r.max_vcpus:
        return None, f"needs {request.vcpus:g} vCPUs but {ce.name} has maxvCpus {r.max_vcpus}", None
    if fargate:
        if request.gpus:
            return None, f"{ce.name} is {r.type}: Fargate has no GPUs", None
        if request.vcpus > FARGATE_MAX_VCPUS or request.memory_mib > FARGATE_MAX_MEMORY_MIB:
            return None, f"{ce.name} is {r.type}: at most 16 vCPU and 120 GiB per job", None
        return "fargate", None, None
    result = fit(request, r.instance_types)
    if result.smallest_fit is not None:
        best = result.smallest_fit
        warning = None
        if request.memory_mib > best.job_memory_mib * 0.95:
            warning = f"memory is within 5% of what {best.name} leaves for jobs; it may not be placed"
        return best.name, None, warning
    if result.unknown:
        unknown = ", ".join(result.unknown)
        return result.unknown[0], None, f"{ce.name}: instance types {unknown} are not in the catalogue"
    if not result.types:
        return None, f"{ce.name} lists no instance types", None
    return None, _why_no_type(request, ce.name, result.short, result.types), None


def fit_check(
    request: ResourceRequest,
    queue: JobQueue | None,
    ces: Sequence[ComputeEnvironment],
    *,
    array_size: int | None = None,
    platform: str = "EC2",
) -> FitResult:
    """Can `request` ever be placed by `queue`? `ces` may hold every CE of the account (matched by ARN or name).

    For an array job `request` is one child; a warning says when maxvCpus caps how many children run at once.
    `platform` is the job definition's (EC2 or FARGATE): it must match the CE type.
    """
    if queue is None:
        return FitResult(False, ("the job queue was not found",))
    problems: list[str] = []
    warnings: list[str] = []
    if queue.state != "ENABLED":
        problems.append(f"queue {queue.name} is {queue.state}: it accepts no new jobs")
    if queue.status == "INVALID":
        problems.append(f"queue {queue.name} is INVALID" + (f": {queue.status_reason}" if queue.status_reason else ""))
    if request.vcpus < 0 or request.memory_mib < 0 or request.gpus < 0:
        problems.append(f"resources cannot be negative ({describe_request(request)})")
    by_ref = {ce.arn: ce for ce in ces} | {ce.name: ce for ce in ces}
    fitting: list[tuple[str, str]] = []
    for ref in queue.compute_environments:
        ce = by_ref.get(ref) or by_ref.get(ref.rsplit("/", 1)[-1])
        if ce is None:
            warnings.append(f"compute environment {ref.rsplit('/', 1)[-1]} could not be read")
            continue
        itype, problem, warning = _check_ce(request, ce, platform)
        if itype:
            fitting.append((ce.name, itype))
        if problem:
            problems.append(problem)
        if warning:
            warnings.append(warning)
    if not queue.compute_environments:
        problems.append(f"queue {queue.name} has no compute environments")
    queue_ok = queue.state == "ENABLED" and queue.status != "INVALID"
    if fitting and queue_ok:
        # CEs that were ruled out are worth a warning, not a verdict: the job runs elsewhere.
        if array_size and request.vcpus > 0:
            capacity = sum(
                ce.resources.max_vcpus
                for ce in ces
                if ce.resources is not None and ce.name in {name for name, _ in fitting}
            )
            at_once = int(capacity // request.vcpus)
            if 0 < at_once < array_size:
                warnings.append(f"maxvCpus {capacity}: at most {at_once} of the {array_size} children run at once")
        return FitResult(True, (), tuple(warnings + problems), tuple(fitting))
    if not fitting and not problems and not warnings:
        problems.append("no compute environment of the queue can hold it")
    return FitResult(False, tuple(problems), tuple(warnings), tuple(fitting))

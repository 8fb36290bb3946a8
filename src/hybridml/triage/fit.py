"""Will this request ever run? Pure checks of vCPU / memory / GPU against a queue's compute environments.

Used live by the submit form (before anything is sent) and by triage ("needs more than any instance type").

Memory: ECS does not hand a job all of an instance's memory. The container agent, the OS and the kernel keep
part of it, so an 8 GiB m4.large registers about 7.7 GiB with ECS (AWS Batch "Compute resource memory
management"). We reserve `ECS_MEMORY_OVERHEAD_FRACTION` (6%) of the instance's memory, at least
`ECS_MEMORY_OVERHEAD_MIN_MIB` (256 MiB): 8 GiB -> 7,700 MiB usable. It is an estimate; a request within a few
percent of the limit gets a warning, not a verdict.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hybridml.domain.batch import ComputeEnvironment, JobQueue, ResourceRequest

ECS_MEMORY_OVERHEAD_FRACTION = 0.06
ECS_MEMORY_OVERHEAD_MIN_MIB = 256
GIB = 1024


@dataclass(frozen=True, slots=True)
class InstanceType:
    name: str
    vcpus: int
    memory_mib: int
    gpus: int = 0

    @property
    def family(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def usable_memory_mib(self) -> int:
        """Memory a job can ask for on this type (see the module docstring)."""
        return self.memory_mib - max(ECS_MEMORY_OVERHEAD_MIN_MIB, round(self.memory_mib * ECS_MEMORY_OVERHEAD_FRACTION))

    def fits(self, request: ResourceRequest) -> bool:
        return (
            request.vcpus <= self.vcpus and request.memory_mib <= self.usable_memory_mib and request.gpus <= self.gpus
        )


def _family(family: str, sizes: Iterable[tuple[str, int, float, int]]) -> dict[str, InstanceType]:
    return {
        f"{family}.{size}": InstanceType(f"{family}.{size}", vcpus, int(mem_gib * GIB), gpus)
        for size, vcpus, mem_gib, gpus in sizes
    }


_C_SIZES = (("large", 2, 4, 0), ("xlarge", 4, 8, 0), ("2xlarge", 8, 16, 0), ("4xlarge", 16, 32, 0))
_M_SIZES = (("large", 2, 8, 0), ("xlarge", 4, 16, 0), ("2xlarge", 8, 32, 0), ("4xlarge", 16, 64, 0))
_R_SIZES = (("large", 2, 16, 0), ("xlarge", 4, 32, 0), ("2xlarge", 8, 64, 0), ("4xlarge", 16, 128, 0))
_BIG = (("8xlarge", 32), ("12xlarge", 48), ("16xlarge", 64), ("24xlarge", 96))
_G_SIZES = (
    ("xlarge", 4, 16, 1),
    ("2xlarge", 8, 32, 1),
    ("4xlarge", 16, 64, 1),
    ("8xlarge", 32, 128, 1),
    ("12xlarge", 48, 192, 4),
    ("16xlarge", 64, 256, 1),
)

# vCPU, memory and GPUs of the common Batch instance types (AWS EC2 instance type pages).
INSTANCE_TYPES: dict[str, InstanceType] = {
    **_family(
        "c5",
        (*_C_SIZES, ("9xlarge", 36, 72, 0), ("12xlarge", 48, 96, 0), ("18xlarge", 72, 144, 0)),
    ),
    **_family(
        "c5",
        (("24xlarge", 96, 192, 0),),
    ),
    **_family("c6i", (*_C_SIZES, *((s, v, v * 2, 0) for s, v in _BIG), ("32xlarge", 128, 256, 0))),
    **_family("m5", (*_M_SIZES, *((s, v, v * 4, 0) for s, v in _BIG))),
    **_family("m6i", (*_M_SIZES, *((s, v, v * 4, 0) for s, v in _BIG), ("32xlarge", 128, 512, 0))),
    **_family("r5", (*_R_SIZES, *((s, v, v * 8, 0) for s, v in _BIG))),
    **_family("g4dn", (*_G_SIZES, ("metal", 96, 384, 8))),
    **_family("g5", (*_G_SIZES, ("24xlarge", 96, 384, 4), ("48xlarge", 192, 768, 8))),
    **_family("g6", (*_G_SIZES, ("24xlarge", 96, 384, 4), ("48xlarge", 192, 768, 8))),
    **_family("p3", (("2xlarge", 8, 61, 1), ("8xlarge", 32, 244, 4), ("16xlarge", 64, 488, 8))),
    **_family("p3dn", (("24xlarge", 96, 768, 8),)),
    **_family("p4d", (("24xlarge", 96, 1152, 8),)),
    **_family("p5", (("48xlarge", 192, 2048, 8),)),
}

# `optimal` lets Batch pick from the C, M and R families (AWS: c4/m4/r4, or newer where those are absent).
OPTIMAL_FAMILIES = ("c5", "m5", "r5")
FARGATE_MAX = InstanceType("fargate", 16, 120 * GIB, 0)


def expand_instance_types(names: Iterable[str]) -> tuple[list[InstanceType], list[str]]:
    """CE `instanceTypes` entries (types, families, `optimal`) -> (known types, names we cannot size)."""
    known: dict[str, InstanceType] = {}
    unknown: list[str] = []
    for raw in names:
        name = raw.strip().lower()
        families = OPTIMAL_FAMILIES if name == "optimal" else (name,) if "." not in name else ()
        if families:
            found = [t for t in INSTANCE_TYPES.values() if t.family in families]
        else:
            found = [INSTANCE_TYPES[name]] if name in INSTANCE_TYPES else []
        if not found:
            unknown.append(raw)
        known.update((t.name, t) for t in found)
    return list(known.values()), unknown


def fits_any_instance_type(request: ResourceRequest) -> InstanceType | None:
    """The smallest catalogued type that can hold `request`, or None when no instance type is big enough."""
    fitting = [t for t in INSTANCE_TYPES.values() if t.fits(request)]
    return min(fitting, key=lambda t: (t.gpus, t.vcpus, t.memory_mib)) if fitting else None


def describe_request(request: ResourceRequest) -> str:
    parts = [f"{request.vcpus:g} vCPU", f"{request.memory_mib:,} MiB"]
    if request.gpus:
        parts.append(f"{request.gpus} GPU")
    return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class FitResult:
    """`ok`: at least one usable compute environment of the queue has an instance type that can hold the job."""

    ok: bool
    problems: tuple[str, ...] = ()  # why it cannot run (or why a CE was ruled out)
    warnings: tuple[str, ...] = ()  # runs, but worth knowing
    fitting: tuple[tuple[str, str], ...] = ()  # (CE name, smallest instance type that fits)

    @property
    def summary(self) -> str:
        if self.ok:
            where = ", ".join(f"{ce} ({itype})" for ce, itype in self.fitting[:3])
            return f"fits: {where}" if where else "fits"
        return "will never run: " + (self.problems[0] if self.problems else "no compute environment can hold it")


def _smallest(types: Sequence[InstanceType]) -> InstanceType:
    return min(types, key=lambda t: (t.gpus, t.vcpus, t.memory_mib))


def _why_no_type(request: ResourceRequest, ce: str, types: Sequence[InstanceType]) -> str:
    listed = ", ".join(t.name for t in sorted(types, key=lambda t: (t.vcpus, t.memory_mib))[:6])
    if request.gpus:
        most = max(t.gpus for t in types)
        if most == 0:
            return f"needs {request.gpus} GPU but {ce} has only CPU instance types ({listed})"
        if request.gpus > most:
            return f"needs {request.gpus} GPUs; the most in {ce} is {most} ({listed})"
    top_cpu = max(t.vcpus for t in types)
    if request.vcpus > top_cpu:
        return f"needs {request.vcpus:g} vCPUs; the largest instance type in {ce} has {top_cpu} ({listed})"
    top_mem = max(types, key=lambda t: t.usable_memory_mib)
    if request.memory_mib > top_mem.usable_memory_mib:
        return (
            f"needs {request.memory_mib:,} MiB; the most {ce} can give one job is "
            f"{top_mem.usable_memory_mib:,} MiB on {top_mem.name} ({top_mem.memory_mib // GIB} GiB less ECS overhead)"
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
        if not FARGATE_MAX.fits(request):
            return None, f"{ce.name} is {r.type}: at most 16 vCPU and 120 GiB per job", None
        return "fargate", None, None
    types, unknown = expand_instance_types(r.instance_types)
    fitting = [t for t in types if t.fits(request)]
    if fitting:
        best = _smallest(fitting)
        warning = None
        if request.memory_mib > best.usable_memory_mib * 0.95:
            warning = f"memory is within 5% of what {best.name} leaves for jobs; it may not be placed"
        return best.name, None, warning
    if unknown:
        return unknown[0], None, f"{ce.name}: instance types {', '.join(unknown)} are not in the catalogue"
    if not types:
        return None, f"{ce.name} lists no instance types", None
    return None, _why_no_type(request, ce.name, types), None


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

"""A small EC2 instance-type catalogue and the "does this job fit anywhere?" check.

`fit(request, allowed)` is the one place the resource-fit rule lives (triage calls only this).
Memory available to jobs is less than installed: the kernel and platform take about 2.5%
(AWS's m4.large example: 8 GiB installed, 7985 MiB registered) and the Batch AMI reserves
32 MiB for the ECS agent (ECS_RESERVED_MEMORY).
"""

from __future__ import annotations

from dataclasses import dataclass

from hybridml.domain.batch import ResourceRequest

PLATFORM_OVERHEAD = 0.025
ECS_RESERVED_MIB = 32


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
    def job_memory_mib(self) -> int:
        """What the ECS agent registers for jobs."""
        return int(self.memory_mib * (1 - PLATFORM_OVERHEAD)) - ECS_RESERVED_MIB


_SIZES = {
    "large": 2,
    "xlarge": 4,
    "2xlarge": 8,
    "4xlarge": 16,
    "8xlarge": 32,
    "9xlarge": 36,
    "12xlarge": 48,
    "16xlarge": 64,
    "18xlarge": 72,
    "24xlarge": 96,
    "32xlarge": 128,
    "48xlarge": 192,
}
# family -> (GiB per vCPU, sizes offered)
_CPU_FAMILIES: dict[str, tuple[int, tuple[str, ...]]] = {
    **{f: (2, ("large", "xlarge", "2xlarge", "4xlarge", "9xlarge", "18xlarge")) for f in ("c5", "c4")},
    **{
        f: (2, ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "32xlarge"))
        for f in ("c6i", "c6a", "c7i", "c7g", "c6g")
    },
    **{
        f: (4, ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"))
        for f in ("m5", "m5a", "m6g", "m7g")
    },
    **{
        f: (4, ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "32xlarge"))
        for f in ("m6i", "m6a", "m7i")
    },
    "m4": (4, ("large", "xlarge", "2xlarge", "4xlarge", "16xlarge")),
    **{
        f: (8, ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"))
        for f in ("r5", "r5a", "r6g")
    },
    **{
        f: (8, ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "32xlarge"))
        for f in ("r6i", "r7i")
    },
    "r4": (8, ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge")),
    "x2idn": (16, ("16xlarge", "24xlarge", "32xlarge")),
}
# Accelerated types, listed one by one: name -> (vCPU, GiB, GPUs)
_GPU_TYPES: dict[str, tuple[int, int, int]] = {
    "g4dn.xlarge": (4, 16, 1),
    "g4dn.2xlarge": (8, 32, 1),
    "g4dn.4xlarge": (16, 64, 1),
    "g4dn.8xlarge": (32, 128, 1),
    "g4dn.12xlarge": (48, 192, 4),
    "g4dn.16xlarge": (64, 256, 1),
    "g4dn.metal": (96, 384, 8),
    "g5.xlarge": (4, 16, 1),
    "g5.2xlarge": (8, 32, 1),
    "g5.4xlarge": (16, 64, 1),
    "g5.8xlarge": (32, 128, 1),
    "g5.12xlarge": (48, 192, 4),
    "g5.16xlarge": (64, 256, 1),
    "g5.24xlarge": (96, 384, 4),
    "g5.48xlarge": (192, 768, 8),
    "g6.xlarge": (4, 16, 1),
    "g6.2xlarge": (8, 32, 1),
    "g6.4xlarge": (16, 64, 1),
    "g6.12xlarge": (48, 192, 4),
    "g6.48xlarge": (192, 768, 8),
    "g6e.xlarge": (4, 32, 1),
    "g6e.12xlarge": (48, 384, 4),
    "g6e.48xlarge": (192, 1536, 8),
    "p3.2xlarge": (8, 61, 1),
    "p3.8xlarge": (32, 244, 4),
    "p3.16xlarge": (64, 488, 8),
    "p3dn.24xlarge": (96, 768, 8),
    "p4d.24xlarge": (96, 1152, 8),
    "p4de.24xlarge": (96, 1152, 8),
    "p5.48xlarge": (192, 2048, 8),
}


def _build() -> dict[str, InstanceType]:
    out: dict[str, InstanceType] = {}
    for family, (ratio, sizes) in _CPU_FAMILIES.items():
        for size in sizes:
            vcpu = _SIZES[size]
            out[f"{family}.{size}"] = InstanceType(f"{family}.{size}", vcpu, vcpu * ratio * 1024)
    for name, (vcpu, gib, gpus) in _GPU_TYPES.items():
        out[name] = InstanceType(name, vcpu, gib * 1024, gpus)
    return out


CATALOGUE: dict[str, InstanceType] = _build()
# Batch's "optimal" picks from the C, M and R families (newest generations that Batch uses for it).
OPTIMAL_FAMILIES = ("c4", "m4", "r4", "c5", "m5", "r5", "c6i", "m6i", "r6i")


def expand(allowed: tuple[str, ...]) -> tuple[list[InstanceType], list[str]]:
    """Instance types a CE may launch: exact names, whole families ("c6i") and "optimal".

    Returns (known types, names this catalogue does not know)."""
    known: list[InstanceType] = []
    unknown: list[str] = []
    for name in allowed:
        if name == "optimal":
            known += [t for t in CATALOGUE.values() if t.family in OPTIMAL_FAMILIES]
        elif name in CATALOGUE:
            known.append(CATALOGUE[name])
        elif "." not in name and any(t.family == name for t in CATALOGUE.values()):
            known += [t for t in CATALOGUE.values() if t.family == name]
        else:
            unknown.append(name)
    return known, unknown


@dataclass(frozen=True, slots=True)
class FitResult:
    fits: bool | None  # None: no known instance type to judge by
    short: tuple[str, ...]  # what no allowed type offers: "vcpus", "memory", "gpus"
    largest: InstanceType | None  # the allowed type closest to the request (most vCPU, then memory)
    smallest_fit: InstanceType | None
    unknown: tuple[str, ...] = ()


def fit(request: ResourceRequest, allowed: tuple[str, ...]) -> FitResult:
    """Whether one instance among `allowed` can hold the job (a Batch container runs on one instance)."""
    types, unknown = expand(allowed)
    if not types:
        return FitResult(None, (), None, None, tuple(unknown))
    fitting = [t for t in types if _fits(request, t)]
    if fitting:
        best = min(fitting, key=lambda t: (t.vcpus, t.memory_mib, t.gpus))
        return FitResult(True, (), best, best, tuple(unknown))
    if unknown:  # an unknown type might fit: do not claim otherwise
        return FitResult(None, (), None, None, tuple(unknown))
    short = []
    if request.vcpus > max(t.vcpus for t in types):
        short.append("vcpus")
    if request.memory_mib > max(t.job_memory_mib for t in types):
        short.append("memory")
    if request.gpus > max(t.gpus for t in types):
        short.append("gpus")
    if not short:  # each resource fits somewhere, but never all on the same type
        short.append("combination")
    largest = max(types, key=lambda t: (t.gpus >= request.gpus, t.vcpus, t.memory_mib))
    return FitResult(False, tuple(short), largest, None, ())


def _fits(request: ResourceRequest, t: InstanceType) -> bool:
    return request.vcpus <= t.vcpus and request.memory_mib <= t.job_memory_mib and request.gpus <= t.gpus


def quota_family_code(instance_type: str, spot: bool) -> tuple[str, str]:
    """The Service Quotas code (service "ec2") that limits vCPUs of this instance family."""
    letter = instance_type[:1].lower()
    if letter in ("g",) or instance_type.startswith("vt"):
        return (
            ("L-3819A6DF", "All G and VT Spot Instance Requests")
            if spot
            else (
                "L-DB2E81BA",
                "Running On-Demand G and VT instances",
            )
        )
    if letter == "p":
        return (
            ("L-7212CCBC", "All P Spot Instance Requests")
            if spot
            else (
                "L-417A185B",
                "Running On-Demand P instances",
            )
        )
    if instance_type.startswith(("inf", "trn")):
        return (
            ("L-B5D1601B", "All Inf Spot Instance Requests")
            if spot
            else (
                "L-1945791B",
                "Running On-Demand Inf instances",
            )
        )
    return (
        ("L-34B43A08", "All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests")
        if spot
        else (
            "L-1216C47A",
            "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances",
        )
    )


QUOTA_CODES: tuple[str, ...] = (
    "L-1216C47A",
    "L-DB2E81BA",
    "L-417A185B",
    "L-1945791B",
    "L-34B43A08",
    "L-3819A6DF",
    "L-7212CCBC",
)

"""The EC2 instance-type catalogue and the one "does this job fit on an instance?" rule.

Every fit answer comes from `fit(request, allowed)`: the triage rules call it, and so does the submit form's
queue-level check (`triage/fit.py`), so the form and triage cannot disagree.

Memory a job can ask for (`InstanceType.job_memory_mib`) is less than the installed memory:
- ECS registers the total memory the kernel reports, which platform and kernel overhead keep below the installed
  amount. AWS Batch user guide, "Compute resource memory management"
  (https://docs.aws.amazon.com/batch/latest/userguide/memory-management.html): an m4.large has 8 GiB installed,
  `free -b` reports 8373026816 bytes, so 7985 MiB are registered. We apply that ratio (7985/8192, about 2.5%
  less) to every type.
- The default Batch compute AMI also sets ECS_RESERVED_MEMORY to 32 MiB for the ECS agent and system processes
  ("Reserve system memory", same guide): no job can have it.
So an m4.large offers 7985 - 32 = 7953 MiB to jobs. It is an estimate (kernel overhead does not scale exactly, a
custom AMI may reserve more); the submit form warns when a request is within 5% of the limit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from hybridml.domain.batch import ResourceRequest

# The AWS example above: installed and registered MiB of an m4.large.
EXAMPLE_INSTALLED_MIB = 8192
EXAMPLE_REGISTERED_MIB = 7985
ECS_RESERVED_MIB = 32  # ECS_RESERVED_MEMORY of the default Batch AMI


@dataclass(frozen=True, slots=True)
class InstanceType:
    name: str
    vcpus: int
    memory_mib: int  # installed
    gpus: int = 0

    @property
    def family(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def job_memory_mib(self) -> int:
        """What the ECS agent registers, less what it reserves: the most memory one job can ask for here."""
        return self.memory_mib * EXAMPLE_REGISTERED_MIB // EXAMPLE_INSTALLED_MIB - ECS_RESERVED_MIB

    def fits(self, request: ResourceRequest) -> bool:
        return request.vcpus <= self.vcpus and request.memory_mib <= self.job_memory_mib and request.gpus <= self.gpus


_VCPUS = {"medium": 1, "large": 2, "xlarge": 4} | {f"{n}xlarge": 4 * n for n in (2, 4, 8, 9, 12, 16, 18, 24, 32, 48)}
_TO_16 = ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge")
_TO_24 = (*_TO_16, "24xlarge")
_TO_32 = (*_TO_24, "32xlarge")
_TO_48 = (*_TO_32, "48xlarge")
_GRAVITON = ("medium", *_TO_16)
# Families whose memory is a fixed GiB per vCPU (AWS EC2 instance type pages): family -> (GiB per vCPU, sizes).
_RATIO_FAMILIES: dict[str, tuple[int, tuple[str, ...]]] = {
    "c5": (2, ("large", "xlarge", "2xlarge", "4xlarge", "9xlarge", "12xlarge", "18xlarge", "24xlarge")),
    "c6i": (2, _TO_32),
    "c6a": (2, _TO_48),
    "c7i": (2, (*_TO_24, "48xlarge")),
    "c6g": (2, _GRAVITON),
    "c7g": (2, _GRAVITON),
    "m5": (4, _TO_24),
    "m5a": (4, _TO_24),
    "m6i": (4, _TO_32),
    "m6a": (4, _TO_48),
    "m7i": (4, (*_TO_24, "48xlarge")),
    "m6g": (4, _GRAVITON),
    "m7g": (4, _GRAVITON),
    "r5": (8, _TO_24),
    "r5a": (8, _TO_24),
    "r6i": (8, _TO_32),
    "r7i": (8, (*_TO_24, "48xlarge")),
    "r6g": (8, _GRAVITON),
    "x2idn": (16, ("16xlarge", "24xlarge", "32xlarge")),
}
# GPU sizes shared by the G families: (size, GPUs); vCPUs from _VCPUS.
_G_SIZES = (
    ("xlarge", 1),
    ("2xlarge", 1),
    ("4xlarge", 1),
    ("8xlarge", 1),
    ("12xlarge", 4),
    ("16xlarge", 1),
    ("24xlarge", 4),
    ("48xlarge", 8),
)
# family -> (GiB per vCPU, how many of _G_SIZES it offers)
_G_FAMILIES = {"g4dn": (4, 6), "g5": (4, 8), "g6": (4, 8), "g6e": (8, 8)}
# Types that follow no pattern: name -> (vCPU, GiB, GPUs)
_ONE_BY_ONE: dict[str, tuple[int, float, int]] = {
    "c4.large": (2, 3.75, 0),
    "c4.xlarge": (4, 7.5, 0),
    "c4.2xlarge": (8, 15, 0),
    "c4.4xlarge": (16, 30, 0),
    "c4.8xlarge": (36, 60, 0),
    "m4.large": (2, 8, 0),
    "m4.xlarge": (4, 16, 0),
    "m4.2xlarge": (8, 32, 0),
    "m4.4xlarge": (16, 64, 0),
    "m4.10xlarge": (40, 160, 0),
    "m4.16xlarge": (64, 256, 0),
    "r4.large": (2, 15.25, 0),
    "r4.xlarge": (4, 30.5, 0),
    "r4.2xlarge": (8, 61, 0),
    "r4.4xlarge": (16, 122, 0),
    "r4.8xlarge": (32, 244, 0),
    "r4.16xlarge": (64, 488, 0),
    "g4dn.metal": (96, 384, 8),
    "p3.2xlarge": (8, 61, 1),
    "p3.8xlarge": (32, 244, 4),
    "p3.16xlarge": (64, 488, 8),
    "p3dn.24xlarge": (96, 768, 8),
    "p4d.24xlarge": (96, 1152, 8),
    "p4de.24xlarge": (96, 1152, 8),
    "p5.48xlarge": (192, 2048, 8),
}


def _build() -> dict[str, InstanceType]:
    rows: list[tuple[str, int, float, int]] = [(name, *spec) for name, spec in _ONE_BY_ONE.items()]
    for family, (ratio, sizes) in _RATIO_FAMILIES.items():
        rows += [(f"{family}.{size}", _VCPUS[size], _VCPUS[size] * ratio, 0) for size in sizes]
    for family, (ratio, count) in _G_FAMILIES.items():
        rows += [(f"{family}.{size}", _VCPUS[size], _VCPUS[size] * ratio, gpus) for size, gpus in _G_SIZES[:count]]
    return {name: InstanceType(name, vcpus, int(gib * 1024), gpus) for name, vcpus, gib, gpus in sorted(rows)}


CATALOGUE: dict[str, InstanceType] = _build()
_BY_FAMILY: dict[str, tuple[InstanceType, ...]] = {
    family: tuple(t for t in CATALOGUE.values() if t.family == family)
    for family in {t.family for t in CATALOGUE.values()}
}

# Batch's instance-type bundles (ComputeResource.instanceTypes, Batch API reference): `optimal` picks from c4, m4,
# r4, c5, m5, r5 and, from 2025-11-01, follows `default_x86_64`; a fit check takes the union of both.
BUNDLES: dict[str, tuple[str, ...]] = {
    "optimal": ("c4", "m4", "r4", "c5", "m5", "r5", "c6i", "m6i", "r6i", "c7i"),
    "default_x86_64": ("c6i", "m6i", "r6i", "c7i"),
    "default_arm64": ("c6g", "m6g", "r6g", "c7g"),
}


def expand(names: Iterable[str]) -> tuple[list[InstanceType], list[str]]:
    """CE `instanceTypes` entries (exact types, whole families like "c6i", bundles like "optimal") -> (the known
    types, without repeats; the entries this catalogue cannot size, as written)."""
    known: dict[str, InstanceType] = {}
    unknown: list[str] = []
    for raw in names:
        name = raw.strip().lower()
        if name in CATALOGUE:
            found = [CATALOGUE[name]]
        else:
            found = [t for family in BUNDLES.get(name, (name,)) for t in _BY_FAMILY.get(family, ())]
        if not found:
            unknown.append(raw)
        known.update((t.name, t) for t in found)
    return list(known.values()), unknown


def smallest(types: Iterable[InstanceType]) -> InstanceType:
    """The type Batch would rather use: fewest GPUs (keep GPU hosts for GPU work), then vCPUs, then memory."""
    return min(types, key=lambda t: (t.gpus, t.vcpus, t.memory_mib))


@dataclass(frozen=True, slots=True)
class InstanceFit:
    fits: bool | None  # None: no known instance type to judge by, or an unknown one might fit
    short: tuple[str, ...]  # what no allowed type offers: "gpus", "vcpus", "memory", else "combination"
    largest: InstanceType | None  # the allowed type closest to the request (enough GPUs, most vCPU, memory)
    smallest_fit: InstanceType | None
    types: tuple[InstanceType, ...] = ()  # the known types it was judged against
    unknown: tuple[str, ...] = ()


def fit(request: ResourceRequest, allowed: Iterable[str]) -> InstanceFit:
    """Whether one instance among `allowed` can hold the job (a Batch container runs on one instance)."""
    known, unknown_list = expand(allowed)
    types, unknown = tuple(known), tuple(unknown_list)
    fitting = [t for t in types if t.fits(request)]
    if fitting:
        best = smallest(fitting)
        return InstanceFit(True, (), best, best, types, unknown)
    if not types or unknown:  # an unknown type might fit: do not claim otherwise
        return InstanceFit(None, (), None, None, types, unknown)
    short = [
        what
        for what, over in (
            ("gpus", request.gpus > max(t.gpus for t in types)),
            ("vcpus", request.vcpus > max(t.vcpus for t in types)),
            ("memory", request.memory_mib > max(t.job_memory_mib for t in types)),
        )
        if over
    ]
    largest = max(types, key=lambda t: (t.gpus >= request.gpus, t.vcpus, t.memory_mib))
    return InstanceFit(False, tuple(short or ["combination"]), largest, None, types)


# EC2 vCPU quotas (Service Quotas, service "ec2"): (family prefixes, on-demand quota, spot quota), checked in order so
# "dl"/"hpc"/"trn"/"inf" are matched before the standard families they start like. High Memory (u-*) and HPC instances
# cannot be spot: their spot entry is their on-demand quota.
_QUOTAS: tuple[tuple[tuple[str, ...], tuple[str, str], tuple[str, str]], ...] = (
    (
        ("u-", "u7i", "u7in"),
        ("L-43DA4232", "Running On-Demand High Memory instances"),
        ("L-43DA4232", "Running On-Demand High Memory instances"),
    ),
    (
        ("hpc",),
        ("L-F7808C92", "Running On-Demand HPC instances"),
        ("L-F7808C92", "Running On-Demand HPC instances"),
    ),
    (("trn",), ("L-2C3B7624", "Running On-Demand Trn instances"), ("L-6B0D517C", "All Trn Spot Instance Requests")),
    (("inf",), ("L-1945791B", "Running On-Demand Inf instances"), ("L-B5D1601B", "All Inf Spot Instance Requests")),
    (("dl",), ("L-6E869C2A", "Running On-Demand DL instances"), ("L-85EED4F7", "All DL Spot Instance Requests")),
    (
        ("g", "vt"),
        ("L-DB2E81BA", "Running On-Demand G and VT instances"),
        ("L-3819A6DF", "All G and VT Spot Instance Requests"),
    ),
    (("p",), ("L-417A185B", "Running On-Demand P instances"), ("L-7212CCBC", "All P Spot Instance Requests")),
    (("x",), ("L-7295265B", "Running On-Demand X instances"), ("L-E3A00192", "All X Spot Instance Requests")),
    (("f",), ("L-74FC7D96", "Running On-Demand F instances"), ("L-88CF9481", "All F Spot Instance Requests")),
    (
        ("",),  # everything else
        ("L-1216C47A", "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances"),
        ("L-34B43A08", "All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests"),
    ),
)
QUOTA_CODES: tuple[str, ...] = tuple(dict.fromkeys(q[0] for _, *both in _QUOTAS for q in both))


def quota_family_code(instance_type: str, spot: bool) -> tuple[str, str]:
    """(code, name) of the Service Quotas quota (service "ec2") that limits vCPUs of this instance family."""
    _, on_demand, spot_quota = next(q for q in _QUOTAS if instance_type.lower().startswith(q[0]))
    return spot_quota if spot else on_demand

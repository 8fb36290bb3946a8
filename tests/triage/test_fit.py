"""The queue-level fit check of the submit form: CE and queue states, Fargate, maxvCpus, over `instances.fit`."""

from __future__ import annotations

from hybridml.domain.batch import ComputeEnvironment, ComputeResources, JobQueue, ResourceRequest
from hybridml.triage.fit import fit_check
from hybridml.triage.instances import CATALOGUE, fit


def ce(name: str, types: tuple[str, ...], max_vcpus: int = 256, state: str = "ENABLED", status: str = "VALID",
       kind: str = "EC2", reason: str = "") -> ComputeEnvironment:  # fmt: skip
    resources = ComputeResources(kind, 0, max_vcpus, 0, types)
    return ComputeEnvironment(name, f"arn:ce/{name}", state, status, reason, resources=resources)


def queue(*ces: ComputeEnvironment, state: str = "ENABLED") -> JobQueue:
    return JobQueue("q", "arn:q", state, "VALID", 1, tuple(c.arn for c in ces))


CPU = ce("cpu-ondemand", ("c6i.large", "c6i.2xlarge", "m6i.4xlarge"), max_vcpus=512)
GPU = ce("gpu-ondemand", ("g5.xlarge", "g5.2xlarge", "g5.12xlarge"))


def test_gpu_job_on_cpu_queue_never_runs() -> None:
    result = fit_check(ResourceRequest(4, 15000, 1), queue(CPU), [CPU])
    assert not result.ok
    assert "needs 1 GPU but cpu-ondemand has only CPU instance types" in result.problems[0]


def test_fits_reports_smallest_type() -> None:
    result = fit_check(ResourceRequest(4, 12000, 1), queue(GPU), [GPU])
    assert result.ok and result.fitting == (("gpu-ondemand", "g5.xlarge"),)


def test_memory_just_over_the_instance_is_explained() -> None:
    # m6i.4xlarge has 64 GiB but leaves 63,848 MiB to jobs
    result = fit_check(ResourceRequest(8, 64 * 1024, 0), queue(CPU), [CPU])
    assert not result.ok and "63,848 MiB on m6i.4xlarge (64 GiB less ECS overhead)" in result.problems[0]
    near = fit_check(ResourceRequest(8, 62_000, 0), queue(CPU), [CPU])
    assert near.ok and "within 5% of what m6i.4xlarge leaves" in near.warnings[0]


def test_max_vcpus_and_gpu_count() -> None:
    assert "maxvCpus 256" in fit_check(ResourceRequest(384, 1000, 8), queue(GPU), [GPU]).problems[0]
    assert "the most in gpu-ondemand is 4" in fit_check(ResourceRequest(48, 1000, 8), queue(GPU), [GPU]).problems[0]


def test_disabled_queue_and_invalid_ce() -> None:
    result = fit_check(ResourceRequest(1, 1000, 0), queue(CPU, state="DISABLED"), [CPU])
    assert not result.ok and "accepts no new jobs" in result.problems[0]
    broken = ce("gpu-p4", ("p4d.24xlarge",), status="INVALID", reason="instance profile missing")
    result = fit_check(ResourceRequest(8, 1000, 1), queue(broken), [broken])
    assert not result.ok and "INVALID: instance profile missing" in result.problems[0]


def test_one_usable_ce_is_enough_and_others_become_warnings() -> None:
    off = ce("gpu-spot", ("g4dn.xlarge",), state="DISABLED")
    result = fit_check(ResourceRequest(4, 8000, 1), queue(off, GPU), [off, GPU])
    assert result.ok and any("gpu-spot is DISABLED" in w for w in result.warnings)


def test_unknown_types_are_a_warning_not_a_verdict() -> None:
    odd = ce("odd", ("x9z.huge",))
    result = fit_check(ResourceRequest(2, 1000, 0), queue(odd), [odd])
    assert result.ok and "not in the catalogue" in result.warnings[0]


def test_fargate_has_no_gpus_and_platforms_must_match() -> None:
    fargate = ce("fg", (), kind="FARGATE")
    assert not fit_check(ResourceRequest(1, 2048, 1), queue(fargate), [fargate], platform="FARGATE").ok
    assert fit_check(ResourceRequest(1, 2048, 0), queue(fargate), [fargate], platform="FARGATE").ok
    on_ec2 = fit_check(ResourceRequest(1, 2048, 0), queue(CPU), [CPU], platform="FARGATE")
    assert not on_ec2.ok and "the definition is for FARGATE but cpu-ondemand is EC2" in on_ec2.problems[0]
    assert "is FARGATE" in fit_check(ResourceRequest(1, 2048, 0), queue(fargate), [fargate]).problems[0]


def test_fargate_limits_have_no_ecs_overhead() -> None:
    fargate = ce("fg", (), kind="FARGATE")
    assert fit_check(ResourceRequest(16, 120 * 1024, 0), queue(fargate), [fargate], platform="FARGATE").ok
    too_big = fit_check(ResourceRequest(16, 120 * 1024 + 1, 0), queue(fargate), [fargate], platform="FARGATE")
    assert not too_big.ok and "at most 16 vCPU and 120 GiB" in too_big.problems[0]


def test_bigger_than_any_instance_type() -> None:
    everything = tuple(CATALOGUE)
    assert fit(ResourceRequest(400, 1000, 0), everything).fits is False
    smallest = fit(ResourceRequest(4, 8000, 1), everything).smallest_fit
    assert smallest is not None and smallest.gpus == 1 and smallest.vcpus == 4


def test_array_children_capped_by_max_vcpus() -> None:
    result = fit_check(ResourceRequest(4, 8000, 1), queue(GPU), [GPU], array_size=100)
    assert result.ok and "maxvCpus 256: at most 64 of the 100 children run at once" in result.warnings[-1]
    assert not fit_check(ResourceRequest(4, 8000, 1), queue(GPU), [GPU], array_size=10).warnings

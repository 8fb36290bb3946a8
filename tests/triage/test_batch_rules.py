"""Each Batch rule fires on a minimal case and stays quiet on a healthy one (pure, no server)."""

from __future__ import annotations

import pytest

from hybridml.domain.batch import JobStatus, ResourceRequest
from hybridml.domain.triage import ActionKind, Finding, Severity
from hybridml.triage.context import Thresholds
from hybridml.triage.engine import explain, triage
from tests.triage.factories import NOW, ce, context, job, queue


def causes(findings: list[Finding]) -> set[str]:
    return {f.cause for f in findings}


def test_healthy_fleet_has_no_findings() -> None:
    ctx = context((job(age_min=5), job("r", JobStatus.RUNNING, age_min=300), job("ok", JobStatus.SUCCEEDED)))
    assert triage(ctx, NOW) == []


def test_stuck_job_with_nothing_visibly_wrong_still_gets_a_hint() -> None:
    found = triage(context((job(age_min=60),)), NOW)
    assert causes(found) == {"NO_VISIBLE_CAUSE"}


def test_young_runnable_job_is_not_stuck_yet_but_can_be_explained() -> None:
    ctx = context((job(age_min=2, status_reason="CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - no g5"),))
    assert triage(ctx, NOW) == []
    assert causes(explain(ctx, "job", "id-j", NOW)) == {"CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"}


def test_threshold_comes_from_the_context() -> None:
    ctx = context((job(age_min=10),), thresholds=Thresholds(job_stuck_min=5))
    assert causes(triage(ctx, NOW)) == {"NO_VISIBLE_CAUSE"}
    quiet = context((job(age_min=10),), thresholds=Thresholds(job_stuck_min=30))
    assert triage(quiet, NOW) == []


@pytest.mark.parametrize(
    "code",
    [
        "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
        "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE",
        "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT",
        "MISCONFIGURATION:SERVICE_ROLE_PERMISSIONS",
    ],
)
def test_status_reason_codes(code: str) -> None:
    ctx = context((job(status_reason=f"{code} - details from Batch"),))
    found = triage(ctx, NOW)
    assert found[0].cause == code
    assert ("job.statusReason", f"{code} - details from Batch") in found[0].evidence
    assert found[0].fix


def test_max_resource_reason_offers_raising_maxvcpus_when_an_instance_fits() -> None:
    small = ce(max_vcpus=32)
    j = job(
        resources=ResourceRequest(vcpus=48, memory_mib=100_000, gpus=4),
        status_reason="MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE",
    )
    [finding] = [f for f in triage(context((j,), (small,)), NOW) if f.action]
    assert finding.action is not None and finding.action.kind == ActionKind.RAISE_MAX_VCPUS
    assert int(finding.action.param("maxvCpus")) >= 48


def test_ce_invalid_and_queue_without_valid_ce() -> None:
    bad = ce(status="INVALID", status_reason="CLIENT_ERROR - instance profile does not exist")
    found = triage(context((job(),), (bad,)), NOW)
    by_cause = {f.cause: f for f in found if f.resource_kind == "job"}
    assert {"CE_INVALID", "QUEUE_NO_VALID_CE"} <= set(by_cause)
    assert "instance profile does not exist" in by_cause["CE_INVALID"].summary
    # the broken CE is also reported on its own (fleet level)
    assert any(f.resource_kind == "ce" and f.cause == "CE_INVALID" for f in found)


def test_disabled_queue_and_ce_offer_enable_actions() -> None:
    ctx = context((job(),), (ce(state="DISABLED"),), queues=(queue(state="DISABLED"),))
    found = {f.cause: f for f in triage(ctx, NOW)}
    assert found["QUEUE_DISABLED"].action is not None
    assert found["QUEUE_DISABLED"].action.kind == ActionKind.ENABLE_JOB_QUEUE
    assert found["CE_DISABLED"].action is not None
    assert found["CE_DISABLED"].action.kind == ActionKind.ENABLE_COMPUTE_ENVIRONMENT
    assert "QUEUE_NO_VALID_CE" in found


def test_one_disabled_ce_next_to_a_working_one_is_only_a_warning() -> None:
    ctx = context((job(),), (ce(), ce("spare", state="DISABLED")), queues=(queue(ces=("gpu", "spare")),))
    found = [f for f in triage(ctx, NOW) if f.cause == "CE_DISABLED"]
    assert found and found[0].severity is Severity.WARNING
    assert "QUEUE_NO_VALID_CE" not in causes(triage(ctx, NOW))


def test_queue_not_found() -> None:
    assert "QUEUE_NOT_FOUND" in causes(triage(context((job(queue="gone"),)), NOW))


def test_memory_above_what_ecs_registers_does_not_fit() -> None:
    cpu = ce("cpu", instance_types=("m5.large",))  # 8 GiB installed, ~7955 MiB for jobs
    exactly_8g = job(resources=ResourceRequest(vcpus=1, memory_mib=8192), queue="c")
    found = triage(context((exactly_8g,), (cpu,), queues=(queue("c", ("cpu",)),)), NOW)
    [f] = [f for f in found if f.cause == "JOB_DOES_NOT_FIT"]
    assert "memory" in f.summary
    fits = job(resources=ResourceRequest(vcpus=1, memory_mib=7000), queue="c")
    assert "JOB_DOES_NOT_FIT" not in causes(triage(context((fits,), (cpu,), queues=(queue("c", ("cpu",)),)), NOW))


def test_gpu_job_on_cpu_only_queue() -> None:
    cpu = ce("cpu", instance_types=("c6i.large", "m6i.4xlarge"))
    found = triage(context((job(queue="c"),), (cpu,), queues=(queue("c", ("cpu",)),)), NOW)
    assert causes(found) == {"NO_GPU_INSTANCE"}


def test_vcpus_above_every_ce_max() -> None:
    small = ce("cpu", max_vcpus=4, instance_types=("c6i",))
    j = job(resources=ResourceRequest(vcpus=8, memory_mib=8000), queue="c")
    [f] = triage(context((j,), (small,), queues=(queue("c", ("cpu",)),)), NOW)
    assert f.cause == "CE_MAX_VCPUS_TOO_LOW"
    assert f.action is not None and f.action.param("maxvCpus") == "8"


def test_maxvcpus_used_up_by_running_jobs() -> None:
    small = ce("cpu", max_vcpus=8, instance_types=("c6i.2xlarge",))
    q = queue("c", ("cpu",))
    running = tuple(
        job(f"r{i}", JobStatus.RUNNING, resources=ResourceRequest(vcpus=4, memory_mib=4000), queue="c")
        for i in range(2)
    )
    waiting = job("w", resources=ResourceRequest(vcpus=2, memory_mib=2000), queue="c")
    found = triage(context((*running, waiting), (small,), queues=(q,)), NOW)
    [f] = [f for f in found if f.resource_name == "w"]
    assert f.cause == "CE_AT_MAX_VCPUS"
    assert f.action is not None and int(f.action.param("maxvCpus")) >= 10
    # one running job leaves room: quiet
    roomy = triage(context((running[0], waiting), (small,), queues=(q,)), NOW)
    assert "CE_AT_MAX_VCPUS" not in causes([f for f in roomy if f.resource_name == "w"])


def test_depends_on_failed_job_offers_cancel() -> None:
    failed = job("up", JobStatus.FAILED)
    pending = job("down", JobStatus.PENDING, depends_on=("id-up",))
    [f] = [f for f in triage(context((failed, pending)), NOW) if f.resource_name == "down"]
    assert f.cause == "DEPENDENCY_FAILED"
    assert f.action is not None and f.action.kind == ActionKind.CANCEL_JOB and f.action.target == "id-down"


def test_depends_on_a_running_job_is_only_info() -> None:
    running = job("up", JobStatus.RUNNING)
    pending = job("down", JobStatus.PENDING, depends_on=("id-up",))
    found = [f for f in triage(context((running, pending)), NOW) if f.resource_name == "down"]
    assert [(f.cause, f.severity) for f in found] == [("WAITING_ON_DEPENDENCY", Severity.INFO)]


def test_spot_hint_when_only_spot_ces() -> None:
    spot = ce("spot", type="SPOT", bid_percentage=40)
    q = queue("s", ("spot",))
    found = triage(context((job(queue="s"),), (spot,), queues=(q,)), NOW)
    assert "SPOT_CAPACITY" in causes(found)
    assert ("ce[spot].bidPercentage", "40") in next(f for f in found if f.cause == "SPOT_CAPACITY").evidence


def test_ec2_quota_below_the_smallest_instance() -> None:
    found = triage(context((job(),), quotas=(("L-DB2E81BA", 0.0),)), NOW)
    assert "EC2_VCPU_QUOTA" in causes(found)
    assert "EC2_VCPU_QUOTA" not in causes(triage(context((job(),), quotas=(("L-DB2E81BA", 512.0),)), NOW))


def test_no_visible_cause_hints_at_networking() -> None:
    found = triage(context((job(),), (ce(instance_types=("x9.unknown",)),)), NOW)
    assert causes(found) == {"NO_VISIBLE_CAUSE"}
    assert "route" in found[0].fix


def test_starting_too_long() -> None:
    assert causes(triage(context((job(status=JobStatus.STARTING),)), NOW)) == {"STARTING_TOO_LONG"}


def test_worst_first() -> None:
    capacity = job("a", status_reason="CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - x")
    role = job("b", status_reason="MISCONFIGURATION:SERVICE_ROLE_PERMISSIONS - y")
    found = triage(context((capacity, role)), NOW)
    assert [f.severity for f in found] == sorted((f.severity for f in found), reverse=True)
    assert found[0].resource_name == "b"


def test_explaining_a_queue_or_ce_lists_the_jobs_it_blocks() -> None:
    ctx = context((job("a"), job("b")), (ce(state="DISABLED"),), queues=(queue(state="DISABLED"),))
    by_queue = explain(ctx, "queue", "q", NOW)
    assert {(f.resource_name, f.cause) for f in by_queue} >= {("a", "QUEUE_DISABLED"), ("b", "QUEUE_DISABLED")}
    assert {f.cause for f in explain(ctx, "ce", "gpu", NOW)} == {"CE_DISABLED"}


def test_pending_without_dependency_and_fair_share_hint() -> None:
    plain = triage(context((job(status=JobStatus.PENDING),)), NOW)
    assert causes(plain) == {"WAITING_TOO_LONG"} and "fair-share" not in plain[0].fix
    fair = context((job(status=JobStatus.SUBMITTED),), queues=(queue(scheduling_policy_arn="arn:sp/fair"),))
    [f] = triage(fair, NOW)
    assert f.cause == "WAITING_TOO_LONG" and "fair-share" in f.fix
    # a dependency explains a PENDING job: no extra hint
    waiting = (job("up", JobStatus.RUNNING), job("down", JobStatus.PENDING, depends_on=("id-up",)))
    assert "WAITING_TOO_LONG" not in causes(triage(context(waiting), NOW))

"""Instance catalogue / fit check, watches and the `:all` workload rows (pure)."""

from __future__ import annotations

from hybridml.config import WatchSettings
from hybridml.domain.batch import JobStatus, ResourceRequest
from hybridml.triage.instances import CATALOGUE, expand, fit, quota_family_code
from hybridml.triage.watches import evaluate, summary
from hybridml.triage.workloads import workloads
from tests.triage.factories import NOW, ago, ce, context, endpoint, job, queue, training


def test_ecs_memory_overhead_matches_aws_example() -> None:
    assert CATALOGUE["m4.large"].job_memory_mib == 7985 - 32  # AWS: an m4.large registers 7985 MiB, 32 reserved
    assert CATALOGUE["m5.large"].job_memory_mib == 7953 and CATALOGUE["r4.large"].job_memory_mib < 15.25 * 1024


def test_catalogue_covers_both_former_tables() -> None:
    families = {t.family for t in CATALOGUE.values()}
    assert {"c5", "c6i", "m5", "m6i", "r5", "g4dn", "g5", "g6", "p3", "p4d", "p5"} <= families  # the form's
    assert {"c4", "m4", "r4", "c6a", "c7g", "m7i", "r7i", "x2idn", "g6e", "p3dn", "p4de"} <= families  # triage's
    assert (CATALOGUE["p4d.24xlarge"].gpus, CATALOGUE["p4d.24xlarge"].vcpus) == (8, 96)
    assert CATALOGUE["g5.12xlarge"].gpus == 4 and CATALOGUE["r5.24xlarge"].memory_mib == 768 * 1024
    assert CATALOGUE["c5.24xlarge"].vcpus == 96 and CATALOGUE["g6.16xlarge"].gpus == 1
    assert (CATALOGUE["c4.8xlarge"].vcpus, CATALOGUE["g6e.xlarge"].memory_mib) == (36, 32 * 1024)


def test_fit_families_optimal_and_unknown_types() -> None:
    assert fit(ResourceRequest(vcpus=96, memory_mib=100_000), ("c6i",)).fits is True
    assert fit(ResourceRequest(vcpus=2, memory_mib=1000), ("optimal",)).fits is True
    result = fit(ResourceRequest(vcpus=4, memory_mib=1000, gpus=1), ("c6i", "m6i"))
    assert result.fits is False and result.short == ("gpus",)
    assert fit(ResourceRequest(vcpus=4), ("z9.mystery",)).fits is None  # unknown: no claim
    known, unknown = expand(("g5.xlarge", "nope.large"))
    assert [t.name for t in known] == ["g5.xlarge"] and unknown == ["nope.large"]
    types, unknown = expand(["g5", "optimal", " C6I.Large ", "g5.xlarge", "x9z.huge"])
    names = [t.name for t in types]
    assert "g5.48xlarge" in names and "r5.large" in names and "m4.large" in names and "c6i.large" in names
    assert len(names) == len(set(names)) and unknown == ["x9z.huge"]
    arm, _ = expand(["default_arm64"])
    assert {t.family for t in arm} == {"c6g", "m6g", "r6g", "c7g"}
    smallest = fit(ResourceRequest(vcpus=3, memory_mib=4000, gpus=1), ("g5.xlarge", "g5.12xlarge")).smallest_fit
    assert smallest is not None and smallest.name == "g5.xlarge"
    cpu_job = fit(ResourceRequest(vcpus=4, memory_mib=4000), ("g5.xlarge", "c6i.2xlarge")).smallest_fit
    assert cpu_job is not None and cpu_job.name == "c6i.2xlarge"  # GPU hosts are kept for GPU work


def test_quota_codes_by_family() -> None:
    assert quota_family_code("g5.xlarge", spot=False)[0] == "L-DB2E81BA"
    assert quota_family_code("p4d.24xlarge", spot=True)[0] == "L-7212CCBC"
    assert quota_family_code("c6i.large", spot=False)[0] == "L-1216C47A"


def test_watches_fire_and_stay_quiet() -> None:
    rules = WatchSettings(runnable_after_min=30, failed_in_a_row=3, endpoint_not_in_service_after_min=15)
    healthy = context((job(age_min=5),), endpoints=(endpoint(),))
    assert evaluate(healthy, rules, NOW) == []
    fails = tuple(
        job(f"f{i}", JobStatus.FAILED, job_definition="arn:jd/etl:1", stopped_at=ago(10 - i)) for i in range(3)
    )
    ctx = context(
        (job("slow", age_min=45), *fails, job("blocked", age_min=1, queue="off")),
        ces=(ce(), ce("off-ce", state="DISABLED")),
        queues=(queue(), queue("off", ces=("off-ce",), state="DISABLED")),
        endpoints=(endpoint("bad", status="Failed"), endpoint("slow-ep", status="Creating", modified_min=20)),
    )
    keys = {a.key.split("/")[0] + "/" + a.key.split("/")[1] for a in evaluate(ctx, rules, NOW)}
    assert keys == {"runnable/id-slow", "queue/off", "failed/etl", "endpoint/bad", "endpoint/slow-ep"}
    assert "5:" in summary(evaluate(ctx, rules, NOW), width=200)
    assert evaluate(ctx, WatchSettings(enabled=False), NOW) == []


def test_failures_not_in_a_row_do_not_alert() -> None:
    rules = WatchSettings(failed_in_a_row=3)
    jobs = (
        job("a", JobStatus.FAILED, job_definition="etl:1", stopped_at=ago(30)),
        job("b", JobStatus.SUCCEEDED, job_definition="etl:1", stopped_at=ago(20)),
        job("c", JobStatus.FAILED, job_definition="etl:1", stopped_at=ago(10)),
    )
    assert evaluate(context(jobs), rules, NOW) == []


def test_workloads_cover_every_kind() -> None:
    ctx = context(
        (job(instance_type=""),),
        (ce(instance_types=("g5.xlarge",)),),
        endpoints=(endpoint(),),
        training_jobs=(training(),),
    )
    rows = {w.kind: w for w in workloads(ctx)}
    assert set(rows) == {"job", "endpoint", "training"}
    assert rows["job"].where == "q (gpu)" and rows["job"].instance_type == "g5.xlarge"
    assert not rows["job"].instance_known  # what the CE may launch, not what it runs on
    placed = workloads(context((job(instance_type="g5.2xlarge", status=JobStatus.RUNNING),)))[0]
    assert placed.instance_type == "g5.2xlarge" and placed.instance_known
    assert rows["endpoint"].instance_type == "ml.g5.xlarge"
    assert rows["training"].instance_type == "ml.g5.xlarge" and rows["training"].active


def test_watch_and_triage_settings_are_validated() -> None:
    import pytest

    from hybridml.config import ConfigError, parse_settings

    settings = parse_settings({"watches": {"runnable_after_min": 5, "bell": False}, "triage": {}})
    assert settings.watches.runnable_after_min == 5 and not settings.watches.bell
    with pytest.raises(ConfigError, match=r"watches\.failed_in_a_row"):
        parse_settings({"watches": {"failed_in_a_row": -1}})
    with pytest.raises(ConfigError, match="unknown key"):
        parse_settings({"watches": {"runable_after_min": 5}})

"""Triage against the embedded fleet: the seeded stuck jobs and endpoints are each explained with the right
cause, `hybridml triage --json` lists them, every injectable cause is found, and the fixes apply."""

from __future__ import annotations

import contextlib
import io
import json
from datetime import UTC, datetime

import pytest

from hybridml.actions.remedies import remedy_action
from hybridml.aws.errors import InvalidRequest
from hybridml.cli import main
from hybridml.config import Settings
from hybridml.domain.triage import ActionKind, Finding, FindingAction
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.inject import CAUSES, Injector
from hybridml.services import ReadOnlyRefused, Services
from hybridml.snapshot import gather_context
from hybridml.triage.engine import explain, triage
from tests.conftest import TEST_AWS, make_services

EXPECTED = {
    "yolo-spot-burst-7": "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
    "train-llm-8gpu": "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE",
    "etl-huge-memory": "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT",
    "embed-no-role": "MISCONFIGURATION:SERVICE_ROLE_PERMISSIONS",
    "p4-benchmark": "CE_INVALID",
    "etl-after-failed": "DEPENDENCY_FAILED",
    "yolo-cpu-queue": "NO_GPU_INSTANCE",
    "archive-reindex": "CE_DISABLED",
    "p4-eval-sweep": "CE_INVALID",  # an array: found through its RUNNABLE children, reported on the parent
}
SAGEMAKER_EXPECTED = {
    "llm-summarizer": "ENDPOINT_FAILED",
    "yolo-dogs-canary": "ENDPOINT_TRANSITION_TOO_LONG",
    "resnet-shadow": "ENDPOINT_TRANSITION_TOO_LONG",
    "embed-distill-v2": "TRAINING_STARTING_TOO_LONG",
    "resnet50-sweep-03": "TRAINING_DOWNLOADING_TOO_LONG",
    "dogs-yolo11m-ft-1120": "TRAINING_MAX_RUNTIME_EXCEEDED",
    "resnet50-sweep-01": "TRAINING_FAILED",
}


def by_resource(findings: list[Finding]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in findings:
        out.setdefault(f.resource_id, []).append(f.cause)
    return out


async def test_seeded_stuck_workloads_are_explained(services: Services, fleet: EmbeddedFleet) -> None:
    ctx = await gather_context(services)
    found = by_resource(triage(ctx, datetime.now(UTC)))
    assert set(EXPECTED) <= set(fleet.seeded.stuck)
    for scenario, cause in EXPECTED.items():
        job_id = fleet.seeded.stuck[scenario]
        assert cause in found.get(job_id, []), (scenario, found.get(job_id))
        # Batch's own statusReason, when it has one, is what the explanation leads with
        if ":" in cause:
            assert found[job_id][0] == cause
    for name, cause in SAGEMAKER_EXPECTED.items():
        assert found.get(name, [None])[0] == cause, (name, found.get(name))
    assert by_resource(explain(ctx, "job", fleet.seeded.stuck["archive-reindex"], datetime.now(UTC)))[
        fleet.seeded.stuck["archive-reindex"]
    ][:3] == ["CE_DISABLED", "QUEUE_NO_VALID_CE", "QUEUE_DISABLED"]  # the real blocker first


async def test_healthy_seeded_jobs_raise_nothing(services: Services, fleet: EmbeddedFleet) -> None:
    ctx = await gather_context(services)
    flagged = {f.resource_id for f in triage(ctx, datetime.now(UTC)) if f.resource_kind == "job"}
    assert not flagged & set(fleet.seeded.job_ids)  # the 300 ordinary jobs queue under the threshold


def test_headless_triage_json_lists_the_stuck_jobs(fleet: EmbeddedFleet, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", fleet.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", fleet.secret_key)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["--endpoint-url", fleet.url, "--region", "us-east-1", "triage", "--json"])
    assert code == 3
    report = json.loads(out.getvalue())
    pairs = {(f["resource_name"], f["cause"]) for f in report["findings"]}
    for scenario, cause in EXPECTED.items():
        assert (scenario, cause) in pairs
    first = report["findings"][0]
    assert first["severity"] == "error" and first["evidence"] and first["fix"]
    assert report["not_read"] == []  # EC2 quotas come from the fleet's Service Quotas patch


def test_headless_triage_exits_zero_when_nothing_is_found(fleet: EmbeddedFleet, tmp_path: object) -> None:
    """Quiet thresholds, SageMaker denied (read around, not failed on): nothing at error level -> exit 0."""
    from pathlib import Path

    from hybridml.fleet.faultproxy import FaultProxy, FaultRules

    # a quiet queue of its own: the seeded ones hold jobs that are certainly stuck, which are found at any age
    quiet = Injector(fleet.url, fleet.simulator.seeder)._small_queue(max_vcpus=16, base="quiet")
    config = Path(str(tmp_path)) / "quiet.toml"
    config.write_text(f'[batch]\nstuck_after_min = 100000\nqueues = ["{quiet}"]\n')
    with FaultProxy(fleet.url) as proxy:
        proxy.set_rules(FaultRules(access_denied={"sagemaker"}))
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(
                [
                    "--config",
                    str(config),
                    "--endpoint-url",
                    proxy.url,
                    "--region",
                    "us-east-1",
                    "triage",
                    "--json",
                    "--min-severity",
                    "error",
                ]
            )
        assert proxy.calls.count(service="sagemaker", outcome="denied") >= 1
    report = json.loads(out.getvalue())
    assert code == 0 and report["findings"] == []
    assert any(p["part"] == "sagemaker" and "denied" in p["why"] for p in report["not_read"])


async def test_every_injected_cause_is_found(services: Services, fleet: EmbeddedFleet) -> None:
    made = {cause: fleet.simulator.inject(cause) for cause in CAUSES}
    ctx = await gather_context(services)
    now = datetime.now(UTC)
    found = by_resource(triage(ctx, now))
    for cause, ident in made.items():
        expected = CAUSES[cause][0]
        assert expected in found.get(ident, []), (cause, found.get(ident))
    with pytest.raises(ValueError, match="unknown cause"):
        fleet.simulator.inject("gremlins")


async def test_fixes_apply_through_run_and_are_audited(fleet: EmbeddedFleet, tmp_path: object) -> None:
    services = make_services(fleet, Settings(aws=TEST_AWS, audit_log=f"{tmp_path}/audit.jsonl"))
    try:
        injector = Injector(fleet.url, fleet.simulator.seeder)
        queue = injector._small_queue(max_vcpus=4)
        client = await services.session.client("batch")
        await client.update_compute_environment(computeEnvironment=queue, state="DISABLED")
        job_id = injector._job("fix-me", queue, "etl-parquet", "RUNNABLE", 60).job_id
        fleet.simulator.pinned.add(job_id)
        ctx = await gather_context(services)
        [finding] = [f for f in explain(ctx, "job", job_id, datetime.now(UTC)) if f.cause == "CE_DISABLED"]
        assert finding.action is not None and finding.action.kind == ActionKind.ENABLE_COMPUTE_ENVIRONMENT
        await services.run(await remedy_action(services, finding.action))
        [env] = [ce for ce in await services.batch.compute_environments() if ce.name == queue]
        assert env.state == "ENABLED"
        entries = services.audit_log.entries()
        assert entries[-1]["action"] == "batch.ce.state" and entries[-1]["result"] == "ok"  # the `e` key's action
        assert entries[-1]["request"] == {"computeEnvironment": queue, "state": "ENABLED"}
        ctx = await gather_context(services)
        assert "CE_DISABLED" not in {f.cause for f in explain(ctx, "job", job_id, datetime.now(UTC))}
    finally:
        await services.close()


async def test_fixes_are_refused_in_read_only_mode(fleet: EmbeddedFleet) -> None:
    services = make_services(fleet, read_only=True)
    try:
        ctx = await gather_context(services)
        finding = next(f for f in triage(ctx, datetime.now(UTC)) if f.action is not None)
        assert finding.action is not None
        with pytest.raises(ReadOnlyRefused):
            await services.run(await remedy_action(services, finding.action))
    finally:
        await services.close()


async def test_each_fix_is_one_exact_request_checked_like_its_key(services: Services, fleet: EmbeddedFleet) -> None:
    """A fix is the action its view's key sends, with the same validation (raising maxvCpus goes through the
    compute environment checks: it was once sent unchecked)."""
    spot = {ce.name: ce for ce in await services.batch.compute_environments()}["gpu-spot"]
    assert spot.resources is not None
    higher = spot.resources.max_vcpus + 64
    raise_max = FindingAction(ActionKind.RAISE_MAX_VCPUS, "gpu-spot", "raise", (("maxvCpus", str(higher)),))
    action = await remedy_action(services, raise_max)
    assert action.spec.id == "batch.ce.scale"
    assert action.request() == {"computeEnvironment": "gpu-spot", "computeResources": {"maxvCpus": higher}}
    enable = await remedy_action(services, FindingAction(ActionKind.ENABLE_JOB_QUEUE, "cpu-etl", "enable"))
    assert (enable.spec.id, enable.request()) == ("batch.queue.state", {"jobQueue": "cpu-etl", "state": "ENABLED"})
    job_id = fleet.seeded.stuck["yolo-spot-burst-7"]
    cancel = await remedy_action(services, FindingAction(ActionKind.CANCEL_JOB, job_id, "cancel"))
    assert cancel.spec.id == "batch.cancel" and cancel.request()["jobId"] == job_id
    lower = FindingAction(ActionKind.RAISE_MAX_VCPUS, "gpu-spot", "raise", (("maxvCpus", "-1"),))
    with pytest.raises(InvalidRequest, match="negative"):
        (await remedy_action(services, lower)).validate()


async def test_explain_reaches_jobs_the_listing_omits(services: Services, fleet: EmbeddedFleet) -> None:
    children = await services.batch.array_children(fleet.seeded.array_parents[0])
    child = children[0]
    plain = await gather_context(services, details=False, quotas=False, sagemaker=False)
    assert child.job_id not in plain.job_by_id  # AWS lists array children only by arrayJobId
    ctx = await gather_context(services, details=False, quotas=False, sagemaker=False, extra_jobs=[child.job_id])
    assert ctx.job_by_id[child.job_id].array is not None

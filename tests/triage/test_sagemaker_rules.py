"""SageMaker rules: each fires on a minimal case and stays quiet on a healthy one (pure)."""

from __future__ import annotations

from hybridml.triage.engine import explain, triage
from tests.triage.factories import NOW, ago, context, endpoint, training


def causes(ctx_findings: list) -> set[str]:  # type: ignore[type-arg]
    return {f.cause for f in ctx_findings}


def test_healthy_endpoint_and_training_are_quiet() -> None:
    ctx = context(endpoints=(endpoint(),), training_jobs=(training(), training("done", "Completed", "Completed")))
    assert triage(ctx, NOW) == []


def test_failed_endpoint_shows_failure_reason() -> None:
    ctx = context(endpoints=(endpoint(status="Failed", failure_reason="did not pass the ping health check"),))
    [f] = triage(ctx, NOW)
    assert f.cause == "ENDPOINT_FAILED" and "ping health check" in f.summary
    assert ("FailureReason", "did not pass the ping health check") in f.evidence
    assert "/aws/sagemaker/Endpoints/ep" in f.fix


def test_endpoint_creating_too_long_only_past_threshold() -> None:
    assert causes(triage(context(endpoints=(endpoint(status="Creating", modified_min=45),)), NOW)) == {
        "ENDPOINT_TRANSITION_TOO_LONG"
    }
    young = context(endpoints=(endpoint(status="Updating", modified_min=5),))
    assert triage(young, NOW) == []
    assert causes(explain(young, "endpoint", "ep", NOW)) == {"ENDPOINT_TRANSITION_TOO_LONG"}


def test_out_of_service_endpoint() -> None:
    assert causes(triage(context(endpoints=(endpoint(status="OutOfService"),)), NOW)) == {"ENDPOINT_OUT_OF_SERVICE"}


def test_training_stuck_starting_and_downloading() -> None:
    ctx = context(
        training_jobs=(
            training("a", secondary="Starting", phase_min=40),
            training("b", secondary="Downloading", phase_min=45),
        )
    )
    assert causes(triage(ctx, NOW)) == {"TRAINING_STARTING_TOO_LONG", "TRAINING_DOWNLOADING_TOO_LONG"}
    quick = context(
        training_jobs=(
            training("a", secondary="Starting", phase_min=3),
            training("b", secondary="Downloading", phase_min=4),
        )
    )
    assert triage(quick, NOW) == []


def test_max_runtime_exceeded_and_failed_training() -> None:
    stopped = training("s", "Stopped", "MaxRuntimeExceeded", ended_at=ago(60), max_runtime_s=3600)
    failed = training("f", "Failed", "Failed", ended_at=ago(30), failure_reason="AlgorithmError: CUDA out of memory")
    found = {f.cause: f for f in triage(context(training_jobs=(stopped, failed)), NOW)}
    assert set(found) == {"TRAINING_MAX_RUNTIME_EXCEEDED", "TRAINING_FAILED"}
    assert ("MaxRuntimeInSeconds", "3600") in found["TRAINING_MAX_RUNTIME_EXCEEDED"].evidence
    assert "CUDA out of memory" in found["TRAINING_FAILED"].summary


def test_old_failures_leave_the_fleet_view_but_can_still_be_explained() -> None:
    old = training("f", "Failed", "Failed", ended_at=ago(60 * 72), failure_reason="boom")
    ctx = context(training_jobs=(old,))
    assert triage(ctx, NOW) == []
    assert causes(explain(ctx, "training", "f", NOW)) == {"TRAINING_FAILED"}

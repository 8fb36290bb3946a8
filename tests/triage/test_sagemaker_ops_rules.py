"""Pipelines, tuning, Model Monitor, A/B variant and notebook rules and watches: each fires on a minimal case and
stays quiet on a healthy one (pure)."""

from __future__ import annotations

import dataclasses

from hybridml.config import WatchSettings
from hybridml.domain.monitoring import MonitoringExecution, MonitoringSchedule
from hybridml.domain.notebooks import INSTANCE, STUDIO, Notebook
from hybridml.domain.pipelines import Pipeline, PipelineExecution
from hybridml.domain.sagemaker import EndpointVariant
from hybridml.domain.tuning import TuningJob
from hybridml.triage.context import Thresholds
from hybridml.triage.engine import explain, triage
from hybridml.triage.watches import evaluate
from hybridml.triage.workloads import workloads
from tests.triage.factories import NOW, ago, context, endpoint, training

ARN = "arn:aws:sagemaker:us-east-1:1:pipeline/train/execution/abc123"


def pipeline(status: str = "Succeeded", started_min: float = 60, failed_step: str = "") -> Pipeline:
    run = PipelineExecution(
        ARN, "train", status, ago(started_min), "nightly", "Step failure", ago(started_min - 30), failed_step
    )
    return Pipeline("train", "arn:p/train", ago(9000), latest=run)


def tuning(completed: int = 3, failed: int = 0, status: str = "InProgress", running: int = 2) -> TuningJob:
    return TuningJob(
        "hpo",
        "arn:t/hpo",
        status,
        ago(120),
        completed=completed,
        in_progress=running,
        non_retryable_errors=failed,
        instance_type="ml.g5.xlarge",
        instance_count=1,
    )


def monitor(
    status: str = "Completed", violations: int | None = 0, reason: str = "", hours: float = 1
) -> MonitoringSchedule:
    last = MonitoringExecution(
        "m",
        status,
        ago(hours * 60),
        processing_job_arn="arn:pj/model-monitoring-1",
        endpoint="ep",
        failure_reason=reason,
        violations=violations,
    )
    return MonitoringSchedule("m", "arn:m", "Scheduled", "ep", "DataQuality", last=last)


def notebook(hours: float, kind: str = INSTANCE, status: str = "InService") -> Notebook:
    return Notebook(
        kind,
        "nb",
        "arn:nb",
        status,
        "ml.p3.2xlarge",
        ago(hours * 60 + 10),
        ago(hours * 60),
        user_profile="dave" if kind == STUDIO else "",
        app_type="JupyterLab" if kind == STUDIO else "",
    )


def causes(found: list) -> list[str]:  # type: ignore[type-arg]
    return [f.cause for f in found]


def test_healthy_ops_are_quiet() -> None:
    ctx = context(pipelines=(pipeline(),), tuning_jobs=(tuning(),), monitors=(monitor(),), notebooks=(notebook(2),))
    assert triage(ctx, NOW) == []


def test_failed_pipeline_run_names_its_step_and_ages_out() -> None:
    [f] = triage(context(pipelines=(pipeline("Failed", failed_step="Train"),)), NOW)
    assert (
        f.cause == "PIPELINE_EXECUTION_FAILED" and "step Train" in f.summary and ("failed step", "Train") in f.evidence
    )
    old = context(pipelines=(pipeline("Failed", started_min=60 * 30, failed_step="Train"),))
    assert triage(old, NOW) == []  # yesterday's failure is history ...
    assert causes(explain(old, "pipeline", "train", NOW)) == ["PIPELINE_EXECUTION_FAILED"]  # ... unless asked


def test_tuning_job_whose_every_training_job_fails() -> None:
    [f] = triage(context(tuning_jobs=(tuning(completed=0, failed=3),)), NOW)
    assert f.cause == "TUNING_EVERY_JOB_FAILING" and "(3 of 5)" in f.summary and "$2.82/h" in f.summary
    assert triage(context(tuning_jobs=(tuning(completed=0, failed=1),)), NOW) == []  # one failure is not a pattern
    assert triage(context(tuning_jobs=(tuning(completed=1, failed=5),)), NOW) == []  # some succeed: it is searching
    failed = dataclasses.replace(tuning(), status="Failed", failure_reason="No training job succeeded", ended_at=ago(5))
    assert causes(triage(context(tuning_jobs=(failed,)), NOW)) == ["TUNING_FAILED"]


def test_monitor_failing_and_violations() -> None:
    [f] = triage(context(monitors=(monitor("Failed", reason="Job inputs had no data"),)), NOW)
    assert f.cause == "MONITOR_EXECUTION_FAILED" and "data capture" in f.fix
    [v] = triage(context(monitors=(monitor("CompletedWithViolations", violations=3),)), NOW)
    assert v.cause == "MONITOR_VIOLATIONS" and "found 3 constraint violations" in v.summary
    broken = dataclasses.replace(monitor(), status="Failed", failure_reason="role cannot read the baseline")
    assert causes(triage(context(monitors=(broken,)), NOW)) == ["MONITOR_SCHEDULE_FAILED"]
    assert triage(context(monitors=(monitor("Failed", hours=30),)), NOW) == []


def test_variant_with_zero_weight_and_instances() -> None:
    variants = (
        EndpointVariant("live", "ml.m5.xlarge", 2, 2, 1.0),
        EndpointVariant("shadow", "ml.m5.xlarge", 2, 2, 0.0),
    )
    ctx = context(endpoints=(endpoint("ab", variants=variants),))
    [f] = triage(ctx, NOW)
    assert (
        f.cause == "ENDPOINT_VARIANT_NO_TRAFFIC:shadow" and "2 x ml.m5.xlarge" in f.summary and "$0.46/h" in f.summary
    )
    assert causes(explain(ctx, "endpoint", "ab", NOW)) == ["ENDPOINT_VARIANT_NO_TRAFFIC:shadow"]
    shifting = (variants[0], dataclasses.replace(variants[1], desired_weight=0.5))  # an update gives it traffic
    assert triage(context(endpoints=(endpoint("ab", variants=shifting),)), NOW) == []


def test_notebook_running_past_the_threshold() -> None:
    ctx = context(notebooks=(notebook(61), notebook(61, STUDIO), notebook(61, status="Stopped")))
    found = triage(ctx, NOW)
    assert causes(found) == ["NOTEBOOK_RUNNING_LONG"] * 2
    assert "2d13h" in found[0].summary and "~$233" in found[0].summary
    quiet = dataclasses.replace(ctx, thresholds=Thresholds(notebook_running_h=0))
    assert triage(quiet, NOW) == []


def test_training_jobs_of_a_tuning_job_are_reported_on_the_tuning_job() -> None:
    failed = training("hpo-001-abc", "Failed", "Failed", failure_reason="boom", ended_at=ago(5), tuning_job="hpo")
    assert triage(context(training_jobs=(failed,)), NOW) == []
    assert causes(explain(context(training_jobs=(failed,)), "training", "hpo-001-abc", NOW)) == ["TRAINING_FAILED"]


def test_ops_watches_ring_once_per_run() -> None:
    rules = WatchSettings(notebook_idle_h=12)
    ctx = context(
        pipelines=(pipeline("Failed", failed_step="Train"),),
        monitors=(monitor("CompletedWithViolations", violations=3), dataclasses.replace(monitor(), name="ok")),
        notebooks=(notebook(61), notebook(2)),
    )
    alerts = {a.key: a.text for a in evaluate(ctx, rules, NOW)}
    assert alerts[f"pipeline/{ARN}"] == "pipeline train failed at Train"
    assert alerts["monitor/m/arn:pj/model-monitoring-1"] == "ep: 3 violations"
    assert [t for k, t in alerts.items() if k.startswith("notebook/")] == ["nb running 2d13h"]
    off = WatchSettings(pipeline_failed=False, monitor_violations=False, notebook_idle_h=0)
    assert not [a for a in evaluate(ctx, off, NOW) if a.key.split("/")[0] in ("pipeline", "monitor", "notebook")]


def test_workloads_include_pipelines_tuning_and_running_notebooks() -> None:
    ctx = context(
        pipelines=(pipeline("Executing"),),
        tuning_jobs=(tuning(),),
        notebooks=(notebook(3), dataclasses.replace(notebook(1), status="Deleted")),
    )
    kinds = sorted(w.kind for w in workloads(ctx))
    assert kinds == ["notebook", "pipeline", "tuning"]
    running = next(w for w in workloads(ctx) if w.kind == "pipeline")
    assert running.active and running.name == "train/nightly"

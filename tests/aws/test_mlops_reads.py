"""The MLOps readers against the seeded fleet: mappers, caching (API calls are a budget) and reports."""

from __future__ import annotations

from datetime import UTC, datetime

from hybridml.aws.monitoring import parse_report, violations_in
from hybridml.aws.pipelines import _step_from_api, pipeline_of
from hybridml.domain.notebooks import INSTANCE, STUDIO
from hybridml.domain.tuning import by_objective
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.services import Services


def calls(services: Services, operation: str) -> int:
    return services.session.meter.by_operation.get(operation, 0)


async def test_pipelines_show_the_newest_execution_and_its_failed_step(services: Services) -> None:
    pipelines = {p.name: p for p in await services.pipelines.pipelines()}
    failed = pipelines["dogs-detector-train"].latest
    assert failed is not None and failed.status == "Failed" and failed.failed_step == "Train"
    assert failed.display_name == "scheduled-run-1125" and failed.ended_at is not None
    duration = failed.duration_s(datetime.now(UTC))
    assert duration is not None and 30 * 60 < duration < 40 * 60  # from start to its last change, not to now
    running = pipelines["text-embed-nightly"].latest
    assert running is not None and running.status == "Executing" and running.ended_at is None
    stopped = pipelines["yolo-eval-weekly"].latest
    assert stopped is not None and stopped.status == "Stopped" and stopped.failed_step == ""


async def test_an_idle_refresh_lists_only_what_can_have_changed(services: Services) -> None:
    await services.pipelines.pipelines()
    listed, described = calls(services, "ListPipelineExecutions"), calls(services, "DescribePipelineExecution")
    steps = calls(services, "ListPipelineExecutionSteps")
    await services.pipelines.pipelines()
    # only the one Executing run is listed again; finished runs are neither described nor their steps listed
    assert calls(services, "ListPipelineExecutions") - listed == 1
    assert calls(services, "DescribePipelineExecution") == described
    assert calls(services, "ListPipelineExecutionSteps") == steps


async def test_executions_and_diagnosis(services: Services, fleet: EmbeddedFleet) -> None:
    assert fleet.seeded.mlops is not None
    executions = await services.pipelines.executions("churn-features-daily")
    assert [e.status for e in executions] == ["Failed", "Succeeded"]
    assert executions[0].failed_step == "Validate"
    every = await services.pipelines.executions()
    assert {e.pipeline for e in every} >= set(fleet.seeded.mlops.pipelines)
    arn = fleet.seeded.mlops.executions["dogs-detector-train"][0]
    diagnosis = await services.pipelines.diagnose(arn)
    assert diagnosis.failed_step is not None and diagnosis.failed_step.name == "Train"
    assert "CUDA out of memory" in diagnosis.reason
    job = diagnosis.failed_step.job
    assert job is not None and job.kind == "training" and job.name.startswith(f"pipelines-{arn.rsplit('/', 1)[-1]}")
    assert str(job.log_source) == f"training/{job.name}"
    assert pipeline_of(arn) == "dogs-detector-train"


def test_step_mapper_reads_what_each_kind_of_step_ran() -> None:
    processing = _step_from_api(
        {
            "StepName": "Prep",
            "StepStatus": "Succeeded",
            "Metadata": {"ProcessingJob": {"Arn": "arn:x:processing-job/p1"}},
        }
    )
    assert (
        processing.job is not None
        and processing.job.kind == "processing"
        and str(processing.job.log_source) == ("processing/p1")
    )
    condition = _step_from_api(
        {"StepName": "Check", "StepStatus": "Succeeded", "Metadata": {"Condition": {"Outcome": "False"}}}
    )
    assert condition.job is None and condition.detail == "condition outcome: False"
    fail = _step_from_api(
        {"StepName": "Stop", "StepStatus": "Failed", "Metadata": {"Fail": {"ErrorMessage": "mAP < 0.5"}}}
    )
    assert fail.detail == "mAP < 0.5" and fail.job is None


async def test_tuning_jobs_with_objective_best_job_and_counts(services: Services) -> None:
    jobs = {j.name: j for j in await services.tuning.tuning_jobs()}
    hpo = jobs["dogs-yolo-hpo-1125"]
    assert (hpo.status, hpo.objective_metric, hpo.objective_type) == ("InProgress", "validation:mAP50", "Maximize")
    assert (hpo.completed, hpo.in_progress, hpo.failed) == (6, 3, 1)
    assert hpo.best_value == 0.742 and hpo.best_training_job.startswith("dogs-yolo-hpo-1125-006-")
    assert hpo.instance_type == "ml.g5.2xlarge" and hpo.price_per_hour is not None and hpo.price_per_hour > 4
    failing = jobs["embed-lr-sweep-1124"]
    assert failing.every_job_failing and failing.best_value is None and failing.non_retryable_errors == 4
    assert not jobs["resnet-hpo-1120"].every_job_failing
    trained = await services.tuning.training_jobs("dogs-yolo-hpo-1125")
    ranked = by_objective(trained, hpo.objective_type)
    assert ranked[0].name == hpo.best_training_job and ranked[0].objective_value == 0.742
    assert ranked[-1].objective_value is None  # running and failed jobs last
    assert dict(ranked[0].tuned).keys() == {"lr", "batch_size", "warmup_steps"}


async def test_a_finished_tuning_job_is_described_once(services: Services) -> None:
    await services.tuning.tuning_jobs()
    before = calls(services, "DescribeHyperParameterTuningJob")
    await services.tuning.tuning_jobs()
    assert calls(services, "DescribeHyperParameterTuningJob") == before  # nothing changed: no describe at all


async def test_monitoring_schedules_with_last_run_and_violations(services: Services) -> None:
    schedules = {s.name: s for s in await services.monitoring.schedules()}
    prod = schedules["yolo-dogs-prod-data-quality"]
    assert prod.endpoint == "yolo-dogs-prod" and prod.schedule_expression == "cron(0 * ? * * *)"
    assert prod.violating and prod.last is not None and prod.last.violations == 3
    canary = schedules["yolo-dogs-canary-model-quality"]
    assert canary.failing and canary.last is not None and canary.last.failure_reason == "Job inputs had no data"
    assert schedules["text-embed-data-quality"].last.violations == 0  # type: ignore[union-attr]
    report = await services.monitoring.report(prod.last)
    assert report.error == "" and report.total == 3 and report.location.endswith("/constraint_violations.json")
    assert [v.check_type for v in report.violations] == [
        "baseline_drift_check",
        "data_type_check",
        "completeness_check",
    ]
    history = await services.monitoring.executions("yolo-dogs-prod-data-quality")
    assert [e.status for e in history] == ["CompletedWithViolations", "Completed", "Completed"]
    described = calls(services, "DescribeProcessingJob")
    await services.monitoring.schedules()
    assert calls(services, "DescribeProcessingJob") == described  # finished runs' counts are kept


def test_violation_counts_and_reports_parse_what_the_container_writes() -> None:
    assert violations_in("CompletedWithViolations: Job completed successfully with 12 violations.") == 12
    assert violations_in("Completed: Job completed successfully with no violations.") == 0
    assert violations_in("") is None
    assert parse_report("s3://b/k", b"not json").error.startswith("the report is not JSON")
    many = b'{"violations": [' + b",".join(b'{"feature_name": "f%d"}' % i for i in range(30)) + b"]}"
    report = parse_report("s3://b/k", many, limit=5)
    assert report.total == 30 and len(report.violations) == 5


async def test_registry_groups_with_versions_in_two_calls(services: Services) -> None:
    before = calls(services, "ListModelPackages")
    groups = {g.name: g for g in await services.registry.groups()}
    assert calls(services, "ListModelPackages") - before == 1  # every group's versions in one listing
    dogs = groups["dogs-detector"]
    assert [p.version for p in dogs.versions] == [4, 3, 2, 1]
    assert dogs.latest is not None and dogs.latest.approval == "PendingManualApproval"
    assert dogs.latest_approved is not None and dogs.latest_approved.version == 3 and dogs.pending == 1
    assert [p.approval for p in await services.registry.packages("churn-classifier")] == ["Approved", "Rejected"]


async def test_notebooks_instances_and_studio_apps(services: Services) -> None:
    found = {n.key: n for n in await services.notebooks.notebooks()}
    bob = found["instance/gpu-bob-finetune"]
    assert bob.kind == INSTANCE and bob.running and bob.instance_type == "ml.p3.2xlarge"
    running = bob.running_s(datetime.now(UTC))
    assert running is not None and running > 60 * 3600 and bob.price_per_hour == 3.825
    assert found["instance/carol-eda"].running_since is None
    dave = next(n for n in found.values() if n.kind == STUDIO and n.user_profile == "dave")
    assert dave.app_type == "JupyterLab" and dave.instance_type == "ml.g5.2xlarge" and dave.stoppable
    frank = next(n for n in found.values() if n.kind == STUDIO and n.user_profile == "frank")
    assert frank.status == "Deleted" and not frank.running

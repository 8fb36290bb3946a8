"""Training, processing and transform jobs, and CloudWatch metric series, against the embedded fleet."""

from __future__ import annotations

import time

import pytest

from hybridml.aws.errors import InvalidRequest, NotFound
from hybridml.aws.metrics import endpoint_metric_specs, training_metric_specs
from hybridml.config import TrainingTemplate
from hybridml.domain.metrics import WINDOWS
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.services import Services
from tests.conftest import HANG_GUARD_S
from tests.sagemaker_helpers import clone_training_job, create_training_job, fast_settle, stop_training, unique

__all__ = ["fast_settle"]


async def test_seeded_training_jobs(services: Services) -> None:
    jobs = {j.name: j for j in await services.training.training_jobs()}
    done = jobs["dogs-yolo11n-ft-1121"]
    assert done.status == "Completed" and done.billable_seconds and done.billable_seconds > 0
    assert [t.status for t in done.transitions][-1] == "Completed"
    assert done.final_metrics and done.final_metrics[0][0] == "train:loss"
    assert done.instance_type == "ml.g5.2xlarge" and done.instance_count == 1
    failed = jobs["resnet50-sweep-01"]
    assert failed.status == "Failed" and "CUDA out of memory" in failed.failure_reason
    running = jobs["dogs-yolo11s-ft-1124"]
    assert running.status == "InProgress" and running.secondary_status == "Training" and running.ended_at is None


async def test_stop_moves_stopping_then_stopped(services: Services, fleet: EmbeddedFleet, fast_settle: None) -> None:
    name = create_training_job(fleet)
    await stop_training(services, name)
    stopping = await services.training.training_job(name)
    assert stopping.status in ("Stopping", "Stopped")
    assert "Stopping" in [t.status for t in stopping.transitions]
    deadline = time.monotonic() + HANG_GUARD_S  # the settle time is short (fast_settle); this is a hang guard
    job = stopping
    while job.status != "Stopped" and time.monotonic() < deadline:
        job = await services.training.training_job(name)
    assert job.status == "Stopped" and job.secondary_status == "Stopped" and job.ended_at is not None
    with pytest.raises(InvalidRequest, match="is Stopped: only InProgress jobs can be stopped"):
        await stop_training(services, name)


async def test_stop_unknown_job_is_not_found(services: Services) -> None:
    with pytest.raises(NotFound):
        await stop_training(services, unique("nope"))


async def test_clone_with_template_overrides(services: Services, fleet: EmbeddedFleet) -> None:
    source = create_training_job(fleet, status="Completed")
    new_name = unique("t-clone")
    template = TrainingTemplate(instance_type="ml.g5.2xlarge", instance_count=2, hyperparameters={"lr": "0.01"})
    arn = await clone_training_job(services, source, new_name, template)
    assert arn.endswith(new_name)
    job = await services.training.training_job(new_name)
    assert (job.instance_type, job.instance_count) == ("ml.g5.2xlarge", 2)
    assert dict(job.hyperparameters) == {"epochs": "10", "lr": "0.01"}
    with pytest.raises(InvalidRequest, match="letters, digits and hyphens"):
        await clone_training_job(services, source, "bad name!", None)


async def test_processing_and_transform_jobs(services: Services) -> None:
    processing = {j.name: j for j in await services.training.processing_jobs()}
    transform = {j.name: j for j in await services.training.transform_jobs()}
    assert processing["embed-shard-dedupe-1122"].status == "Failed"
    assert processing["dogs-label-qa-1124"].ended_at is None
    assert (
        transform["text-embed-batch-1123"].status == "Completed"
        and transform["text-embed-batch-1123"].kind == "transform"
    )


@pytest.mark.parametrize("window", list(WINDOWS))
async def test_endpoint_metric_curves(services: Services, window: str) -> None:
    series = await services.metrics.series(endpoint_metric_specs("yolo-dogs-prod", "AllTraffic"), WINDOWS[window])
    assert [s.label for s in series] == ["Invocations", "ModelLatency avg", "4xx errors", "5xx errors"]
    invocations = series[0]
    assert len(invocations.values) >= 40 and invocations.total > 0
    assert list(invocations.timestamps) == sorted(invocations.timestamps)
    assert series[1].peak is not None and series[1].peak > 1000  # microseconds


async def test_failed_endpoint_shows_5xx_and_no_traffic(services: Services) -> None:
    series = await services.metrics.series(endpoint_metric_specs("llm-summarizer", "AllTraffic"), WINDOWS["1h"])
    assert series[0].total == 0 and series[3].total > 0


async def test_training_loss_curve_over_the_run(services: Services) -> None:
    job = await services.training.training_job("dogs-yolo11n-ft-1121")
    assert job.started_at is not None and job.ended_at is not None
    window = int((job.ended_at - job.started_at).total_seconds()) + 120
    series = await services.metrics.series(training_metric_specs(job.name, ["train:loss"]), window, end=job.ended_at)
    loss = series[0].values
    assert len(loss) >= 30
    assert sum(loss[:5]) / 5 > sum(loss[-5:]) / 5  # it learns


async def test_no_specs_no_call(services: Services) -> None:
    before = services.session.meter.total
    assert await services.metrics.series([], 3600) == []
    assert services.session.meter.total == before


async def test_refresh_reuses_unchanged_training_describes(
    services: Services, fleet: EmbeddedFleet, fast_settle: None
) -> None:
    name = create_training_job(fleet)
    await services.training.training_jobs()
    describes = services.session.meter.by_operation.get("DescribeTrainingJob", 0)
    await services.training.training_jobs()
    assert services.session.meter.by_operation.get("DescribeTrainingJob", 0) == describes
    await stop_training(services, name)
    deadline = time.monotonic() + HANG_GUARD_S
    jobs = {j.name: j for j in await services.training.training_jobs()}
    while jobs[name].status != "Stopped" and time.monotonic() < deadline:
        jobs = {j.name: j for j in await services.training.training_jobs()}
    assert jobs[name].status == "Stopped"  # the list sees the change, the cache does not hide it


async def test_processing_and_transform_raw_json(services: Services) -> None:
    import json

    processing = json.loads(await services.training.job_json("processing", "dogs-label-qa-1124"))
    assert processing["ProcessingJobName"] == "dogs-label-qa-1124" and processing["ProcessingJobStatus"] == "InProgress"
    transform = json.loads(await services.training.job_json("transform", "text-embed-batch-1123"))
    assert transform["TransformJobName"] == "text-embed-batch-1123"


async def test_log_locations(services: Services) -> None:
    job = await services.training.training_job("dogs-yolo11s-ft-1124")
    endpoint = await services.sagemaker.endpoint("yolo-dogs-prod")
    client = await services.session.client("logs")
    streams = await client.describe_log_streams(logGroupName=job.log_group, logStreamNamePrefix=job.log_stream_prefix)
    assert streams["logStreams"]
    groups = await client.describe_log_groups(logGroupNamePrefix=endpoint.log_group)
    assert [g["logGroupName"] for g in groups["logGroups"]] == [endpoint.log_group]


async def test_training_jobs_newest_first(services: Services) -> None:
    created = [j.created_at for j in await services.training.training_jobs() if j.created_at is not None]
    assert created == sorted(created, reverse=True)

"""The SageMaker side of the demo fleet: curves in CloudWatch, live points, settle timing of the patches."""

from __future__ import annotations

import random
import time

from hybridml.fleet import catalog, patches_sagemaker
from hybridml.fleet.backends import sagemaker_backend
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.sagemaker_extras import LiveMetrics, cloudwatch_backend
from tests.sagemaker_helpers import create_endpoint, create_training_job


def test_live_metrics_add_one_point_per_minute(fleet: EmbeddedFleet) -> None:
    live = LiveMetrics(random.Random(3))
    before = len(cloudwatch_backend().metric_data)
    live.tick(sagemaker_backend())
    new = cloudwatch_backend().metric_data[before:]
    added = len(new)
    serving = [
        e.endpoint_name
        for e in sagemaker_backend().endpoints.values()
        if e.endpoint_status in ("InService", "Updating") and e.endpoint_name not in catalog.IDLE_ENDPOINT_NAMES
    ]
    assert added >= len(serving) * 4
    # the demo's forgotten endpoint stays without traffic: the idle-endpoint watch's case
    named = {d.value for m in new for d in m.dimensions if d.name == "EndpointName"}
    assert set(serving) <= named and not named & catalog.IDLE_ENDPOINT_NAMES
    live.tick(sagemaker_backend())  # same minute: nothing more
    assert len(cloudwatch_backend().metric_data) - before == added


def test_final_metric_matches_the_curve(fleet: EmbeddedFleet) -> None:
    job = sagemaker_backend().training_jobs["dogs-yolo11n-ft-1121"]
    names = {m["MetricName"] for m in job.final_metric_data_list}
    assert names == {"train:loss", "validation:loss"}


def test_pending_update_settles_only_after_its_time(fleet: EmbeddedFleet) -> None:
    name = create_endpoint(fleet, instances=1)
    backend = sagemaker_backend()
    backend.update_endpoint_weights_and_capacities(name, [{"VariantName": "AllTraffic", "DesiredInstanceCount": 2}])
    endpoint = backend.endpoints[name]
    patches_sagemaker.settle_endpoint(endpoint)
    assert endpoint.endpoint_status == "Updating" and endpoint.production_variants[0]["CurrentInstanceCount"] == 1
    endpoint.hybridml_settle_at = time.monotonic() - 1
    backend.describe_endpoint(name)
    assert endpoint.endpoint_status == "InService" and endpoint.production_variants[0]["CurrentInstanceCount"] == 2


def test_stop_then_settle(fleet: EmbeddedFleet) -> None:
    name = create_training_job(fleet)
    backend = sagemaker_backend()
    backend.stop_training_job(name)
    job = backend.training_jobs[name]
    assert job.training_job_status == "Stopping"
    patches_sagemaker.settle_training_job(job, force=True)
    assert job.training_job_status == "Stopped" and [t["Status"] for t in job.secondary_status_transitions][-2:] == [
        "Stopping",
        "Stopped",
    ]


def test_demo_training_walks_through_secondary_statuses(fleet: EmbeddedFleet) -> None:
    from datetime import UTC, datetime

    from hybridml.fleet.sagemaker_extras import advance_secondary

    name = create_training_job(fleet)
    job = sagemaker_backend().training_jobs[name]
    job.secondary_status, job.training_start_time = "Starting", None
    job.secondary_status_transitions = [{"Status": "Starting", "StartTime": job.creation_time}]
    rng = random.Random(5)
    now = datetime.now(UTC).replace(tzinfo=None)
    assert advance_secondary(job, now, rng) is False  # first sight: only schedules the next step
    seen = []
    while job.training_job_status == "InProgress":
        job.hybridml_next_at = time.monotonic() - 1
        assert advance_secondary(job, now, rng)
        seen.append(job.secondary_status)
    assert seen == ["Downloading", "Training", "Uploading", "Completed"]
    assert job.training_job_status == "Completed" and job.training_start_time is not None
    assert all("EndTime" in t for t in job.secondary_status_transitions[:-1])
    assert job.final_metric_data_list[0]["MetricName"] == "train:loss"


def test_demo_starts_new_training_when_few_run(fleet: EmbeddedFleet) -> None:
    live = LiveMetrics(random.Random(9), fleet.url, keep_running=1000)
    live.tick(sagemaker_backend())
    assert len(live.started) == 1
    job = sagemaker_backend().training_jobs[live.started[0]]
    assert (job.training_job_status, job.secondary_status) == ("InProgress", "Starting")
    live.tick(sagemaker_backend())  # at most one a minute
    assert len(live.started) == 1

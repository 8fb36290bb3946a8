"""The SageMaker side of the demo fleet: curves in CloudWatch, live points, settle timing of the patches."""

from __future__ import annotations

import random
import time

from hybridml.fleet import patches_sagemaker
from hybridml.fleet.backends import sagemaker_backend
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.sagemaker_extras import LiveMetrics, cloudwatch_backend
from tests.sagemaker_helpers import create_endpoint, create_training_job


def test_live_metrics_add_one_point_per_minute(fleet: EmbeddedFleet) -> None:
    live = LiveMetrics(random.Random(3))
    before = len(cloudwatch_backend().metric_data)
    live.tick(sagemaker_backend())
    added = len(cloudwatch_backend().metric_data) - before
    in_service = sum(e.endpoint_status in ("InService", "Updating") for e in sagemaker_backend().endpoints.values())
    assert added >= in_service * 4
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

"""Seed SageMaker endpoints and training jobs (through the API), then set their states in-process.

Every time is `now` minus an offset: `now` is the wall clock for the demo, a fixed anchor for a test that seeds
its own region (`seed_sagemaker(..., region=, anchor=)`)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from hybridml.fleet import catalog
from hybridml.fleet.backends import logs_backend, sagemaker_backend
from hybridml.fleet.logtext import log_lines
from hybridml.fleet.server import DEMO_REGION

if TYPE_CHECKING:
    from hybridml.fleet.seed import SeededFleet

TRAINING_LOG_GROUP = "/aws/sagemaker/TrainingJobs"
SECONDARY_ORDER = ("Starting", "Downloading", "Training", "Uploading", "Completed")


def endpoint_log_group(name: str) -> str:
    return f"/aws/sagemaker/Endpoints/{name}"


def _utcnow() -> datetime:
    # moto keeps SageMaker times as naive UTC
    return datetime.now(UTC).replace(tzinfo=None)


def _put(group: str, stream: str, lines: list[str], start: datetime, region: str = DEMO_REGION) -> None:
    logs = logs_backend(region)
    if group not in logs.groups:
        logs.create_log_group(group, {})
    if stream not in logs.groups[group].streams:
        logs.create_log_stream(group, stream)
    base = int(start.replace(tzinfo=UTC).timestamp() * 1000)
    logs.put_log_events(group, stream, [{"timestamp": base + i * 1000, "message": m} for i, m in enumerate(lines)])


SERVE_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/hybridml/serve:1.2"


def create_endpoint(sm: Any, name: str, role: str, instance_type: str, count: int) -> None:
    """Model, endpoint config (one AllTraffic variant) and endpoint, through the API."""
    sm.create_model(ModelName=f"{name}-model", ExecutionRoleArn=role, PrimaryContainer={"Image": SERVE_IMAGE})
    sm.create_endpoint_config(
        EndpointConfigName=f"{name}-config",
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": f"{name}-model",
                "InitialInstanceCount": count,
                "InstanceType": instance_type,
                "InitialVariantWeight": 1.0,
            }
        ],
    )
    sm.create_endpoint(EndpointName=name, EndpointConfigName=f"{name}-config")


def seed_endpoints(
    url: str,
    result: SeededFleet,
    role: str,
    rng: random.Random,
    *,
    region: str = DEMO_REGION,
    now: datetime | None = None,
) -> None:
    from hybridml.fleet.seed import boto3_client

    sm = boto3_client(url, "sagemaker", region)
    backend = sagemaker_backend(region)
    now = now or _utcnow()
    for name, instance_type, count, status, failure in catalog.ENDPOINTS:
        create_endpoint(sm, name, role, instance_type, count)
        endpoint = backend.endpoints[name]
        endpoint.endpoint_status = status
        endpoint.failure_reason = failure or None
        age = timedelta(minutes=rng.uniform(20, 60 * 24 * 9))
        endpoint.creation_time = now - age
        endpoint.last_modified_time = now - (
            timedelta(minutes=rng.uniform(35, 60)) if status in ("Updating", "Creating") else age / 2
        )
        variant = endpoint.production_variants[0]
        if status == "Creating":
            variant["CurrentInstanceCount"] = 0
        elif status == "Updating":
            variant["DesiredInstanceCount"] = count + 1
        elif status == "Failed":
            variant["CurrentInstanceCount"] = 0
        result.endpoints.append(name)
        if status in ("InService", "Updating", "Failed"):
            lines = [f"INFO model server listening on 8080 ({name})"]
            lines += [f"INFO POST /invocations 200 {rng.uniform(8, 60):.1f}ms" for _ in range(rng.randint(20, 60))]
            if status == "Failed":
                lines += ["ERROR ping health check failed: connection refused on :8080"]
            _put(endpoint_log_group(name), f"AllTraffic/i-{rng.getrandbits(64):016x}", lines, now - age / 2, region)
    seed_idle_endpoints(sm, result, role, now, region)


def _transitions(secondary: str, created: datetime, end: datetime | None, now: datetime) -> list[dict[str, Any]]:
    last = SECONDARY_ORDER.index(secondary) if secondary in SECONDARY_ORDER else len(SECONDARY_ORDER) - 1
    span = (end or now - timedelta(minutes=1)) - created
    stops = [created + span * (i / max(last, 1)) for i in range(last + 1)]
    out = []
    for i in range(last + 1):
        out.append(
            {
                "Status": SECONDARY_ORDER[i],
                "StartTime": stops[i],
                **({"EndTime": stops[i + 1]} if i < last else {}),
                "StatusMessage": f"{SECONDARY_ORDER[i]} the training job",
            }
        )
    return out


def seed_training(
    url: str,
    result: SeededFleet,
    role: str,
    rng: random.Random,
    *,
    region: str = DEMO_REGION,
    now: datetime | None = None,
) -> None:
    from hybridml.fleet.seed import boto3_client

    sm = boto3_client(url, "sagemaker", region)
    backend = sagemaker_backend(region)
    now = now or _utcnow()
    for name, status, secondary, instance_type, age_min, failure in catalog.TRAINING_JOBS:
        sm.create_training_job(
            TrainingJobName=name,
            AlgorithmSpecification={
                "TrainingImage": "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3-gpu",
                "TrainingInputMode": "File",
                "MetricDefinitions": [{"Name": "train:loss", "Regex": "loss=([0-9.]+)"}],
            },
            RoleArn=role,
            OutputDataConfig={"S3OutputPath": "s3://hybridml-models/output"},
            ResourceConfig={"InstanceType": instance_type, "InstanceCount": 1, "VolumeSizeInGB": 100},
            StoppingCondition={"MaxRuntimeInSeconds": 24 * 3600},
        )
        job = backend.training_jobs[name]
        created = now - timedelta(minutes=age_min)
        ended = None if status == "InProgress" else created + timedelta(minutes=age_min * 0.6)
        job.training_job_status, job.secondary_status = status, secondary
        job.creation_time = created
        job.last_modified_time = ended or now
        job.training_start_time = created + timedelta(minutes=3) if secondary not in ("Starting",) else None
        job.training_end_time = ended
        job.secondary_status_transitions = _transitions(
            "Completed" if status == "Completed" else ("Training" if ended else secondary), created, ended, now
        )
        if secondary == "Downloading":  # stuck downloading: the phase began soon after creation
            job.secondary_status_transitions[0]["EndTime"] = created + timedelta(minutes=4)
            job.secondary_status_transitions[-1]["StartTime"] = created + timedelta(minutes=4)
        if secondary == "MaxRuntimeExceeded":
            job.stopping_condition = {"MaxRuntimeInSeconds": int(age_min * 0.6 * 60)}
        if failure:
            job.failure_reason = failure
        if ended is not None:
            job.billable_time_in_seconds = int((ended - created).total_seconds() * 0.9)
        job.final_metric_data_list = (
            [{"MetricName": "train:loss", "Value": round(rng.uniform(0.05, 0.4), 4), "Timestamp": ended}]
            if status == "Completed"
            else []
        )
        result.training_jobs.append(name)
        if secondary not in ("Starting", "Downloading"):
            lines = log_lines("train", rng, rng.randint(40, 150), failed=status == "Failed")
            _put(TRAINING_LOG_GROUP, f"{name}/algo-1-{int(created.timestamp())}", lines, created, region)


def seed_idle_endpoints(sm: Any, result: SeededFleet, role: str, now: datetime, region: str = DEMO_REGION) -> None:
    """InService since `age` hours ago and never invoked (no metric points are put for them)."""
    backend = sagemaker_backend(region)
    for name, instance_type, count, age_h in catalog.IDLE_ENDPOINTS:
        create_endpoint(sm, name, role, instance_type, count)
        endpoint = backend.endpoints[name]
        endpoint.endpoint_status = "InService"
        endpoint.creation_time = now - timedelta(hours=age_h)
        endpoint.last_modified_time = endpoint.creation_time + timedelta(minutes=9)
        result.endpoints.append(name)
        _put(
            endpoint_log_group(name),
            "AllTraffic/i-0staging0000000001",
            [f"INFO model server listening on 8080 ({name})"],
            endpoint.last_modified_time,
            region,
        )


def seed_sagemaker(
    url: str,
    result: SeededFleet,
    role: str,
    rng: random.Random,
    *,
    region: str = DEMO_REGION,
    anchor: datetime | None = None,
) -> None:
    """Everything SageMaker in `region`; times are `anchor` (aware; default: the wall clock) minus offsets."""
    from hybridml.fleet import sagemaker_extras as extras

    now = _utcnow() if anchor is None else anchor.astimezone(UTC).replace(tzinfo=None)
    backend = sagemaker_backend(region)
    seed_endpoints(url, result, role, rng, region=region, now=now)
    seed_training(url, result, role, rng, region=region, now=now)
    extras.seed_scaling(url, region)
    extras.seed_batch_style_jobs(url, backend, role, now=now, region=region)
    extras.seed_endpoint_metrics(rng, now, region=region)
    extras.seed_training_metrics(backend, rng, now=now, region=region)
    from hybridml.fleet.seed_mlops import seed_mlops

    result.mlops = seed_mlops(url, role, rng, region=region, anchor=anchor)

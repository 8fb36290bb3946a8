"""The SageMaker demo's depth: CloudWatch curves for endpoints and training jobs, autoscaling targets,
processing and transform jobs. Metric points go straight into moto's in-process CloudWatch backend
(naive UTC timestamps, as moto's API keeps them)."""

from __future__ import annotations

import math
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from hybridml.fleet import catalog
from hybridml.fleet.server import DEMO_ACCOUNT, DEMO_REGION

SAGEMAKER_NS = "AWS/SageMaker"
TRAINING_NS = "/aws/sagemaker/TrainingJobs"
AUTOSCALING: dict[str, tuple[int, int]] = {"yolo-dogs-prod": (1, 4), "text-embed": (2, 8)}
PROCESSING_JOBS: tuple[tuple[str, str, str], ...] = (
    ("dogs-frames-extract-1123", "Completed", ""),
    ("dogs-label-qa-1124", "InProgress", ""),
    ("embed-shard-dedupe-1122", "Failed", "ClientError: No space left on device"),
)
TRANSFORM_JOBS: tuple[tuple[str, str, str], ...] = (
    ("text-embed-batch-1123", "Completed", ""),
    ("yolo-dogs-archive-scan", "InProgress", ""),
)


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def cloudwatch_backend(region: str = DEMO_REGION) -> Any:
    from moto.cloudwatch.models import cloudwatch_backends

    return cloudwatch_backends[DEMO_ACCOUNT][region]


def _endpoint_points(name: str, when: datetime, rng: random.Random, failed: bool) -> list[dict[str, Any]]:
    dims = [{"Name": "EndpointName", "Value": name}, {"Name": "VariantName", "Value": "AllTraffic"}]
    hour = when.hour + when.minute / 60.0
    daily = 0.55 + 0.45 * math.sin((hour - 9) / 24 * 2 * math.pi)  # busier in the afternoon
    invocations = 0.0 if failed else max(0.0, rng.gauss(600 * daily, 40))
    latency_us = rng.gauss(18_000 + 30_000 * daily, 2500)
    errors_5xx = rng.choice((0, 0, 0, 1)) if not failed else rng.randint(20, 60)
    errors_4xx = rng.choice((0, 0, 1, 2))
    values = (
        ("Invocations", invocations, "None"),
        ("ModelLatency", max(1000.0, latency_us), "Microseconds"),
        ("Invocation4XXErrors", float(errors_4xx), "None"),
        ("Invocation5XXErrors", float(errors_5xx), "None"),
    )
    return [{"MetricName": m, "Value": v, "Unit": u, "Timestamp": when, "Dimensions": dims} for m, v, u in values]


def _loss_at(progress: float, rng: random.Random, seed: float) -> float:
    return max(0.01, 2.2 * math.exp(-4.0 * progress) + 0.05 + seed + rng.gauss(0, 0.03))


def _training_points(job: str, when: datetime, progress: float, rng: random.Random, seed: float) -> list[Any]:
    """Algorithm metrics (the job definition's MetricDefinitions), as SageMaker publishes them: namespace
    /aws/sagemaker/TrainingJobs, dimension TrainingJobName (Host is the dimension of instance metrics)."""
    dims = [{"Name": "TrainingJobName", "Value": job}]
    loss = _loss_at(progress, rng, seed)
    return [
        {"MetricName": "train:loss", "Value": loss, "Timestamp": when, "Dimensions": dims},
        {"MetricName": "validation:loss", "Value": loss * 1.15 + 0.02, "Timestamp": when, "Dimensions": dims},
    ]


def seed_endpoint_metrics(rng: random.Random, now: datetime | None = None, *, region: str = DEMO_REGION) -> int:
    """24 h of Invocations / ModelLatency / 4xx / 5xx per serving endpoint: 5-minute points, 1-minute for the
    last hour. Returns the number of points put."""
    now = now or _utcnow()
    stamps = [now - timedelta(minutes=m) for m in range(24 * 60, 60, -5)] + [
        now - timedelta(minutes=m) for m in range(60, 0, -1)
    ]
    data: list[dict[str, Any]] = []
    for name, _type, _count, status, _failure in catalog.ENDPOINTS:
        if status == "Creating":
            continue
        for when in stamps:
            failed = status == "Failed" and when > now - timedelta(hours=3)
            data += _endpoint_points(name, when, rng, failed)
    cloudwatch_backend(region).put_metric_data(SAGEMAKER_NS, data)
    return len(data)


def seed_training_metrics(
    backend: Any, rng: random.Random, *, now: datetime | None = None, region: str = DEMO_REGION
) -> int:
    data: list[dict[str, Any]] = []
    now = now or _utcnow()
    for job in list(backend.training_jobs.values()):
        start = job.training_start_time
        if start is None or job.secondary_status in ("Starting", "Downloading"):
            continue
        end = job.training_end_time or now
        span = max((end - start).total_seconds(), 60.0)
        seed = rng.uniform(0.0, 0.2)
        job.hybridml_loss_seed = seed
        for i in range(121):
            when = start + timedelta(seconds=span * i / 120)
            progress = (i / 120) if job.training_end_time else (i / 120) * 0.5
            data += _training_points(job.training_job_name, when, progress, rng, seed)
        if job.final_metric_data_list:  # the final metric is the curve's last point, as SageMaker reports it
            last = {d["MetricName"]: d["Value"] for d in data[-2:]}
            job.final_metric_data_list = [
                {"MetricName": name, "Value": round(value, 4), "Timestamp": job.training_end_time}
                for name, value in last.items()
            ]
    cloudwatch_backend(region).put_metric_data(TRAINING_NS, data)
    return len(data)


def seed_scaling(url: str, region: str = DEMO_REGION) -> None:
    from hybridml.fleet.seed import boto3_client

    client = boto3_client(url, "application-autoscaling", region)
    for endpoint, (lo, hi) in AUTOSCALING.items():
        client.register_scalable_target(
            ServiceNamespace="sagemaker",
            ResourceId=f"endpoint/{endpoint}/variant/AllTraffic",
            ScalableDimension="sagemaker:variant:DesiredInstanceCount",
            MinCapacity=lo,
            MaxCapacity=hi,
        )


def seed_batch_style_jobs(
    url: str, backend: Any, role: str, *, now: datetime | None = None, region: str = DEMO_REGION
) -> None:
    """A few processing and transform jobs (read-only in the console), with their statuses set in-process."""
    from hybridml.fleet.seed import boto3_client

    sm = boto3_client(url, "sagemaker", region)
    now = now or _utcnow()
    for i, (name, status, failure) in enumerate(PROCESSING_JOBS):
        sm.create_processing_job(
            ProcessingJobName=name,
            RoleArn=role,
            AppSpecification={"ImageUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/hybridml/etl:1.4"},
            ProcessingResources={
                "ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 50}
            },
            StoppingCondition={"MaxRuntimeInSeconds": 3600},
        )
        job = backend.processing_jobs[name]
        job.creation_time = now - timedelta(hours=3 + i * 7)
        job.processing_job_status = status
        job.processing_end_time = None if status == "InProgress" else job.creation_time + timedelta(minutes=25)
        if failure:
            job.failure_reason = failure
    for i, (name, status, failure) in enumerate(TRANSFORM_JOBS):
        sm.create_transform_job(
            TransformJobName=name,
            ModelName=f"{catalog.ENDPOINTS[i * 2][0]}-model",
            TransformInput={"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://hybridml-in/"}}},
            TransformOutput={"S3OutputPath": "s3://hybridml-out/"},
            TransformResources={"InstanceType": "ml.g5.xlarge", "InstanceCount": 1},
        )
        job = backend.transform_jobs[name]
        job.creation_time = now - timedelta(hours=2 + i * 11)
        job.transform_job_status = status
        job.transform_end_time = None if status == "InProgress" else job.creation_time + timedelta(minutes=40)
        job.failure_reason = failure


NEXT_SECONDARY = {
    "Starting": "Downloading",
    "Downloading": "Training",
    "Training": "Uploading",
    "Uploading": "Completed",
}
SECONDARY_MESSAGES = {
    "Starting": "Preparing the instances for training",
    "Downloading": "Downloading input data",
    "Training": "Training image download completed. Training in progress.",
    "Uploading": "Uploading generated training model",
    "Completed": "Training job completed",
}
STEP_S = {"Starting": 40.0, "Downloading": 40.0, "Training": 240.0, "Uploading": 30.0}  # demo pace, wall time


def advance_secondary(job: Any, now: datetime, rng: random.Random) -> bool:
    """Move an InProgress job one secondary status on when its time has come (demo only). True if it moved."""
    due = getattr(job, "hybridml_next_at", None)
    clock = time.monotonic()
    current = job.secondary_status
    if current not in NEXT_SECONDARY:
        return False
    if due is None:
        job.hybridml_next_at = clock + STEP_S[current] * rng.uniform(0.5, 1.5)
        return False
    if clock < due:
        return False
    nxt = NEXT_SECONDARY[current]
    transitions = list(job.secondary_status_transitions or [])
    if transitions and "EndTime" not in transitions[-1]:
        transitions[-1] = {**transitions[-1], "EndTime": now}
    transitions.append({"Status": nxt, "StartTime": now, "StatusMessage": SECONDARY_MESSAGES[nxt]})
    job.secondary_status_transitions = transitions
    job.secondary_status = nxt
    job.last_modified_time = now
    if nxt == "Training" and job.training_start_time is None:
        job.training_start_time = now
        from hybridml.fleet.seed_sagemaker import TRAINING_LOG_GROUP, _put

        stream = f"{job.training_job_name}/algo-1-{int(job.creation_time.timestamp())}"
        _put(TRAINING_LOG_GROUP, stream, [f"INFO starting training of {job.training_job_name}"], now)
    if nxt == "Completed":
        job.training_job_status = "Completed"
        job.training_end_time = now
        start = job.training_start_time or job.creation_time
        job.billable_time_in_seconds = int((now - start).total_seconds())
        loss = round(_loss_at(1.0, rng, getattr(job, "hybridml_loss_seed", 0.1)), 4)
        job.final_metric_data_list = [{"MetricName": "train:loss", "Value": loss, "Timestamp": now}]
        objective = getattr(job, "hybridml_objective", None)  # a tuning job's training job reports its objective
        if objective is not None:
            job.final_metric_data_list.append({"MetricName": objective[0], "Value": objective[1], "Timestamp": now})
        job.hybridml_next_at = None
        return True
    job.hybridml_next_at = clock + STEP_S[nxt] * rng.uniform(0.5, 1.5)
    return True


class LiveMetrics:
    """Called by the simulator: one new point per endpoint / training job per minute of wall time, and
    InProgress training jobs walk through their secondary statuses at demo pace."""

    def __init__(self, rng: random.Random, url: str = "", keep_running: int = 2) -> None:
        self.rng = rng
        self.url = url
        self.keep_running = keep_running  # start new training jobs (through the API) below this many
        self.last: datetime | None = None
        self.started: list[str] = []
        self._client: Any = None

    def tick(self, backend: Any) -> None:
        now = _utcnow()
        running = 0
        for job in list(backend.training_jobs.values()):
            if job.training_job_status == "InProgress":
                advance_secondary(job, now, self.rng)
                running += job.training_job_status == "InProgress"
        if self.url and running < self.keep_running and (self.last is None or now - self.last >= timedelta(seconds=60)):
            self._start_training(now)
        if self.last is not None and now - self.last < timedelta(seconds=60):
            return
        self.last = now
        data: list[dict[str, Any]] = []
        idle = catalog.IDLE_ENDPOINT_NAMES  # the demo's forgotten endpoint gets no traffic
        for endpoint in list(backend.endpoints.values()):
            if endpoint.endpoint_status in ("InService", "Updating") and endpoint.endpoint_name not in idle:
                data += _endpoint_points(endpoint.endpoint_name, now, self.rng, failed=False)
        if data:
            cloudwatch_backend().put_metric_data(SAGEMAKER_NS, data)
        training: list[dict[str, Any]] = []
        for job in list(backend.training_jobs.values()):
            if job.training_job_status != "InProgress" or job.secondary_status != "Training":
                continue
            start = job.training_start_time or now
            hours = (now - start).total_seconds() / 3600
            progress = min(0.95, 0.5 + hours / 4)
            seed = getattr(job, "hybridml_loss_seed", 0.1)
            training += _training_points(job.training_job_name, now, progress, self.rng, seed)
        if training:
            cloudwatch_backend().put_metric_data(TRAINING_NS, training)

    def _start_training(self, now: datetime) -> None:
        """New work arrives through the real API, as a person's pipeline would start it."""
        from hybridml.fleet.seed import boto3_client

        if self._client is None:
            self._client = boto3_client(self.url, "sagemaker")
        name = f"dogs-yolo11s-ft-{now:%m%d-%H%M%S}"
        self._client.create_training_job(
            TrainingJobName=name,
            AlgorithmSpecification={
                "TrainingImage": "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3-gpu",
                "TrainingInputMode": "File",
            },
            RoleArn="arn:aws:iam::123456789012:role/SageMakerExecution",
            HyperParameters={"epochs": "30", "lr": f"{self.rng.choice((0.001, 0.0005, 0.002))}"},
            OutputDataConfig={"S3OutputPath": "s3://hybridml-models/output"},
            ResourceConfig={"InstanceType": "ml.g5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 100},
            StoppingCondition={"MaxRuntimeInSeconds": 6 * 3600},
        )
        from hybridml.fleet.backends import sagemaker_backend

        job = sagemaker_backend().training_jobs[name]
        job.training_job_status, job.secondary_status = "InProgress", "Starting"
        job.training_start_time = job.training_end_time = None
        job.secondary_status_transitions = [
            {"Status": "Starting", "StartTime": now, "StatusMessage": SECONDARY_MESSAGES["Starting"]}
        ]
        job.final_metric_data_list = []
        self.started.append(name)

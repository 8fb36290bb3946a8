"""Scale the demo fleet up for benchmarks: more queues, endpoints and training jobs than the catalog holds.

The catalog's resources stay as they are (the demo and the tests see the same fleet); these only add
plainly named extras (`bulk-queue-NN`, `bulk-endpoint-NNN`, `bulk-training-NNNN`) up to the totals asked.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from hybridml.fleet import catalog
from hybridml.fleet.backends import sagemaker_backend

if TYPE_CHECKING:
    from hybridml.fleet.seed import SeededFleet

BULK_JOB_DEFINITIONS = ("etl-parquet", "feature-backfill")
SERVE_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/hybridml/serve:1.2"
TRAIN_IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3-gpu"


def add_queues(url: str, result: SeededFleet, total: int) -> dict[str, tuple[str, ...]]:
    """Create queues until the account has `total`; returns the extra queues' workloads."""
    from hybridml.fleet.seed import boto3_client

    batch = boto3_client(url, "batch")
    extra: dict[str, tuple[str, ...]] = {}
    for n in range(len(catalog.QUEUES) + 1, total + 1):
        name = f"bulk-queue-{n:02d}"
        batch.create_job_queue(
            jobQueueName=name,
            state="ENABLED",
            priority=1,
            computeEnvironmentOrder=[{"order": 1, "computeEnvironment": "cpu-ondemand"}],
        )
        result.queues.append(name)
        extra[name] = BULK_JOB_DEFINITIONS
    return extra


def add_endpoints(url: str, result: SeededFleet, role: str, total: int, rng: random.Random) -> None:
    from hybridml.fleet.seed import boto3_client

    sm = boto3_client(url, "sagemaker")
    backend = sagemaker_backend()
    now = datetime.now(UTC).replace(tzinfo=None)
    for n in range(len(result.endpoints) + 1, total + 1):
        name = f"bulk-endpoint-{n:03d}"
        sm.create_model(ModelName=f"{name}-model", ExecutionRoleArn=role, PrimaryContainer={"Image": SERVE_IMAGE})
        variant = {
            "VariantName": "AllTraffic",
            "ModelName": f"{name}-model",
            "InitialInstanceCount": 1,
            "InstanceType": "ml.m5.xlarge",
            "InitialVariantWeight": 1.0,
        }
        sm.create_endpoint_config(EndpointConfigName=f"{name}-config", ProductionVariants=[variant])
        sm.create_endpoint(EndpointName=name, EndpointConfigName=f"{name}-config")
        endpoint = backend.endpoints[name]
        endpoint.endpoint_status = "InService"
        endpoint.creation_time = endpoint.last_modified_time = now - timedelta(hours=rng.uniform(1, 200))
        result.endpoints.append(name)


def add_training_jobs(url: str, result: SeededFleet, role: str, total: int, rng: random.Random) -> None:
    from hybridml.fleet.seed import boto3_client

    sm = boto3_client(url, "sagemaker")
    backend = sagemaker_backend()
    now = datetime.now(UTC).replace(tzinfo=None)
    for n in range(len(result.training_jobs) + 1, total + 1):
        name = f"bulk-training-{n:04d}"
        sm.create_training_job(
            TrainingJobName=name,
            AlgorithmSpecification={"TrainingImage": TRAIN_IMAGE, "TrainingInputMode": "File"},
            RoleArn=role,
            OutputDataConfig={"S3OutputPath": "s3://hybridml-models/output"},
            ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 50},
            StoppingCondition={"MaxRuntimeInSeconds": 24 * 3600},
        )
        job = backend.training_jobs[name]
        created = now - timedelta(minutes=rng.uniform(10, 60 * 24 * 6))
        job.creation_time, job.last_modified_time = created, created + timedelta(minutes=30)
        job.training_job_status, job.secondary_status = "Completed", "Completed"
        job.training_end_time = created + timedelta(minutes=30)
        result.training_jobs.append(name)

"""Own, uniquely named SageMaker resources for tests that change things (never the seeded ones)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from hybridml.fleet import patches_sagemaker
from hybridml.fleet.backends import sagemaker_backend
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.seed import boto3_client

ROLE = "arn:aws:iam::123456789012:role/SageMakerExecution"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def create_endpoint(fleet: EmbeddedFleet, *, instances: int = 1, variants: tuple[str, ...] = ("AllTraffic",)) -> str:
    name = unique("t-ep")
    sm = boto3_client(fleet.url, "sagemaker")
    sm.create_model(ModelName=f"{name}-model", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "serve:1"})
    sm.create_endpoint_config(
        EndpointConfigName=f"{name}-config",
        ProductionVariants=[
            {
                "VariantName": v,
                "ModelName": f"{name}-model",
                "InitialInstanceCount": instances,
                "InstanceType": "ml.g5.xlarge",
                "InitialVariantWeight": 1.0,
            }
            for v in variants
        ],
    )
    sm.create_endpoint(EndpointName=name, EndpointConfigName=f"{name}-config")
    return name


def create_training_job(fleet: EmbeddedFleet, *, status: str = "InProgress") -> str:
    name = unique("t-tj")
    sm = boto3_client(fleet.url, "sagemaker")
    sm.create_training_job(
        TrainingJobName=name,
        AlgorithmSpecification={"TrainingImage": "train:1", "TrainingInputMode": "File"},
        RoleArn=ROLE,
        HyperParameters={"epochs": "10", "lr": "0.001"},
        OutputDataConfig={"S3OutputPath": "s3://hybridml-models/output"},
        ResourceConfig={"InstanceType": "ml.g5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 50},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
    )
    job: Any = sagemaker_backend().training_jobs[name]
    job.training_job_status, job.secondary_status = status, "Training" if status == "InProgress" else status
    job.training_end_time = None if status == "InProgress" else job.training_end_time
    job.secondary_status_transitions = [{"Status": "Training", "StartTime": job.creation_time}]
    return name


@pytest.fixture
def fast_settle(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Endpoint updates and training stops settle after 0.2 s instead of seconds."""
    monkeypatch.setattr(patches_sagemaker, "ENDPOINT_UPDATE_S", 0.2)
    monkeypatch.setattr(patches_sagemaker, "TRAINING_STOP_S", 0.2)
    yield


# -- the SageMaker actions, sent the way the TUI and the headless commands send them -------------------------
async def scale(services: Any, request: Any) -> None:
    from hybridml.actions.sagemaker import run_scale, scale_actions

    await run_scale(services, await scale_actions(services, request))


async def update_capacity(services: Any, endpoint: Any, variant: str, desired: int) -> None:
    """`endpoint`: a name (read now) or an Endpoint as it was listed (maybe stale)."""
    from hybridml.actions.sagemaker import UpdateCapacity

    if isinstance(endpoint, str):
        endpoint = await services.sagemaker.endpoint(endpoint)
    await services.run(UpdateCapacity(endpoint, variant, desired))


async def register_scaling(services: Any, name: str, variant: str, lo: int, hi: int) -> None:
    from hybridml.actions.sagemaker import RegisterScalableTarget

    await services.run(RegisterScalableTarget(await services.sagemaker.endpoint(name), variant, lo, hi))


async def delete_endpoint(services: Any, name: str) -> None:
    """Delete by name; an endpoint already gone is sent anyway (SageMaker's answer must be a NotFound)."""
    from hybridml.actions.sagemaker import DeleteEndpoint
    from hybridml.domain.sagemaker import Endpoint

    await services.run(DeleteEndpoint(Endpoint(name, "", "InService", None, None)))


async def invoke(services: Any, name: str, body: bytes, content_type: str = "application/json") -> Any:
    from hybridml.actions.sagemaker import InvokeEndpoint

    return await services.run(InvokeEndpoint(name, body, content_type))


async def stop_training(services: Any, name: str) -> None:
    from hybridml.actions.sagemaker import StopTrainingJob
    from hybridml.domain.sagemaker import TrainingJob

    await services.run(StopTrainingJob(TrainingJob(name, "", "InProgress", "", None)))  # re-read at send time


async def clone_training_job(services: Any, source: str, new_name: str, template: Any) -> str:
    from hybridml.actions.sagemaker import clone_training

    arn: str = await services.run(await clone_training(services, source, new_name, template))
    return arn

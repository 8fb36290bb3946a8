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


def create_tuning_job(
    fleet: EmbeddedFleet, results: list[tuple[str, float | None]], objective: str = "Minimize"
) -> str:
    """A tuning job (InProgress) that launched one training job per (status, objective value)."""
    name = unique("t-hpo")[:32]
    sm = boto3_client(fleet.url, "sagemaker")
    sm.create_hyper_parameter_tuning_job(
        HyperParameterTuningJobName=name,
        HyperParameterTuningJobConfig={
            "Strategy": "Random",
            "HyperParameterTuningJobObjective": {"Type": objective, "MetricName": "validation:loss"},
            "ResourceLimits": {"MaxNumberOfTrainingJobs": 10, "MaxParallelTrainingJobs": 2},
            "ParameterRanges": {"ContinuousParameterRanges": [{"Name": "lr", "MinValue": "0.001", "MaxValue": "0.1"}]},
        },
        TrainingJobDefinition={
            "AlgorithmSpecification": {"TrainingImage": "train:1", "TrainingInputMode": "File"},
            "RoleArn": ROLE,
            "OutputDataConfig": {"S3OutputPath": "s3://b/"},
            "ResourceConfig": {"InstanceType": "ml.g5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10},
            "StoppingCondition": {"MaxRuntimeInSeconds": 600},
        },
    )
    backend = sagemaker_backend()
    job = backend.hyper_parameter_tuning_jobs[name]
    job.hyper_parameter_tuning_job_status = "InProgress"
    for i, (status, value) in enumerate(results):
        training = f"{name}-{i:03d}-abcdef01"
        sm.create_training_job(
            TrainingJobName=training,
            AlgorithmSpecification={"TrainingImage": "train:1", "TrainingInputMode": "File"},
            RoleArn=ROLE,
            HyperParameters={"lr": f"0.0{i + 1}", "epochs": "3"},
            OutputDataConfig={"S3OutputPath": "s3://b/"},
            ResourceConfig={"InstanceType": "ml.g5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10},
            StoppingCondition={"MaxRuntimeInSeconds": 600},
        )
        t: Any = backend.training_jobs[training]
        t.tuning_job_arn = job.arn
        t.training_job_status = status
        t.secondary_status = "Training" if status == "InProgress" else status
        t.secondary_status_transitions = [{"Status": "Training", "StartTime": t.creation_time}]
        t.training_end_time = None if status == "InProgress" else t.training_end_time
        t.final_metric_data_list = [{"MetricName": "validation:loss", "Value": value}] if value is not None else []
        t.failure_reason = "AlgorithmError: boom" if status == "Failed" else None
    return name


def create_model_group(fleet: EmbeddedFleet, approvals: tuple[str, ...]) -> tuple[str, list[str]]:
    """A model package group with one version per approval status (oldest first); returns (group, ARNs)."""
    group = unique("t-models")
    sm = boto3_client(fleet.url, "sagemaker")
    sm.create_model_package_group(ModelPackageGroupName=group)
    spec = {"Containers": [{"Image": "serve:1"}], "SupportedContentTypes": ["application/json"],
            "SupportedResponseMIMETypes": ["application/json"]}  # fmt: skip
    arns = [
        sm.create_model_package(ModelPackageGroupName=group, ModelApprovalStatus=a, InferenceSpecification=spec)[
            "ModelPackageArn"
        ]
        for a in approvals
    ]
    return group, arns


@pytest.fixture
def fast_settle(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Endpoint updates, training / tuning / notebook stops and app deletes settle after 0.2 s, not seconds."""
    from hybridml.fleet import patches_sagemaker_notebooks, patches_sagemaker_ops

    monkeypatch.setattr(patches_sagemaker, "ENDPOINT_UPDATE_S", 0.2)
    monkeypatch.setattr(patches_sagemaker, "TRAINING_STOP_S", 0.2)
    monkeypatch.setattr(patches_sagemaker_ops, "TUNING_STOP_S", 0.2)
    monkeypatch.setattr(patches_sagemaker_notebooks, "NOTEBOOK_STOP_S", 0.2)
    monkeypatch.setattr(patches_sagemaker_notebooks, "APP_DELETE_S", 0.2)
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

"""The fleet's launch emulations that need no container (fleet/patches_launch.py, fleet/containers.py): processing
jobs keep their request and stop gradually; a Batch command resolves `Ref::`; which image the fleet can run."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from hybridml.fleet import patches_launch
from hybridml.fleet.backends import sagemaker_backend
from hybridml.fleet.containers import HOST, host_arguments, is_bundled_image
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.seed import boto3_client
from tests.sagemaker_helpers import ROLE, unique

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/hybridml/etl:1.4"
RESOURCES = {"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 30}}


def create(sm: Any, image: str = IMAGE) -> str:
    name = unique("t-proc")
    sm.create_processing_job(
        ProcessingJobName=name,
        RoleArn=ROLE,
        AppSpecification={"ImageUri": image, "ContainerArguments": ["--x", "1"]},
        ProcessingResources=RESOURCES,
        StoppingCondition={"MaxRuntimeInSeconds": 600},
        Environment={"MODE": "fast"},
    )
    return name


def test_a_processing_job_keeps_its_resources_and_environment(fleet: EmbeddedFleet) -> None:
    sm = boto3_client(fleet.url, "sagemaker")
    described = sm.describe_processing_job(ProcessingJobName=create(sm))
    assert described["ProcessingResources"] == RESOURCES
    assert described["Environment"] == {"MODE": "fast"}


def test_stopping_a_processing_job_is_gradual_and_only_for_one_in_progress(
    fleet: EmbeddedFleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    sm = boto3_client(fleet.url, "sagemaker")
    name = create(sm)
    with pytest.raises(ClientError, match="in status Completed"):  # moto completes it at once (not our image)
        sm.stop_processing_job(ProcessingJobName=name)
    sagemaker_backend().processing_jobs[name].processing_job_status = "InProgress"
    monkeypatch.setattr(patches_launch, "STOP_S", 3600.0)
    sm.stop_processing_job(ProcessingJobName=name)
    assert sm.describe_processing_job(ProcessingJobName=name)["ProcessingJobStatus"] == "Stopping"
    job = sagemaker_backend().processing_jobs[name]
    patches_launch._stopping[job.arn] = 0.0  # its container has stopped
    described = sm.describe_processing_job(ProcessingJobName=name)
    assert described["ProcessingJobStatus"] == "Stopped" and "ProcessingEndTime" in described


def test_the_fleet_runs_only_the_bundled_image_and_only_when_enabled() -> None:
    assert is_bundled_image("123456789012.dkr.ecr.us-east-1.amazonaws.com/hybridml/yolo-dogs:latest")
    assert is_bundled_image("localhost:5000/dogwatch@sha256:abc")
    assert not is_bundled_image("123456789012.dkr.ecr.us-east-1.amazonaws.com/hybridml/serve:1.2")
    assert not is_bundled_image("registry.example.com:5000/yolo-dogs-fork:1")
    assert HOST.enabled is False  # the test fleet leaves it off: submitting the YOLO image runs nothing here
    assert not HOST.can_run("x/hybridml/yolo-dogs:latest")


def test_the_container_runs_with_the_demo_machines_differences() -> None:
    args = ["python3", "src/main.py", "--video_url", "http://v/x.mp4", "--device", "cuda"]
    assert host_arguments(args) == ["--video_url", "http://v/x.mp4", "--device", "cpu", "--allow-private-urls"]


def test_a_batch_command_resolves_its_parameters() -> None:
    class Definition:
        container_properties = {"command": ["run", "--video_url", "Ref::video_url", "--x", "Ref::missing"]}
        parameters = {"video_url": "default"}

    class Job:
        job_definition = Definition()
        container_overrides: dict[str, Any] = {}
        parameters = {"video_url": "https://v/1.mp4"}

    assert patches_launch.resolved_command(Job()) == ["run", "--video_url", "https://v/1.mp4", "--x", "Ref::missing"]

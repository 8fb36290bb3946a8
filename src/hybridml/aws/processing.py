"""SageMaker processing jobs for the YOLO launch: the CreateProcessingJob / StopProcessingJob request builders
and the DescribeProcessingJob mapper (`TrainingService.processing_job` reads it). The only place these keys appear.

The bundled container runs unchanged: `AppSpecification.ContainerEntrypoint` is the image's own entrypoint and
`ContainerArguments` are the flags a Batch job passes (`--video_url`, `--callback_url`, and `--device cuda` on a
GPU instance, which fails fast rather than fall back to the CPU).
"""

from __future__ import annotations

import re
from typing import Any

from hybridml.aws._util import as_utc
from hybridml.domain.processing import ProcessingJob

SERVICE = "sagemaker"
ENTRYPOINT = ("python3", "src/main.py")  # the image's ENTRYPOINT (WORKDIR /app)
ENVIRONMENT = {"YOLO_OFFLINE": "1"}
VOLUME_GB = 30
MAX_RUNTIME_S = 3600
# ContainerArgument: {"type": "string", "max": 256} (sagemaker service model): each argument, URLs included.
MAX_ARGUMENT = 256
_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")  # ProcessingJobName's pattern and length


def is_gpu_type(instance_type: str) -> bool:
    """ml.g* / ml.p* instance types carry NVIDIA GPUs (the container runs `--device cuda` there)."""
    family = instance_type.removeprefix("ml.").split(".", 1)[0]
    return family[:1] in ("g", "p")


def container_arguments(video_url: str, callback_url: str, instance_type: str) -> list[str]:
    args = ["--video_url", video_url, "--callback_url", callback_url]
    return [*args, "--device", "cuda" if is_gpu_type(instance_type) else "cpu"]


def request_problems(name: str, arguments: list[str], role_arn: str, instance_type: str) -> list[str]:
    """What CreateProcessingJob would refuse, in words (empty: fine to send)."""
    problems = []
    if not _NAME.match(name):
        problems.append(f"job name {name!r}: 1-63 letters, digits and hyphens, starting with a letter or digit")
    if not role_arn.startswith("arn:"):
        problems.append(
            "a role ARN is required: SageMaker assumes it to run the job (--role, or [launch] sagemaker_role_arn)"
        )
    if not instance_type.startswith("ml."):
        problems.append(f"instance type {instance_type!r}: processing instance types start with 'ml.'")
    for arg in arguments:
        if len(arg) > MAX_ARGUMENT:
            problems.append(
                f"a container argument is {len(arg)} characters; SageMaker Processing accepts at most {MAX_ARGUMENT} "
                f"per argument (ContainerArgument): {arg[:40]}… (use a shorter URL, or launch on Batch)"
            )
    return problems


def processing_job_kwargs(
    name: str,
    image: str,
    role_arn: str,
    instance_type: str,
    arguments: list[str],
    *,
    tags: dict[str, str] | None = None,
    volume_gb: int = VOLUME_GB,
    max_runtime_s: int = MAX_RUNTIME_S,
) -> dict[str, Any]:
    request: dict[str, Any] = {
        "ProcessingJobName": name,
        "RoleArn": role_arn,
        "AppSpecification": {
            "ImageUri": image,
            "ContainerEntrypoint": list(ENTRYPOINT),
            "ContainerArguments": list(arguments),
        },
        "ProcessingResources": {
            "ClusterConfig": {"InstanceCount": 1, "InstanceType": instance_type, "VolumeSizeInGB": volume_gb}
        },
        "StoppingCondition": {"MaxRuntimeInSeconds": max_runtime_s},
        "Environment": dict(ENVIRONMENT),
    }
    if tags:
        request["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
    return request


def stop_processing_kwargs(name: str) -> dict[str, Any]:
    return {"ProcessingJobName": name}


def processing_from_api(d: dict[str, Any]) -> ProcessingJob:
    cluster = (d.get("ProcessingResources") or {}).get("ClusterConfig") or {}
    app = d.get("AppSpecification") or {}
    return ProcessingJob(
        name=str(d.get("ProcessingJobName", "")),
        arn=str(d.get("ProcessingJobArn", "")),
        status=str(d.get("ProcessingJobStatus", "")),
        created_at=as_utc(d.get("CreationTime")),
        started_at=as_utc(d.get("ProcessingStartTime")),
        ended_at=as_utc(d.get("ProcessingEndTime")),
        modified_at=as_utc(d.get("LastModifiedTime")),
        instance_type=str(cluster.get("SelectedInstanceType") or cluster.get("InstanceType") or ""),
        instance_count=int(cluster.get("SelectedInstanceCount") or cluster.get("InstanceCount") or 1),
        image=str(app.get("ImageUri", "") or ""),
        arguments=tuple(str(a) for a in app.get("ContainerArguments", []) or ()),
        failure_reason=str(d.get("FailureReason", "") or ""),
        exit_message=str(d.get("ExitMessage", "") or ""),
    )

"""Deploying the bundled container as a SageMaker endpoint: the CreateModel, CreateEndpointConfig and
CreateEndpoint request builders (and the deletes of all three). The only place these SageMaker keys appear.

SageMaker hosting starts the container as `docker run IMAGE serve` and talks HTTP on port 8080 (`GET /ping`,
`POST /invocations`): the image's `serve` mode answers exactly that, so the model is the image and nothing else.
An asynchronous endpoint (`AsyncInferenceConfig`) reads each request from S3 and writes the answer to
`S3OutputPath`; it suits videos that take longer than a real-time invocation may (60 s).
"""

from __future__ import annotations

import re
from typing import Any

ENVIRONMENT = {"YOLO_OFFLINE": "1"}
VARIANT = "AllTraffic"
# ProductionVariant.ContainerStartupHealthCheckTimeoutInSeconds: the model loads before /ping answers 200.
STARTUP_HEALTH_CHECK_S = 600
_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")  # EndpointName / ModelName / EndpointConfigName


def deploy_names(name: str) -> tuple[str, str, str]:
    """(model, endpoint config, endpoint) names of a deployment called `name`: all three start with it."""
    return f"{name}-model", f"{name}-config", name


def name_problem(name: str) -> str | None:
    """Why `name` cannot name the deployment (its model and config add 7 characters); None when it can."""
    if not _NAME.match(name):
        return "1-63 letters, digits and hyphens, starting with a letter or digit"
    if len(name) > 63 - len("-config"):
        return f"at most {63 - len('-config')} characters (the endpoint config is named <name>-config)"
    return None


def create_model_kwargs(model: str, image: str, role_arn: str, tags: dict[str, str] | None = None) -> dict[str, Any]:
    request: dict[str, Any] = {
        "ModelName": model,
        "ExecutionRoleArn": role_arn,
        "PrimaryContainer": {"Image": image, "Mode": "SingleModel", "Environment": dict(ENVIRONMENT)},
    }
    if tags:
        request["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
    return request


def create_endpoint_config_kwargs(
    config: str, model: str, instance_type: str, *, count: int = 1, async_output: str = ""
) -> dict[str, Any]:
    request: dict[str, Any] = {
        "EndpointConfigName": config,
        "ProductionVariants": [
            {
                "VariantName": VARIANT,
                "ModelName": model,
                "InstanceType": instance_type,
                "InitialInstanceCount": count,
                "ContainerStartupHealthCheckTimeoutInSeconds": STARTUP_HEALTH_CHECK_S,
            }
        ],
    }
    if async_output:
        request["AsyncInferenceConfig"] = {
            "OutputConfig": {"S3OutputPath": async_output},
            "ClientConfig": {"MaxConcurrentInvocationsPerInstance": 1},  # one video at a time per GPU
        }
    return request


def create_endpoint_kwargs(endpoint: str, config: str, tags: dict[str, str] | None = None) -> dict[str, Any]:
    request: dict[str, Any] = {"EndpointName": endpoint, "EndpointConfigName": config}
    if tags:
        request["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
    return request


def delete_endpoint_config_kwargs(config: str) -> dict[str, Any]:
    return {"EndpointConfigName": config}


def delete_model_kwargs(model: str) -> dict[str, Any]:
    return {"ModelName": model}


def video_request_body(video_url: str) -> bytes:
    """The JSON the container's serve mode reads from POST /invocations."""
    import json

    return json.dumps({"video_url": video_url}).encode()

"""Deploying the YOLO container as a SageMaker endpoint from :launches (`D`, `hybridml yolo deploy`): CreateModel,
CreateEndpointConfig and CreateEndpoint, sent in that order after one confirm; `i` invokes it with a video URL;
`ctrl+d` deletes all three (typed name). Each call is its own action: audited, refused read-only, sent once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from hybridml.actions.base import Action, ActionSpec, Update, register
from hybridml.actions.sagemaker import InvokeEndpoint
from hybridml.aws.deploy import (
    create_endpoint_config_kwargs,
    create_endpoint_kwargs,
    create_model_kwargs,
    delete_endpoint_config_kwargs,
    delete_model_kwargs,
    deploy_names,
    name_problem,
)
from hybridml.aws.errors import InvalidRequest
from hybridml.aws.sagemaker import SERVICE, delete_endpoint_kwargs

DEPLOY = register(
    ActionSpec(
        "launch.deploy",
        "Deploy",
        key="D",
        views=("launches",),
        help="deploy the YOLO container as a SageMaker endpoint (model, endpoint config, endpoint; confirm first), "
        "then wait for InService",
    )
)
INVOKE = register(
    ActionSpec(
        "launch.invoke",
        "Invoke",
        key="i",
        views=("launches",),
        help="send a video URL to a deployed YOLO endpoint: the answer is a run, compared with the others (C)",
    )
)
UNDEPLOY = register(
    ActionSpec(
        "launch.undeploy",
        "Undeploy",
        key="ctrl+d",
        views=("launches",),
        help="delete a deployed YOLO endpoint, its endpoint config and its model (type its name)",
        show=False,
    )
)
CREATE_MODEL = register(ActionSpec("launch.sagemaker.create-model", "CreateModel of the YOLO image (launch.deploy)"))
CREATE_CONFIG = register(
    ActionSpec("launch.sagemaker.create-endpoint-config", "CreateEndpointConfig of a deployment (launch.deploy)")
)
CREATE_ENDPOINT = register(ActionSpec("launch.sagemaker.create-endpoint", "CreateEndpoint (sent by launch.deploy)"))
INVOKE_VIDEO = register(ActionSpec("launch.sagemaker.invoke", "InvokeEndpoint with a video URL (launch.invoke)"))
DELETE_ENDPOINT = register(ActionSpec("launch.sagemaker.delete-endpoint", "DeleteEndpoint (sent by launch.undeploy)"))
DELETE_CONFIG = register(
    ActionSpec("launch.sagemaker.delete-endpoint-config", "DeleteEndpointConfig (sent by launch.undeploy)")
)
DELETE_MODEL = register(ActionSpec("launch.sagemaker.delete-model", "DeleteModel (sent by launch.undeploy)"))


def _check_name(name: str) -> None:
    problem = name_problem(name)
    if problem:
        raise InvalidRequest(f"deployment name {name!r}: {problem}", service=SERVICE)


@dataclass(frozen=True)
class CreateModel(Action[str]):
    """The model: the image (which serves /ping and /invocations itself) and the role SageMaker pulls it with."""

    deployment: str
    image: str
    role_arn: str
    tags: tuple[tuple[str, str], ...] = field(default=())

    spec: ClassVar[ActionSpec] = CREATE_MODEL
    service: ClassVar[str] = SERVICE
    operation: ClassVar[str] = "CreateModel"

    @property
    def target(self) -> str:
        return deploy_names(self.deployment)[0]

    def request(self) -> dict[str, Any]:
        return create_model_kwargs(self.target, self.image, self.role_arn, dict(self.tags))

    def validate(self) -> None:
        _check_name(self.deployment)
        if not self.role_arn.startswith("arn:"):
            raise InvalidRequest(
                "a role ARN is required: SageMaker assumes it to pull the image "
                "(--role, or [launch] sagemaker_role_arn)",
                service=SERVICE,
            )

    def confirm_text(self) -> str:
        return f"model {self.target}: image {self.image}, role {self.role_arn}"

    def outcome(self, response: dict[str, Any]) -> str:
        return str(response.get("ModelArn", ""))


@dataclass(frozen=True)
class CreateEndpointConfig(Action[str]):
    deployment: str
    instance_type: str
    count: int = 1
    async_output: str = ""  # an s3:// prefix: an asynchronous endpoint

    spec: ClassVar[ActionSpec] = CREATE_CONFIG
    service: ClassVar[str] = SERVICE
    operation: ClassVar[str] = "CreateEndpointConfig"

    @property
    def target(self) -> str:
        return deploy_names(self.deployment)[1]

    def request(self) -> dict[str, Any]:
        model = deploy_names(self.deployment)[0]
        return create_endpoint_config_kwargs(
            self.target, model, self.instance_type, count=self.count, async_output=self.async_output
        )

    def validate(self) -> None:
        _check_name(self.deployment)
        if not self.instance_type.startswith("ml."):
            raise InvalidRequest(f"instance type {self.instance_type!r}: hosting instance types start with 'ml.'")
        if self.count < 1:
            raise InvalidRequest("an endpoint needs at least 1 instance")
        if self.async_output and not self.async_output.startswith("s3://"):
            raise InvalidRequest(f"the async output location must be an s3:// URI (got {self.async_output!r})")

    def confirm_text(self) -> str:
        mode = f"asynchronous, answers to {self.async_output}" if self.async_output else "real-time"
        return f"endpoint config {self.target}: {self.count} x {self.instance_type}, {mode}"

    def outcome(self, response: dict[str, Any]) -> str:
        return str(response.get("EndpointConfigArn", ""))


@dataclass(frozen=True)
class CreateEndpoint(Action[str]):
    deployment: str
    tags: tuple[tuple[str, str], ...] = field(default=())

    spec: ClassVar[ActionSpec] = CREATE_ENDPOINT
    service: ClassVar[str] = SERVICE
    operation: ClassVar[str] = "CreateEndpoint"
    invalidates: ClassVar[tuple[str, ...]] = ("sagemaker.endpoints",)

    @property
    def target(self) -> str:
        return deploy_names(self.deployment)[2]

    def request(self) -> dict[str, Any]:
        return create_endpoint_kwargs(self.target, deploy_names(self.deployment)[1], dict(self.tags))

    def validate(self) -> None:
        _check_name(self.deployment)

    def confirm_text(self) -> str:
        return f"endpoint {self.target}: Creating, then InService once the container answers /ping (minutes)"

    def outcome(self, response: dict[str, Any]) -> str:
        return str(response.get("EndpointArn", ""))


@dataclass(frozen=True)
class InvokeWithVideo(InvokeEndpoint):
    """InvokeEndpoint with `{"video_url": ...}`: the container analyses the video and answers with its report."""

    spec: ClassVar[ActionSpec] = INVOKE_VIDEO


@dataclass(frozen=True)
class DeleteDeployedEndpoint(Update):
    deployment: str

    spec: ClassVar[ActionSpec] = DELETE_ENDPOINT
    service: ClassVar[str] = SERVICE
    operation: ClassVar[str] = "DeleteEndpoint"
    invalidates: ClassVar[tuple[str, ...]] = ("sagemaker.endpoints",)

    @property
    def target(self) -> str:
        return deploy_names(self.deployment)[2]

    def request(self) -> dict[str, Any]:
        return delete_endpoint_kwargs(self.target)

    def missing(self) -> str:
        return f"endpoint {self.target}"

    def confirm_text(self) -> str:
        return f"endpoint {self.target}: deleted (its instances stop billing; requests to it fail from now on)"


@dataclass(frozen=True)
class DeleteEndpointConfig(Update):
    deployment: str

    spec: ClassVar[ActionSpec] = DELETE_CONFIG
    service: ClassVar[str] = SERVICE
    operation: ClassVar[str] = "DeleteEndpointConfig"

    @property
    def target(self) -> str:
        return deploy_names(self.deployment)[1]

    def request(self) -> dict[str, Any]:
        return delete_endpoint_config_kwargs(self.target)

    def missing(self) -> str:
        return f"endpoint configuration {self.target}"

    def confirm_text(self) -> str:
        return f"endpoint config {self.target}: deleted"


@dataclass(frozen=True)
class DeleteModel(Update):
    deployment: str

    spec: ClassVar[ActionSpec] = DELETE_MODEL
    service: ClassVar[str] = SERVICE
    operation: ClassVar[str] = "DeleteModel"

    @property
    def target(self) -> str:
        return deploy_names(self.deployment)[0]

    def request(self) -> dict[str, Any]:
        return delete_model_kwargs(self.target)

    def missing(self) -> str:
        return f"model {self.target}"

    def confirm_text(self) -> str:
        return f"model {self.target}: deleted (the image in ECR is kept)"


def deploy_actions(
    deployment: str, image: str, role_arn: str, instance_type: str, *, async_output: str = "", count: int = 1
) -> list[Action[str]]:
    """The three calls of a deployment, in the order they must be sent."""
    tags = (("hybridml:deployment", deployment),)
    actions: list[Action[str]] = [
        CreateModel(deployment, image, role_arn, tags),
        CreateEndpointConfig(deployment, instance_type, count, async_output),
        CreateEndpoint(deployment, tags),
    ]
    for action in actions:
        action.validate()
    return actions


def undeploy_actions(deployment: str) -> list[Action[None]]:
    """Endpoint first (a config in use must not be deleted), then its config, then the model."""
    return [DeleteDeployedEndpoint(deployment), DeleteEndpointConfig(deployment), DeleteModel(deployment)]

"""SageMaker actions: scale an endpoint variant (autoscaling bounds and instance count), invoke, update and delete
an endpoint; stop and clone a training job."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from hybridml.actions.base import Action, ActionSpec, Readers, Runner, Update, register
from hybridml.actions.batch import before_after
from hybridml.aws import mutations
from hybridml.aws.errors import AwsError, InvalidRequest, with_message
from hybridml.aws.sagemaker import (
    AUTOSCALING,
    SERVICE,
    capacity_kwargs,
    delete_endpoint_kwargs,
    invocation_from_api,
    invoke_kwargs,
    scalable_target_kwargs,
    update_endpoint_kwargs,
)
from hybridml.aws.sagemaker_training import (
    clone_request,
    clone_summary,
    stop_training_kwargs,
    valid_job_name,
)
from hybridml.aws.session import AwsSession
from hybridml.config import TrainingTemplate
from hybridml.domain.sagemaker import Endpoint, EndpointVariant, Invocation, ScaleRequest, TrainingJob
from hybridml.payload import MAX_PAYLOAD

ENDPOINT_VIEWS = ("endpoints", "endpoint-detail")
TRAINING_VIEWS = ("training", "training-detail")

SCALE = register(
    ActionSpec(
        "sagemaker.endpoint.scale",
        "Scale",
        key="s",
        views=ENDPOINT_VIEWS,
        help="endpoint variant: instance count and/or autoscaling min/max (confirm, then waits for InService)",
    )
)
AUTOSCALE = register(
    ActionSpec(
        "sagemaker.endpoint.autoscaling",
        "RegisterScalableTarget: a variant's autoscaling min/max (sent by sagemaker.endpoint.scale)",
    )
)
INVOKE = register(
    ActionSpec(
        "sagemaker.endpoint.invoke",
        "Invoke",
        key="i",
        views=ENDPOINT_VIEWS,
        help="invoke: a JSON/text payload or a file (at most 6 MiB); body, content type and latency (ctrl+s sends)",
    )
)
DELETE = register(
    ActionSpec(
        "sagemaker.endpoint.delete",
        "Delete",
        key="ctrl+k",
        views=ENDPOINT_VIEWS,
        help="delete the endpoint (type its name to confirm)",
    )
)
UPDATE = register(ActionSpec("sagemaker.endpoint.update", "UpdateEndpoint: switch an endpoint to another config"))
TRAINING_STOP = register(
    ActionSpec("sagemaker.training.stop", "Stop", key="ctrl+k", views=TRAINING_VIEWS, help="stop an InProgress job")
)
TRAINING_CLONE = register(
    ActionSpec(
        "sagemaker.training.clone",
        "Clone",
        key="c",
        views=TRAINING_VIEWS,
        help="clone into a new training job (optional [sagemaker.training_templates] template)",
    )
)


def _not_serverless(endpoint: Endpoint, variant: EndpointVariant) -> None:
    """ProductionVariant.ServerlessConfig "Specifies a serverless endpoint configuration instead of an
    instance-based endpoint configuration": a serverless variant has no instance count or autoscaling target."""
    if variant.serverless:
        raise InvalidRequest(
            f"{endpoint.name}/{variant.name} is serverless: it has no instances to scale (its capacity is the "
            "endpoint config's ServerlessConfig: memory and max concurrency); deploy a new endpoint config instead",
            service=SERVICE,
        )


@dataclass(frozen=True)
class UpdateCapacity(Update):
    """UpdateEndpointWeightsAndCapacities for one variant's instance count."""

    endpoint: Endpoint
    variant: str
    desired: int

    spec: ClassVar[ActionSpec] = SCALE
    service: ClassVar[str] = SERVICE
    operation: ClassVar[str] = "UpdateEndpointWeightsAndCapacities"
    invalidates: ClassVar[tuple[str, ...]] = ("sagemaker.endpoints",)

    @property
    def target(self) -> str:
        return self.endpoint.name

    def request(self) -> dict[str, Any]:
        return capacity_kwargs(self.endpoint.name, self.variant, self.desired)

    def missing(self) -> str:
        return f"endpoint {self.endpoint.name}"

    def validate(self) -> None:
        variant = self.endpoint.variant(self.variant)
        if variant is None:
            raise InvalidRequest(f"endpoint {self.endpoint.name} has no variant {self.variant!r}", service=SERVICE)
        _not_serverless(self.endpoint, variant)
        if self.endpoint.status != "InService":
            raise InvalidRequest(
                f"endpoint {self.endpoint.name} is {self.endpoint.status}: it can be scaled once it is InService",
                service=SERVICE,
            )

    def confirm_text(self) -> str:
        v = self.endpoint.variant(self.variant)
        before = "-" if v is None or v.desired_instance_count is None else v.desired_instance_count
        return before_after(f"{self.variant} instances", before, self.desired)


@dataclass(frozen=True)
class RegisterScalableTarget(Update):
    """Application Auto Scaling bounds of one variant (creates or updates the scalable target)."""

    endpoint: Endpoint
    variant: str
    lo: int
    hi: int

    spec: ClassVar[ActionSpec] = AUTOSCALE
    service: ClassVar[str] = AUTOSCALING
    operation: ClassVar[str] = "RegisterScalableTarget"
    invalidates: ClassVar[tuple[str, ...]] = ("sagemaker.endpoints",)

    @property
    def target(self) -> str:
        return self.endpoint.name

    def request(self) -> dict[str, Any]:
        return scalable_target_kwargs(self.endpoint.name, self.variant, self.lo, self.hi)

    def validate(self) -> None:
        variant = self.endpoint.variant(self.variant)
        if variant is not None:
            _not_serverless(self.endpoint, variant)
        if not 0 <= self.lo <= self.hi:
            raise InvalidRequest(f"autoscaling min ({self.lo}) must be between 0 and max ({self.hi})")

    def confirm_text(self) -> str:
        v = self.endpoint.variant(self.variant)
        return before_after(f"{self.variant} autoscaling", v.autoscaling if v else "-", f"{self.lo}..{self.hi}")


async def scale_actions(readers: Readers, request: ScaleRequest) -> list[Action[None]]:
    """The calls a scale request needs, checked against the live endpoint: the autoscaling bounds first (so the
    new count fits in them), then the instance count; only what changes."""
    endpoint = await readers.sagemaker.endpoint(request.endpoint)
    current = endpoint.variant(request.variant)
    if current is None:
        known = ", ".join(v.name for v in endpoint.variants) or "none"
        raise InvalidRequest(f"endpoint {endpoint.name} has no variant {request.variant!r} (variants: {known})")
    _not_serverless(endpoint, current)
    problems = request.problems(current)
    if problems:
        raise InvalidRequest("; ".join(problems))
    actions: list[Action[None]] = []
    if request.min_capacity is not None or request.max_capacity is not None:
        lo = request.min_capacity if request.min_capacity is not None else current.autoscaling_min
        hi = request.max_capacity if request.max_capacity is not None else current.autoscaling_max
        assert lo is not None and hi is not None  # problems() checked both are known
        actions.append(RegisterScalableTarget(endpoint, current.name, lo, hi))
    if request.desired is not None and request.desired != current.desired_instance_count:
        actions.append(UpdateCapacity(endpoint, current.name, request.desired))
    for action in actions:
        action.validate()
    if not actions:
        raise InvalidRequest("nothing to change: the values are the current ones")
    return actions


async def run_scale(runner: Runner, actions: list[Action[None]]) -> None:
    """Send the steps of a scale in order; when a later one fails, its error says what was already set."""
    done: list[str] = []
    for action in actions:
        try:
            await runner.run(action)
        except AwsError as exc:
            if not done:
                raise
            raise with_message(exc, f"{exc.message} ({'; '.join(done)})") from exc
        if isinstance(action, RegisterScalableTarget):
            done.append(f"the autoscaling bounds were already set to {action.lo}..{action.hi}")


@dataclass(frozen=True)
class UpdateEndpoint(Update):
    endpoint: str
    config_name: str

    spec: ClassVar[ActionSpec] = UPDATE
    service: ClassVar[str] = SERVICE
    operation: ClassVar[str] = "UpdateEndpoint"
    invalidates: ClassVar[tuple[str, ...]] = ("sagemaker.endpoints",)

    @property
    def target(self) -> str:
        return self.endpoint

    def request(self) -> dict[str, Any]:
        return update_endpoint_kwargs(self.endpoint, self.config_name)

    def missing(self) -> str:
        return f"endpoint {self.endpoint}"

    def confirm_text(self) -> str:
        return f"switch endpoint {self.endpoint} to endpoint config {self.config_name}"


@dataclass(frozen=True)
class DeleteEndpoint(Update):
    endpoint: Endpoint

    spec: ClassVar[ActionSpec] = DELETE
    service: ClassVar[str] = SERVICE
    operation: ClassVar[str] = "DeleteEndpoint"
    invalidates: ClassVar[tuple[str, ...]] = ("sagemaker.endpoints",)

    @property
    def target(self) -> str:
        return self.endpoint.name

    def request(self) -> dict[str, Any]:
        return delete_endpoint_kwargs(self.endpoint.name)

    def missing(self) -> str:
        return f"endpoint {self.endpoint.name}"

    def confirm_text(self) -> str:
        e = self.endpoint
        return (
            f"status {e.status}, {e.current_instances or 0} instance(s) of {e.instance_type or '-'}\n"
            f"config {e.config_name} and its models are kept.\n\n"
            "Requests to this endpoint fail from now on. This cannot be undone."
        )


@dataclass(frozen=True)
class InvokeEndpoint(Action[Invocation]):
    """InvokeEndpoint once: it may cost money or have side effects, so it is refused read-only and audited."""

    endpoint: str
    body: bytes
    content_type: str
    accept: str = ""

    spec: ClassVar[ActionSpec] = INVOKE
    service: ClassVar[str] = "sagemaker-runtime"
    operation: ClassVar[str] = "InvokeEndpoint"

    @property
    def target(self) -> str:
        return self.endpoint

    def request(self) -> dict[str, Any]:
        return invoke_kwargs(self.endpoint, self.body, self.content_type, self.accept)

    def shown_request(self) -> dict[str, Any]:
        return {**self.request(), "Body": f"<{len(self.body)} bytes>"}

    def validate(self) -> None:
        if not self.body:
            raise InvalidRequest("the payload is empty")
        if len(self.body) > MAX_PAYLOAD:
            raise InvalidRequest(f"the payload is {len(self.body)} bytes; InvokeEndpoint accepts at most {MAX_PAYLOAD}")

    def confirm_text(self) -> str:
        return f"send {len(self.body)} bytes of {self.content_type} to endpoint {self.endpoint}"

    async def send(self, session: AwsSession) -> dict[str, Any]:
        return await mutations.invoke_endpoint(session, self.request())

    def outcome(self, response: dict[str, Any]) -> Invocation:
        return invocation_from_api(self.endpoint, response)


@dataclass(frozen=True)
class StopTrainingJob(Update):
    job: TrainingJob

    spec: ClassVar[ActionSpec] = TRAINING_STOP
    service: ClassVar[str] = SERVICE
    operation: ClassVar[str] = "StopTrainingJob"
    invalidates: ClassVar[tuple[str, ...]] = ("training",)

    @property
    def target(self) -> str:
        return self.job.name

    def request(self) -> dict[str, Any]:
        return stop_training_kwargs(self.job.name)

    def missing(self) -> str:
        return f"training job {self.job.name}"

    def validate(self) -> None:
        if self.job.status != "InProgress":
            raise InvalidRequest(f"{self.job.name} is {self.job.status}: only InProgress jobs can be stopped")

    async def prepare(self, readers: Readers) -> Action[None]:
        return StopTrainingJob(await readers.training.training_job(self.job.name))

    def confirm_text(self) -> str:
        return (
            f"status {self.job.status} ({self.job.secondary_status})  →  Stopping  →  Stopped\n"
            f"on {self.job.instance_count} x {self.job.instance_type}\n\n"
            "SageMaker sends SIGTERM, waits 120 s, then uploads what the job saved to /opt/ml/model."
        )


@dataclass(frozen=True)
class CreateTrainingJob(Action[str]):
    """CreateTrainingJob from another job's spec (plus a template); the outcome is the new job's ARN."""

    source: str
    spec_request: dict[str, Any]

    spec: ClassVar[ActionSpec] = TRAINING_CLONE
    service: ClassVar[str] = SERVICE
    operation: ClassVar[str] = "CreateTrainingJob"
    invalidates: ClassVar[tuple[str, ...]] = ("training",)

    @property
    def target(self) -> str:
        return str(self.spec_request.get("TrainingJobName", ""))

    def request(self) -> dict[str, Any]:
        return dict(self.spec_request)

    def validate(self) -> None:
        problem = valid_job_name(self.target)
        if problem:
            raise InvalidRequest(f"job name {self.target!r}: {problem}")

    def confirm_text(self) -> str:
        summary = clone_summary(self.spec_request, self.source)
        return "\n".join(f"{key:<16}{value}" for key, value in summary.items())

    def outcome(self, response: dict[str, Any]) -> str:
        return str(response.get("TrainingJobArn", ""))


async def clone_training(
    readers: Readers, source: str, new_name: str, template: TrainingTemplate | None = None
) -> CreateTrainingJob:
    """The CreateTrainingJob that reruns `source` (its DescribeTrainingJob, with the template's overrides)."""
    problem = valid_job_name(new_name)
    if problem:
        raise InvalidRequest(f"job name {new_name!r}: {problem}")
    described = await readers.training.source_spec(source)
    return CreateTrainingJob(source, clone_request(described, new_name, template))

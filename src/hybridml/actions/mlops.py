"""SageMaker MLOps actions: stop a hyperparameter tuning job, approve / reject a model package version, shift an
endpoint's A/B traffic weights, stop a notebook instance or a Studio app."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar

from hybridml.actions.base import Action, ActionSpec, Readers, Update, register
from hybridml.actions.sagemaker import ENDPOINT_VIEWS
from hybridml.aws.errors import InvalidRequest
from hybridml.aws.notebooks import app_kwargs, stop_instance_kwargs, what
from hybridml.aws.registry import approval_kwargs
from hybridml.aws.sagemaker_common import SERVICE
from hybridml.aws.traffic import weights_kwargs
from hybridml.aws.tuning import stop_tuning_kwargs
from hybridml.domain.notebooks import STUDIO, Notebook
from hybridml.domain.registry import ApprovalRequest, ModelPackage
from hybridml.domain.sagemaker import Endpoint
from hybridml.domain.traffic import WeightRequest, shares
from hybridml.domain.tuning import TuningJob

TUNING_VIEWS = ("tuning", "tuning-detail")
VERSION_VIEWS = ("versions",)
NOTEBOOK_VIEWS = ("notebooks",)

TUNING_STOP = register(
    ActionSpec(
        "sagemaker.tuning.stop",
        "Stop",
        key="ctrl+k",
        views=TUNING_VIEWS,
        help="stop an InProgress tuning job and the training jobs it is running (confirm)",
    )
)
MODEL_APPROVE = register(
    ActionSpec(
        "sagemaker.model_package.approve",
        "Approve",
        key="a",
        views=VERSION_VIEWS,
        help="approve the selected model version (UpdateModelPackage, confirm)",
    )
)
MODEL_REJECT = register(
    ActionSpec(
        "sagemaker.model_package.reject",
        "Reject",
        key="x",
        views=VERSION_VIEWS,
        help="reject the selected model version (asks a reason, sent as ApprovalDescription)",
    )
)
WEIGHTS = register(
    ActionSpec(
        "sagemaker.endpoint.weights",
        "Weights",
        key="w",
        views=ENDPOINT_VIEWS,
        help="shift A/B traffic between the endpoint's variants (weights before → after, then waits for InService)",
    )
)
NOTEBOOK_STOP = register(
    ActionSpec(
        "sagemaker.notebook.stop",
        "Stop",
        key="ctrl+k",
        views=NOTEBOOK_VIEWS,
        help="stop a notebook instance (StopNotebookInstance) or a Studio app (DeleteApp), with confirm",
    )
)


# -- tuning -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StopTuningJob(Update):
    job: TuningJob

    spec: ClassVar[ActionSpec] = TUNING_STOP
    service: ClassVar[str] = SERVICE
    operation: ClassVar[str] = "StopHyperParameterTuningJob"
    invalidates: ClassVar[tuple[str, ...]] = ("tuning",)

    @property
    def target(self) -> str:
        return self.job.name

    def request(self) -> dict[str, Any]:
        return stop_tuning_kwargs(self.job.name)

    def missing(self) -> str:
        return f"tuning job {self.job.name}"

    def validate(self) -> None:
        if self.job.status != "InProgress":
            raise InvalidRequest(f"{self.job.name} is {self.job.status}: only an InProgress tuning job can be stopped")

    async def prepare(self, readers: Readers) -> Action[None]:
        return StopTuningJob(await readers.tuning.tuning_job(self.job.name))

    def confirm_text(self) -> str:
        j = self.job
        return (
            f"status         {j.status}  →  Stopping  →  Stopped\n"
            f"training jobs  {j.completed} completed, {j.in_progress} running, {j.failed} failed\n\n"
            "StopHyperParameterTuningJob stops the tuning job and every training job it launched that is still "
            "running; their model artifacts and logs are kept. A stopped tuning job cannot be resumed."
        )


# -- model registry ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SetModelApproval(Update):
    """UpdateModelPackage's ModelApprovalStatus of one version (the subclasses say which)."""

    package: ModelPackage
    description: str = ""  # ApprovalDescription

    approval: ClassVar[str]
    service: ClassVar[str] = SERVICE
    operation: ClassVar[str] = "UpdateModelPackage"

    @property
    def target(self) -> str:
        return self.package.arn

    def subject(self) -> str:
        return self.package.label

    def request(self) -> dict[str, Any]:
        return approval_kwargs(self.package.arn, self.approval, self.description)

    def missing(self) -> str:
        return f"model package {self.package.arn}"

    def validate(self) -> None:
        problems = ApprovalRequest(self.package, self.approval, self.description).problems()
        if problems:
            raise InvalidRequest("; ".join(problems))

    async def prepare(self, readers: Readers) -> Action[None]:
        """The version as it is now (someone may have approved it since the list was read)."""
        return replace(self, package=await readers.registry.package(self.package.arn))

    def confirm_text(self) -> str:
        return (
            f"approval  {self.package.approval}  →  {self.approval}\n\n"
            "UpdateModelPackage sets ModelApprovalStatus; deployments that follow the registry (an EventBridge rule "
            "or a CI/CD pipeline on approval) may start from this change."
        )


@dataclass(frozen=True)
class ApproveModelPackage(SetModelApproval):
    spec: ClassVar[ActionSpec] = MODEL_APPROVE
    approval: ClassVar[str] = "Approved"


@dataclass(frozen=True)
class RejectModelPackage(SetModelApproval):
    spec: ClassVar[ActionSpec] = MODEL_REJECT
    approval: ClassVar[str] = "Rejected"


def set_approval(package: ModelPackage, approval: str, description: str = "") -> SetModelApproval:
    """The action that sets `package`'s approval to `approval` ("Approved" or "Rejected")."""
    if approval == ApproveModelPackage.approval:
        return ApproveModelPackage(package, description)
    if approval == RejectModelPackage.approval:
        return RejectModelPackage(package, description)
    raise InvalidRequest(f"approval must be Approved or Rejected (got {approval!r})")


# -- A/B traffic ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class UpdateWeights(Update):
    """UpdateEndpointWeightsAndCapacities with new DesiredWeight values; the endpoint is then Updating until the
    new split applies (the caller waits for InService)."""

    endpoint: Endpoint
    weights: tuple[tuple[str, float], ...]

    spec: ClassVar[ActionSpec] = WEIGHTS
    service: ClassVar[str] = SERVICE
    operation: ClassVar[str] = "UpdateEndpointWeightsAndCapacities"
    invalidates: ClassVar[tuple[str, ...]] = ("sagemaker.endpoints",)

    @property
    def target(self) -> str:
        return self.endpoint.name

    @property
    def weight_request(self) -> WeightRequest:
        return WeightRequest(self.endpoint.name, self.weights)

    def request(self) -> dict[str, Any]:
        return weights_kwargs(self.endpoint.name, self.weights)

    def missing(self) -> str:
        return f"endpoint {self.endpoint.name}"

    def validate(self) -> None:
        problems = self.weight_request.problems(self.endpoint)
        if problems:
            raise InvalidRequest("; ".join(problems))

    async def prepare(self, readers: Readers) -> Action[None]:
        """Checked against the endpoint as it is now (another update may be under way)."""
        return replace(self, endpoint=await readers.sagemaker.endpoint(self.endpoint.name))

    def before(self) -> dict[str, float]:
        return {v.name: v.current_weight or 0.0 for v in self.endpoint.variants}

    def after(self) -> dict[str, float]:
        return self.weight_request.after(self.endpoint)

    def confirm_text(self) -> str:
        before, after = self.before(), self.after()
        share_before, share_after = shares(before), shares(after)
        width = max((len(name) for name in before), default=7)
        return "\n".join(
            f"{name:<{width}}  {before[name]:g} ({share_before[name]:.0%})  →  "
            f"{after[name]:g} ({share_after[name]:.0%})"
            for name in before
        )


async def shift_weights(readers: Readers, endpoint: str, weights: tuple[tuple[str, float], ...]) -> UpdateWeights:
    """The weights action for `endpoint` as it is now, checked (only the variants whose weight changes are sent)."""
    current = await readers.sagemaker.endpoint(endpoint)
    now = {v.name: v.current_weight for v in current.variants}
    changed = tuple((name, w) for name, w in weights if name not in now or now[name] != w)
    action = UpdateWeights(current, changed)
    action.validate()
    return action


# -- notebooks --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _StopNotebook(Update):
    notebook: Notebook

    spec: ClassVar[ActionSpec] = NOTEBOOK_STOP
    service: ClassVar[str] = SERVICE

    @property
    def target(self) -> str:
        return self.notebook.key

    def subject(self) -> str:
        return self.notebook.label

    def missing(self) -> str:
        return what(self.notebook)

    def validate(self) -> None:
        nb = self.notebook
        if not nb.stoppable:
            raise InvalidRequest(f"{nb.label} is {nb.status}: only an InService notebook can be stopped")

    async def prepare(self, readers: Readers) -> Action[None]:
        return replace(self, notebook=await readers.notebooks.notebook(self.notebook))


@dataclass(frozen=True)
class StopNotebookInstance(_StopNotebook):
    operation: ClassVar[str] = "StopNotebookInstance"

    def request(self) -> dict[str, Any]:
        return stop_instance_kwargs(self.notebook.name)

    def confirm_text(self) -> str:
        return (
            f"status   {self.notebook.status}  →  Stopping  →  Stopped\n\n"
            "StopNotebookInstance stops the instance; its ML storage volume is kept and it can be started again. "
            "Unsaved work in open kernels is lost."
        )


@dataclass(frozen=True)
class DeleteStudioApp(_StopNotebook):
    """DeleteApp: "Used to stop and delete an app." The user's home directory (EFS) is kept."""

    operation: ClassVar[str] = "DeleteApp"

    def request(self) -> dict[str, Any]:
        return app_kwargs(self.notebook)

    def confirm_text(self) -> str:
        nb = self.notebook
        return (
            f"status   {nb.status}  →  Deleting  →  Deleted\n\n"
            f"DeleteApp stops the {nb.app_type} app of {nb.owner}; their home directory (EFS) is kept. "
            "Unsaved work in open kernels is lost."
        )


def stop_notebook(nb: Notebook) -> Action[None]:
    """StopNotebookInstance for a notebook instance, DeleteApp for a Studio app."""
    return DeleteStudioApp(nb) if nb.kind == STUDIO else StopNotebookInstance(nb)

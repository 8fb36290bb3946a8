"""What every action is: its registry entry (`ActionSpec`) and the call it makes (`Action`)."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar

from hybridml.audit import redact
from hybridml.aws import mutations

if TYPE_CHECKING:
    from hybridml.aws.batch import BatchService
    from hybridml.aws.notebooks import NotebooksService
    from hybridml.aws.registry import RegistryService
    from hybridml.aws.sagemaker import SageMakerService
    from hybridml.aws.sagemaker_training import TrainingService
    from hybridml.aws.session import AwsSession
    from hybridml.aws.tuning import TuningService

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """One entry of the registry: an id that is also the key binding's id and the audit log's action name.

    `key` empty: no key of its own (a step that another action's flow sends, e.g. registering the YOLO job
    definition before the launch's SubmitJob). `views`: the views (and detail screens) whose key runs it."""

    id: str
    description: str
    key: str = ""
    views: tuple[str, ...] = ()
    refused_read_only: bool = True
    help: str = ""  # one line for `?` and the README; defaults to the description
    show: bool = True  # in the footer

    @property
    def help_text(self) -> str:
        return self.help or self.description


SPECS: dict[str, ActionSpec] = {}


def register(spec: ActionSpec) -> ActionSpec:
    """Add `spec` to the registry (ids are unique)."""
    if spec.id in SPECS:
        raise ValueError(f"action id {spec.id!r} is registered twice")
    SPECS[spec.id] = spec
    return spec


class ReadOnlyRefused(Exception):
    """A mutating action asked for while running with --read-only (the one wording, used everywhere)."""

    def __init__(self, action: str) -> None:
        super().__init__(f"read-only mode: '{action}' was not sent (start without --read-only to allow it)")
        self.action = action


class Readers(Protocol):
    """What an action may read at send time (`prepare`). `Services` is one."""

    @property
    def batch(self) -> BatchService: ...

    @property
    def sagemaker(self) -> SageMakerService: ...

    @property
    def training(self) -> TrainingService: ...

    @property
    def tuning(self) -> TuningService: ...

    @property
    def registry(self) -> RegistryService: ...

    @property
    def notebooks(self) -> NotebooksService: ...


class Runner(Readers, Protocol):
    """What sends actions: `Services` (its `run` is the one mutation path)."""

    async def run(self, action: Action[R]) -> R: ...


class Action(ABC, Generic[R]):
    """One AWS call on one target. Subclasses set `spec`, `service` and `operation` and say what is sent.

    `request()` is the exact keyword arguments of the call: the confirm dialog, `--dry-run` and the audit log
    show it, and `send()` sends exactly it. `validate()` raises `InvalidRequest` for what AWS would refuse, before
    anything is sent. `prepare()` may re-read state at send time and return the action to send instead (a job
    that started since the list was read is terminated, not cancelled). Only `Services.run` sends an action.
    """

    spec: ClassVar[ActionSpec]
    service: ClassVar[str]
    operation: ClassVar[str]
    # what a successful (or possibly successful) call makes stale: "batch.jobs", "sagemaker.endpoints", "training",
    # "tuning"
    invalidates: ClassVar[tuple[str, ...]] = ()

    @property
    @abstractmethod
    def target(self) -> str:
        """The resource acted on (a name or an id), as the audit log records it."""

    @abstractmethod
    def request(self) -> dict[str, Any]:
        """The exact keyword arguments of the call."""

    @abstractmethod
    def confirm_text(self) -> str:
        """What will happen, in words (before -> after), for the confirm dialog."""

    @abstractmethod
    def outcome(self, response: dict[str, Any]) -> R:
        """What the caller gets from AWS's answer."""

    def shown_request(self) -> dict[str, Any]:
        """The request as dialogs and the audit log show it (an invoke's body becomes its size)."""
        return self.request()

    def validate(self) -> None:
        """Raise `InvalidRequest` when AWS would refuse the request (nothing is sent then)."""

    def subject(self) -> str:
        """How messages name what the action is about (default: the target)."""
        return self.target

    def missing(self) -> str:
        """What a 'could not find' answer is about (SageMaker answers those as ValidationException)."""
        return ""

    async def prepare(self, readers: Readers) -> Action[R]:
        """Re-read what the request depends on, just before it is sent; the action to send."""
        return self

    async def send(self, session: AwsSession) -> dict[str, Any]:
        return await mutations.send(session, self.service, self.operation, self.request(), missing=self.missing())

    def call_text(self) -> str:
        """`SubmitJob {...}`: the call as it will be sent (secrets shown as ***), for dialogs and dry runs."""
        body = json.dumps(redact(self.shown_request()), indent=2, sort_keys=True, default=str)
        return f"{self.operation} {body}"

    def fingerprint(self) -> str:
        """Equal for two actions that would send the same request (secrets redacted, as in the audit log)."""
        return f"{self.spec.id} {json.dumps(redact(self.shown_request()), sort_keys=True, default=str)}"


class Update(Action[None]):
    """An action whose answer carries nothing the caller needs (an update, a delete)."""

    def outcome(self, response: dict[str, Any]) -> None:
        return None

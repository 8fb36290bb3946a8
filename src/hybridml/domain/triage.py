"""Triage results and the cross-service workload row, as frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum


class Severity(IntEnum):
    """Ordered: a higher value is worse (sorting `reverse=True` puts the worst first)."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()


class ResourceKind:
    """The kinds of resource a finding (or a workload) can be about."""

    JOB = "job"
    QUEUE = "queue"
    COMPUTE_ENVIRONMENT = "ce"
    ENDPOINT = "endpoint"
    TRAINING_JOB = "training"
    PIPELINE = "pipeline"
    TUNING_JOB = "tuning"
    MONITOR = "monitor"
    NOTEBOOK = "notebook"


class ActionKind:
    """What the app can do about a finding (each is one action of `hybridml.actions`; see `actions/remedies.py`)."""

    ENABLE_COMPUTE_ENVIRONMENT = "enable_compute_environment"
    ENABLE_JOB_QUEUE = "enable_job_queue"
    RAISE_MAX_VCPUS = "raise_max_vcpus"
    CANCEL_JOB = "cancel_job"


@dataclass(frozen=True, slots=True)
class FindingAction:
    """A one-key fix: `kind` on `target` (a name or id), with its parameters."""

    kind: str
    target: str
    label: str  # e.g. "raise maxvCpus of gpu-ondemand 256 -> 384"
    params: tuple[tuple[str, str], ...] = ()
    before: str = ""  # shown in the confirm dialog
    after: str = ""

    def param(self, key: str, default: str = "") -> str:
        return dict(self.params).get(key, default)


@dataclass(frozen=True, slots=True)
class Finding:
    """One reason why a workload is stuck or broken, with what was read and how to fix it."""

    severity: Severity
    cause: str  # a stable code, e.g. "CE_INVALID", "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"
    resource_kind: str  # ResourceKind
    resource_id: str  # job id, endpoint name, ...
    resource_name: str
    summary: str  # plain language: what is wrong
    fix: str  # what to do
    evidence: tuple[tuple[str, str], ...] = ()  # the fields read, as key/value pairs
    action: FindingAction | None = None
    related: tuple[str, ...] = ()  # other resources involved ("queue gpu-legacy", "ce gpu-p4-legacy")

    @property
    def key(self) -> str:
        """Unique per (resource, cause): stable across refreshes."""
        return f"{self.resource_kind}/{self.resource_id}/{self.cause}"


@dataclass(frozen=True, slots=True)
class Workload:
    """One row of `:all`: a Batch job, a SageMaker endpoint or a training job."""

    kind: str  # ResourceKind.JOB | ENDPOINT | TRAINING_JOB
    ident: str  # job id / endpoint name / training job name
    name: str
    status: str
    created_at: datetime | None
    where: str  # queue (and CEs) / endpoint variant / training cluster
    instance_type: str
    detail: str = ""  # status reason, secondary status, failure reason
    active: bool = True  # not finished
    instance_known: bool = True  # False: `instance_type` lists what the job's compute environments may launch
    hourly: float | None = None  # USD per hour for the instances it runs on now (None: not running, or no price)

    @property
    def key(self) -> str:
        return f"{self.kind}/{self.ident}"

    def age_s(self, now: datetime) -> float | None:
        return None if self.created_at is None else (now - self.created_at).total_seconds()


@dataclass(frozen=True, slots=True)
class PaneAccess:
    """Whether the credentials can read one pane (service): checked once at start-up."""

    service: str
    allowed: bool | None  # None: could not tell (unreachable, not implemented)
    permission: str  # the IAM action the probe used, e.g. "sagemaker:ListEndpoints"
    message: str = ""

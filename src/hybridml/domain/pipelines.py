"""SageMaker Pipelines: pipelines, their executions and the steps of an execution."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hybridml.domain.logs import LogSource

# PipelineExecutionStatus: Executing | Stopping | Stopped | Failed | Succeeded | CompletedWithFailures
EXECUTION_FINISHED = ("Stopped", "Failed", "Succeeded", "CompletedWithFailures")
EXECUTION_FAILED = ("Failed", "CompletedWithFailures")
# StepStatus: Starting | Executing | Stopping | Stopped | Failed | Succeeded
STEP_FINISHED = ("Stopped", "Failed", "Succeeded")


@dataclass(frozen=True, slots=True)
class StepJob:
    """The SageMaker resource a step ran (from the step's Metadata): kind is the Metadata key in lower case
    with "job" dropped ("training", "processing", "transform", "tuning", "model", "registermodel", ...)."""

    kind: str
    name: str
    arn: str = ""

    @property
    def log_source(self) -> LogSource | None:
        if self.kind == "training":
            return LogSource.training_job(self.name)
        if self.kind == "processing":
            return LogSource.processing_job(self.name)
        return None


@dataclass(frozen=True, slots=True)
class PipelineStep:
    name: str
    status: str
    started_at: datetime | None = None
    ended_at: datetime | None = None
    display_name: str = ""
    failure_reason: str = ""
    attempts: int | None = None
    job: StepJob | None = None
    cache_hit: bool = False
    detail: str = ""  # e.g. a Condition step's outcome, a Fail step's error message

    @property
    def finished(self) -> bool:
        return self.status in STEP_FINISHED

    def duration_s(self, now: datetime) -> float | None:
        if self.started_at is None:
            return None
        return max(0.0, ((self.ended_at or now) - self.started_at).total_seconds())


@dataclass(frozen=True, slots=True)
class PipelineExecution:
    arn: str
    pipeline: str
    status: str
    started_at: datetime | None
    display_name: str = ""
    failure_reason: str = ""
    ended_at: datetime | None = None  # LastModifiedTime of a finished execution (from its describe)
    failed_step: str = ""  # the first step that failed ("" when none, or not read)

    @property
    def execution_id(self) -> str:
        return self.arn.rsplit("/", 1)[-1]

    @property
    def finished(self) -> bool:
        return self.status in EXECUTION_FINISHED

    @property
    def failed(self) -> bool:
        return self.status in EXECUTION_FAILED

    def duration_s(self, now: datetime) -> float | None:
        if self.started_at is None:
            return None
        end = self.ended_at if self.finished else now
        return None if end is None else max(0.0, (end - self.started_at).total_seconds())


@dataclass(frozen=True, slots=True)
class Pipeline:
    name: str
    arn: str
    created_at: datetime | None
    modified_at: datetime | None = None
    last_run_at: datetime | None = None
    display_name: str = ""
    description: str = ""
    latest: PipelineExecution | None = None  # the newest execution, when read


@dataclass(frozen=True, slots=True)
class ExecutionDiagnosis:
    """Why an execution failed: its first failed step (by start time) and that step's reason and job."""

    execution: PipelineExecution
    steps: tuple[PipelineStep, ...]
    failed_step: PipelineStep | None

    @property
    def reason(self) -> str:
        if self.failed_step is not None and self.failed_step.failure_reason:
            return self.failed_step.failure_reason
        return self.execution.failure_reason


def first_failed(steps: tuple[PipelineStep, ...] | list[PipelineStep]) -> PipelineStep | None:
    """The earliest-started failed step (steps are listed newest first by the API)."""
    failed = [s for s in steps if s.status == "Failed"]
    if not failed:
        return None
    return min(failed, key=lambda s: s.started_at.timestamp() if s.started_at else float("inf"))

"""SageMaker Model Monitor: monitoring schedules, their executions and constraint violations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# ExecutionStatus: Pending | Completed | CompletedWithViolations | InProgress | Failed | Stopping | Stopped
EXECUTION_FINISHED = ("Completed", "CompletedWithViolations", "Failed", "Stopped")
VIOLATIONS_FILE = "constraint_violations.json"


@dataclass(frozen=True, slots=True)
class MonitoringExecution:
    schedule: str
    status: str
    scheduled_at: datetime | None
    created_at: datetime | None = None
    modified_at: datetime | None = None
    processing_job_arn: str = ""
    endpoint: str = ""
    monitoring_type: str = ""
    failure_reason: str = ""
    violations: int | None = None  # from the processing job's ExitMessage; None when not read or not told

    @property
    def processing_job(self) -> str:
        return self.processing_job_arn.rsplit("/", 1)[-1] if self.processing_job_arn else ""

    @property
    def finished(self) -> bool:
        return self.status in EXECUTION_FINISHED

    @property
    def key(self) -> str:
        return self.processing_job_arn or f"{self.schedule}@{self.scheduled_at}"


@dataclass(frozen=True, slots=True)
class MonitoringSchedule:
    name: str
    arn: str
    status: str  # Pending | Failed | Scheduled | Stopped
    endpoint: str
    monitoring_type: str = ""
    created_at: datetime | None = None
    modified_at: datetime | None = None
    schedule_expression: str = ""
    job_definition: str = ""
    failure_reason: str = ""
    last: MonitoringExecution | None = None

    @property
    def violating(self) -> bool:
        return self.last is not None and self.last.status == "CompletedWithViolations"

    @property
    def failing(self) -> bool:
        """The schedule itself failed, or its latest execution did."""
        return self.status == "Failed" or (self.last is not None and self.last.status == "Failed")


@dataclass(frozen=True, slots=True)
class Violation:
    feature: str
    check_type: str
    description: str


@dataclass(frozen=True, slots=True)
class ViolationReport:
    """The constraint violations report of one execution (`constraint_violations.json` in its S3 output)."""

    location: str  # s3://bucket/key of the report ("" when the execution has no output)
    violations: tuple[Violation, ...] = ()
    total: int = 0
    error: str = ""  # why the report could not be read (no permission, missing, malformed)

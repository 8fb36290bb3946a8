"""A SageMaker processing job, as the YOLO launch reads it (DescribeProcessingJob)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

PROCESSING_FINAL = ("Completed", "Failed", "Stopped")


@dataclass(frozen=True, slots=True)
class ProcessingJob:
    name: str
    arn: str
    status: str  # InProgress | Completed | Failed | Stopping | Stopped
    created_at: datetime | None
    started_at: datetime | None = None  # ProcessingStartTime: the container started
    ended_at: datetime | None = None  # ProcessingEndTime
    modified_at: datetime | None = None
    instance_type: str = ""
    instance_count: int = 1
    image: str = ""
    arguments: tuple[str, ...] = ()
    failure_reason: str = ""
    exit_message: str = ""

    @property
    def is_final(self) -> bool:
        return self.status in PROCESSING_FINAL

    @property
    def run_s(self) -> float | None:
        """Seconds from the container's start to the job's end (None until both are known)."""
        if self.started_at is None or self.ended_at is None:
            return None
        return max(0.0, (self.ended_at - self.started_at).total_seconds())

    @property
    def log_group(self) -> str:
        return "/aws/sagemaker/ProcessingJobs"

    @property
    def log_stream_prefix(self) -> str:
        """The job's streams in `log_group`: `<job name>/algo-<n>-<epoch>`."""
        return f"{self.name}/"

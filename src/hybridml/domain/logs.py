"""CloudWatch Logs: events, what to follow (a `LogSource`) and where its lines live (`LogStreamRef`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

BATCH_LOG_GROUP = "/aws/batch/job"
TRAINING_LOG_GROUP = "/aws/sagemaker/TrainingJobs"
PROCESSING_LOG_GROUP = "/aws/sagemaker/ProcessingJobs"


def endpoint_log_group(name: str) -> str:
    return f"/aws/sagemaker/Endpoints/{name}"


@dataclass(frozen=True, slots=True)
class LogEvent:
    timestamp_ms: int
    message: str
    stream: str = ""
    ingestion_ms: int = 0
    event_id: str = ""
    label: str = ""  # short tag of the source stream when several are merged ("attempt 2", "[3]")


class LogSourceKind(StrEnum):
    BATCH_JOB = "batch"
    TRAINING_JOB = "training"
    ENDPOINT = "endpoint"
    LAUNCH_OUTPUT = "launch"  # a local launch's captured output (in memory, this session only)
    PROCESSING_JOB = "processing"


@dataclass(frozen=True, slots=True)
class LogSource:
    """What to follow: a Batch job (all attempts, or one; an array job means all its children),
    a SageMaker training or processing job or an endpoint. `parse("training/NAME")` reads the CLI spelling."""

    kind: LogSourceKind
    name: str
    attempt: int | None = None  # Batch only: 1-based attempt (node index of a multi-node job); None = every one

    @classmethod
    def batch_job(cls, job_id: str, attempt: int | None = None) -> LogSource:
        return cls(LogSourceKind.BATCH_JOB, job_id, attempt)

    @classmethod
    def training_job(cls, name: str) -> LogSource:
        return cls(LogSourceKind.TRAINING_JOB, name)

    @classmethod
    def endpoint(cls, name: str) -> LogSource:
        return cls(LogSourceKind.ENDPOINT, name)

    @classmethod
    def launch_output(cls, run_id: str) -> LogSource:
        return cls(LogSourceKind.LAUNCH_OUTPUT, run_id)

    @classmethod
    def processing_job(cls, name: str) -> LogSource:
        return cls(LogSourceKind.PROCESSING_JOB, name)

    @classmethod
    def parse(cls, text: str) -> LogSource:
        """`JOB_ID`, `JOB_ID#2` (one attempt), `training/NAME`, `processing/NAME` or `endpoint/NAME`."""
        value = text.strip()
        if not value:
            raise ValueError("empty log source: give JOB_ID, training/NAME, processing/NAME or endpoint/NAME")
        head, sep, rest = value.partition("/")
        if sep and head in ("training", "endpoint", "processing"):
            if not rest:
                raise ValueError(f"'{value}': missing the {head} name after '/'")
            return cls(LogSourceKind(head), rest)
        job_id, hash_, attempt = value.partition("#")
        if hash_:  # attempt N (from 1), or node N (from 0) of a multi-node parallel job: resolving tells which
            if not attempt.isdigit():
                raise ValueError(f"'{value}': after '#' give an attempt (from 1) or a node index (from 0)")
            return cls.batch_job(job_id, int(attempt))
        return cls.batch_job(value)

    def __str__(self) -> str:
        if self.kind is LogSourceKind.BATCH_JOB:
            return self.name + (f"#{self.attempt}" if self.attempt else "")
        return f"{self.kind.value}/{self.name}"


@dataclass(frozen=True, slots=True)
class LogStreamRef:
    """One stream to read. `live`: lines may still be appended (a running attempt, an in-progress job)."""

    group: str
    name: str
    label: str = ""
    live: bool = True


@dataclass(frozen=True, slots=True)
class ResolvedLogs:
    """Where a source's lines are now. Resolving again later finds streams that appeared meanwhile (a new
    attempt, an array child starting). `note` says why nothing is there yet (e.g. the job is RUNNABLE)."""

    source: LogSource
    title: str
    streams: tuple[LogStreamRef, ...] = ()
    note: str = ""
    finished: bool = False  # nothing will ever be appended (every job terminal)


@dataclass(frozen=True, slots=True)
class FollowStatus:
    """The follower's state for the status line: following / caught up / waiting / throttled / reconnecting."""

    state: str
    detail: str = ""
    mode: str = "poll"  # poll | live tail
    sampled: bool = False
    streams: int = 0

    def __str__(self) -> str:
        parts = [self.state]
        if self.detail:
            parts.append(self.detail)
        return " — ".join(parts)

"""Runs of the bundled YOLO dog-detection container (local, Batch, SageMaker processing, an endpoint invocation)
and their results."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

# The container's exit codes (gpu_container/README.md, dogwatch.errors.ExitCode), and the launcher's own.
EXIT_MEANINGS: dict[int, str] = {
    1: "unexpected error (see output)",
    2: "bad arguments",
    3: "video download failed",
    4: "not a video",
    5: "video too large",
    6: "callback failed (report printed to stdout)",
    127: "could not start",
    -9: "killed",
}


class LaunchTarget(StrEnum):
    LOCAL_DOCKER = "local-docker"
    LOCAL_PROCESS = "local-process"
    BATCH = "batch"
    SAGEMAKER_PROCESSING = "sagemaker-processing"
    SAGEMAKER_ENDPOINT = "sagemaker-endpoint"  # one invocation of a deployed endpoint

    @property
    def is_local(self) -> bool:
        return self in (LaunchTarget.LOCAL_DOCKER, LaunchTarget.LOCAL_PROCESS)


class LaunchStatus(StrEnum):
    """A Batch run shows Batch's own status (a launch stuck RUNNABLE looks stuck); a local run is STARTING until
    its process runs."""

    SUBMITTED = "SUBMITTED"
    PENDING = "PENDING"
    RUNNABLE = "RUNNABLE"
    STARTING = "STARTING"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"

    @property
    def is_final(self) -> bool:
        return self in (LaunchStatus.SUCCEEDED, LaunchStatus.FAILED)

    @property
    def is_waiting(self) -> bool:
        """Not started: waiting for a dependency, for capacity, or to be placed."""
        return self in (LaunchStatus.SUBMITTED, LaunchStatus.PENDING, LaunchStatus.RUNNABLE)


@dataclass(frozen=True, slots=True)
class DogSegment:
    label: str
    start_s: float
    end_s: float
    frames: int
    max_confidence: float


@dataclass(frozen=True, slots=True)
class LaunchResult:
    """What the container reported to the callback (schema dogwatch.report/v1)."""

    status: str  # ok | error
    video_url: str
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    frames_processed: int | None = None
    processing_fps: float | None = None
    device: str = ""
    segments: tuple[DogSegment, ...] = ()
    error: str = ""

    @property
    def dog_seconds(self) -> float:
        return sum(max(0.0, s.end_s - s.start_s) for s in self.segments)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass(frozen=True, slots=True)
class CapturedOutput:
    """A local run's captured output now: the lines kept (epoch ms, text), how many were ever written (older
    ones were dropped past the cap), and whether the process ended."""

    title: str
    lines: tuple[tuple[int, str], ...]
    total: int
    finished: bool
    note: str = ""


@dataclass(frozen=True, slots=True)
class LaunchRun:
    run_id: str
    target: LaunchTarget
    video_url: str
    callback_url: str
    status: LaunchStatus
    created_at: datetime  # submitted (Batch) / launched (local)
    finished_at: datetime | None = None  # Batch: the job's stoppedAt once known; local: the process ended
    queue: str = ""
    job_id: str = ""
    pid: int | None = None
    exit_code: int | None = None
    message: str = ""
    result: LaunchResult | None = None
    output: tuple[str, ...] = field(default=(), repr=False)
    # Where and when the container ran, as the target reports it (for the comparison of targets): `job_id` is the
    # Batch job id, the processing job's name or the endpoint's name; `started_at`/`stopped_at` the container's
    # start and end (Batch startedAt/stoppedAt, ProcessingStartTime/EndTime, the invocation's round trip).
    started_at: datetime | None = None
    stopped_at: datetime | None = None
    instance_type: str = ""
    spot: bool = False
    job_final: bool = False  # Batch: the job itself is SUCCEEDED/FAILED (its stoppedAt is known)

    def duration_s(self, now: datetime) -> float | None:
        """How long the work ran: from its start to its end (`now` while it runs); None before it started.
        Never "until the app noticed": Batch runs use the job's own startedAt / stoppedAt (until it is known, the
        report's arrival)."""
        if self.started_at is None:
            return None
        end = self.stopped_at or self.finished_at or now
        return max(0.0, (end - self.started_at).total_seconds())

    @property
    def has_logs(self) -> bool:
        """Whether `l` has something to show: a local run's captured output (or its running process); a Batch or
        processing job's CloudWatch streams (written once its container started); an endpoint's log group."""
        if self.target.is_local:
            return bool(self.output) or self.status is LaunchStatus.RUNNING
        if self.target is LaunchTarget.SAGEMAKER_ENDPOINT:
            return bool(self.job_id)
        return bool(self.job_id) and self.started_at is not None

    def with_(self, **changes: object) -> LaunchRun:
        return replace(self, **changes)  # type: ignore[arg-type]

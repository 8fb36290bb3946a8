"""Runs of the bundled YOLO dog-detection container (local, Batch, SageMaker processing, an endpoint invocation)
and their results."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum


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
    STARTING = "STARTING"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"

    @property
    def is_final(self) -> bool:
        return self in (LaunchStatus.SUCCEEDED, LaunchStatus.FAILED)


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


@dataclass(frozen=True, slots=True)
class LaunchRun:
    run_id: str
    target: LaunchTarget
    video_url: str
    callback_url: str
    status: LaunchStatus
    created_at: datetime
    finished_at: datetime | None = None
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

    def with_(self, **changes: object) -> LaunchRun:
        return replace(self, **changes)  # type: ignore[arg-type]

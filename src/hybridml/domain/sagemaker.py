"""Amazon SageMaker resources as frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class EndpointVariant:
    name: str
    instance_type: str
    current_instance_count: int | None
    desired_instance_count: int | None
    current_weight: float | None = None
    model_name: str = ""
    autoscaling_min: int | None = None
    autoscaling_max: int | None = None


@dataclass(frozen=True, slots=True)
class Endpoint:
    name: str
    arn: str
    status: str  # OutOfService | Creating | Updating | SystemUpdating | RollingBack | InService | Deleting | Failed
    created_at: datetime | None
    modified_at: datetime | None
    config_name: str = ""
    failure_reason: str = ""
    variants: tuple[EndpointVariant, ...] = ()

    @property
    def instance_type(self) -> str:
        return ",".join(sorted({v.instance_type for v in self.variants if v.instance_type}))


@dataclass(frozen=True, slots=True)
class StatusTransition:
    status: str
    start: datetime | None
    end: datetime | None
    message: str = ""


@dataclass(frozen=True, slots=True)
class TrainingJob:
    name: str
    arn: str
    status: str  # InProgress | Completed | Failed | Stopping | Stopped
    secondary_status: str
    created_at: datetime | None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    modified_at: datetime | None = None
    instance_type: str = ""
    instance_count: int = 0
    billable_seconds: int | None = None
    failure_reason: str = ""
    max_runtime_s: int | None = None
    transitions: tuple[StatusTransition, ...] = ()
    final_metrics: tuple[tuple[str, float], ...] = ()
    image: str = ""
    role_arn: str = ""

    def duration_s(self, now: datetime) -> float | None:
        if self.started_at is None:
            return None
        end = self.ended_at or now
        return max(0.0, (end - self.started_at).total_seconds())

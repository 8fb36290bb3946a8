"""SageMaker automatic model tuning: hyperparameter tuning jobs and the training jobs they launch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hybridml.domain.prices import hourly

# HyperParameterTuningJobStatus: Completed | InProgress | Failed | Stopped | Stopping | Deleting | DeleteFailed
TUNING_FINISHED = ("Completed", "Failed", "Stopped", "DeleteFailed")
TRAINING_FINISHED = ("Completed", "Failed", "Stopped")


@dataclass(frozen=True, slots=True)
class TuningJob:
    name: str
    arn: str
    status: str
    created_at: datetime | None
    strategy: str = ""
    ended_at: datetime | None = None
    modified_at: datetime | None = None
    objective_metric: str = ""
    objective_type: str = ""  # Maximize | Minimize
    best_training_job: str = ""
    best_value: float | None = None
    completed: int = 0
    in_progress: int = 0
    retryable_errors: int = 0
    non_retryable_errors: int = 0
    stopped: int = 0
    max_jobs: int | None = None
    max_parallel: int | None = None
    runtime_s: int | None = None  # ConsumedResources.RuntimeInSeconds (wall clock)
    failure_reason: str = ""
    instance_type: str = ""
    instance_count: int = 0
    detailed: bool = True  # False: a ListHyperParameterTuningJobs summary only (no objective, no best job)

    @property
    def failed(self) -> int:
        return self.retryable_errors + self.non_retryable_errors

    @property
    def launched(self) -> int:
        return self.completed + self.in_progress + self.failed + self.stopped

    @property
    def finished(self) -> bool:
        return self.status in TUNING_FINISHED

    @property
    def every_job_failing(self) -> bool:
        """Training jobs have failed and none has completed: the tuning job is burning instances for nothing."""
        return self.failed > 0 and self.completed == 0

    @property
    def price_per_hour(self) -> float | None:
        """What the training jobs running now cost per hour (on-demand), when the instance type is priced."""
        price = hourly(self.instance_type)
        return None if price is None else price * max(1, self.instance_count) * self.in_progress

    def duration_s(self, now: datetime) -> float | None:
        if self.runtime_s is not None and self.finished:
            return float(self.runtime_s)
        if self.created_at is None:
            return None
        return max(0.0, ((self.ended_at or now) - self.created_at).total_seconds())


@dataclass(frozen=True, slots=True)
class TuningTrainingJob:
    """One training job a tuning job launched (HyperParameterTrainingJobSummary)."""

    name: str
    arn: str
    status: str
    created_at: datetime | None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    objective_metric: str = ""
    objective_value: float | None = None
    objective_status: str = ""  # Succeeded | Pending | Failed
    tuned: tuple[tuple[str, str], ...] = ()
    failure_reason: str = ""
    tuning_job: str = ""

    def duration_s(self, now: datetime) -> float | None:
        if self.started_at is None:
            return None
        end = self.ended_at if self.status in TRAINING_FINISHED else now
        return None if end is None else max(0.0, (end - self.started_at).total_seconds())


def by_objective(jobs: list[TuningTrainingJob], objective_type: str) -> list[TuningTrainingJob]:
    """Best first (highest for Maximize, lowest for Minimize); jobs without an objective value last."""
    maximize = objective_type == "Maximize"

    def key(j: TuningTrainingJob) -> tuple[int, float, str]:
        if j.objective_value is None:
            return (1, 0.0, j.name)
        return (0, -j.objective_value if maximize else j.objective_value, j.name)

    return sorted(jobs, key=key)


def instance_seconds(jobs: list[TuningTrainingJob], now: datetime, count: int = 1) -> float:
    """Instance-seconds the training jobs used so far (their run time times the instances each used)."""
    return sum((j.duration_s(now) or 0.0) * max(1, count) for j in jobs)

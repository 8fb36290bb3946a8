"""`:training` — SageMaker training jobs; enter for transitions and curves, `ctrl+k` stop, `c` clone."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from textual.binding import Binding

from hybridml.domain.logs import LogSource
from hybridml.domain.sagemaker import TrainingJob
from hybridml.render.sagemaker import TRAINING_COLUMNS, Cell, training_row
from hybridml.tui import keys
from hybridml.tui.screens import sagemaker_flows
from hybridml.tui.widgets.resource_view import ResourceView


class TrainingJobsView(ResourceView[TrainingJob]):
    kind: ClassVar[str] = "training"
    title: ClassVar[str] = "SageMaker training jobs"
    columns: ClassVar[tuple[str, ...]] = TRAINING_COLUMNS
    default_sort: ClassVar[str] = "AGE"
    service: ClassVar[str] = "sagemaker"

    BINDINGS: ClassVar[list[Binding]] = keys.bindings("training")  # type: ignore[assignment]

    def log_source(self, item: TrainingJob) -> LogSource:
        return LogSource.training_job(item.name)

    async def fetch(self) -> list[TrainingJob]:
        return await self.services.training.training_jobs()

    def row_key(self, item: TrainingJob) -> str:
        return item.name

    def render_row(self, item: TrainingJob, now: datetime) -> tuple[Cell, ...]:
        return training_row(item, now)

    def sort_value(self, column: str, item: TrainingJob, cells: tuple[Cell, ...], now: datetime) -> Any:
        if column == "AGE":
            return -(item.created_at.timestamp() if item.created_at else 0.0)
        if column == "DURATION":
            return item.duration_s(now) or 0.0
        if column == "BILLABLE":
            return item.billable_seconds or 0
        return super().sort_value(column, item, cells, now)

    async def describe_json(self, item: TrainingJob) -> str:
        return await self.services.training.training_job_json(item.name)

    def drill(self, item: TrainingJob) -> None:
        from hybridml.tui.screens.training_detail import TrainingDetailScreen

        self.app.push_screen(TrainingDetailScreen(self.services, item, self))

    # -- actions (flows.act runs them in a worker; the detail screen calls them with its job) -------------
    def _target(self) -> TrainingJob | None:
        if self.selected is None:
            self.notify("no training job selected", severity="warning")
        return self.selected

    async def act_sagemaker_training_stop(self) -> None:
        if (job := self._target()) is not None:
            await self.stop(job)

    async def act_sagemaker_training_clone(self) -> None:
        if (job := self._target()) is not None:
            await self.clone(job)

    async def stop(self, job: TrainingJob) -> None:
        if job.status != "InProgress":
            self.notify(f"{job.name} is {job.status}: only InProgress jobs can be stopped", severity="warning")
            return
        if await sagemaker_flows.stop_training_flow(self, job):
            self.notify(f"{job.name}: stop requested (Stopping)", title="training")
            self.reload()

    async def clone(self, job: TrainingJob) -> None:
        name = await sagemaker_flows.clone_training_flow(self, job)
        if name is not None:
            self.notify(f"training job {name} created from {job.name}", title="training")
            self.reload()

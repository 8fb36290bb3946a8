"""`:tuning` — hyperparameter tuning jobs: objective, best training job and value, jobs completed / running /
failed, run time and what the running jobs cost; enter: its training jobs best first; `ctrl+k` stop."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from textual.binding import Binding

from hybridml.domain.tuning import TuningJob
from hybridml.render.tuning import TUNING_COLUMNS, Cell, tuning_row
from hybridml.tui import keys
from hybridml.tui.screens import mlops_flows
from hybridml.tui.widgets.resource_view import ResourceView


class TuningJobsView(ResourceView[TuningJob]):
    kind: ClassVar[str] = "tuning"
    title: ClassVar[str] = "SageMaker tuning jobs"
    columns: ClassVar[tuple[str, ...]] = TUNING_COLUMNS
    default_sort: ClassVar[str] = "AGE"
    service: ClassVar[str] = "sagemaker-tuning"

    BINDINGS: ClassVar[list[Binding]] = keys.bindings("tuning")  # type: ignore[assignment]

    async def fetch(self) -> list[TuningJob]:
        return await self.services.tuning.tuning_jobs()

    def row_key(self, item: TuningJob) -> str:
        return item.name

    def render_row(self, item: TuningJob, now: datetime) -> tuple[Cell, ...]:
        return tuning_row(item, now)

    def sort_value(self, column: str, item: TuningJob, cells: tuple[Cell, ...], now: datetime) -> Any:
        if column == "AGE":
            return (0, -(item.created_at.timestamp() if item.created_at else 0.0), item.name)
        if column == "RUNTIME":
            return (0, item.duration_s(now) or 0.0, item.name)
        if column == "JOBS":  # the most failures first when reversed; ties by completions
            return (0, item.failed * 10_000 + item.completed, item.name)
        if column == "$/h":
            return (0, (item.price_per_hour or 0.0) if item.in_progress else -1.0, item.name)
        return super().sort_value(column, item, cells, now)

    async def describe_json(self, item: TuningJob) -> str:
        return await self.services.tuning.tuning_job_json(item.name)

    def drill(self, item: TuningJob) -> None:
        from hybridml.tui.screens.tuning_detail import TuningDetailScreen

        self.app.push_screen(TuningDetailScreen(self.services, item, self))

    # -- actions (flows.act runs them in a worker; the detail screen calls `stop` with its job) --------------
    async def act_sagemaker_tuning_stop(self) -> None:
        if self.selected is None:
            self.notify("no tuning job selected", severity="warning")
            return
        await self.stop(self.selected)

    async def stop(self, job: TuningJob) -> None:
        if job.status != "InProgress":
            self.notify(f"{job.name} is {job.status}: only an InProgress tuning job can be stopped", severity="warning")
            return
        if await mlops_flows.stop_tuning_flow(self, job):
            self.notify(f"{job.name}: stop requested (Stopping; its running training jobs stop too)", title="tuning")
            self.reload()

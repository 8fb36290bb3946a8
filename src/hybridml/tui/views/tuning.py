"""`:tuning` — hyperparameter tuning jobs: objective, best training job and value, jobs completed / running /
failed, run time and what the running jobs cost; enter: its training jobs best first; `ctrl+k` stop."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from textual.binding import Binding

from hybridml.domain.tuning import TuningJob
from hybridml.render.tuning import TUNING_COLUMNS, Cell, tuning_row
from hybridml.tui import mlops_actions
from hybridml.tui.widgets.resource_view import ResourceView


class TuningJobsView(ResourceView[TuningJob]):
    kind: ClassVar[str] = "tuning"
    title: ClassVar[str] = "SageMaker tuning jobs"
    columns: ClassVar[tuple[str, ...]] = TUNING_COLUMNS
    default_sort: ClassVar[str] = "AGE"
    service: ClassVar[str] = "sagemaker-tuning"

    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("ctrl+k", "stop", "Stop", id="tuning.stop"),
    ]

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

    def action_stop(self, job: TuningJob | None = None) -> None:
        target = job or self.selected
        if target is None:
            self.notify("no tuning job selected", severity="warning")
            return
        if target.status != "InProgress":
            self.notify(
                f"{target.name} is {target.status}: only an InProgress tuning job can be stopped", severity="warning"
            )
            return
        if mlops_actions.writable(self, self.services, "stop tuning job"):
            mlops_actions.flow(self, self._stop(target), "tuning-stop")

    async def _stop(self, job: TuningJob) -> None:
        if await mlops_actions.stop_tuning(self, self.services, job):
            self.reload()

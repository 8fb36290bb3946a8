"""`:jobs` — Batch jobs of every status across all (or the configured) queues."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from textual.binding import Binding

from hybridml.domain.batch import Job
from hybridml.domain.logs import LogSource
from hybridml.render.batch import JOB_COLUMNS, Cell, job_row, job_sort_key
from hybridml.tui.widgets.resource_view import ResourceView


class JobsView(ResourceView[Job]):
    kind: ClassVar[str] = "jobs"
    title: ClassVar[str] = "Jobs"
    columns: ClassVar[tuple[str, ...]] = JOB_COLUMNS
    default_sort: ClassVar[str] = "AGE"

    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("l", "app.open_logs", "Logs", id="jobs.logs"),
    ]

    async def fetch(self) -> list[Job]:
        return await self.services.batch.all_jobs(self.services.settings.batch.queues)

    def row_key(self, item: Job) -> str:
        return item.job_id

    def render_row(self, item: Job, now: datetime) -> tuple[Cell, ...]:
        return job_row(item, now)

    def sort_value(self, column: str, item: Job, cells: tuple[Cell, ...], now: datetime) -> Any:
        return job_sort_key(column, item, now)

    def in_scope(self, item: Job) -> bool:
        if self.scope is None:
            return True
        if self.scope.field == "queue":
            return item.queue == self.scope.value
        if self.scope.field == "definition":
            return item.job_definition_name == self.scope.value
        if self.scope.field == "status":
            return item.status.value == self.scope.value
        return True

    async def describe_json(self, item: Job) -> str:
        return await self.services.batch.job_json(item.job_id)

    def log_source(self, item: Job) -> LogSource:
        return LogSource.batch_job(item.job_id)

    def drill(self, item: Job) -> None:
        from hybridml.tui.screens.job_detail import JobDetailScreen

        self.app.push_screen(JobDetailScreen(self.services, item))

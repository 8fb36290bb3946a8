"""`:monitors` — Model Monitor schedules per endpoint: last run, its result and violation count; enter: the
schedule's runs; `t` explains the last run (its violations report, or why it failed); `l` its job's logs."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from textual.binding import Binding

from hybridml.domain.logs import LogSource
from hybridml.domain.monitoring import MonitoringSchedule
from hybridml.render.monitoring import MONITOR_COLUMNS, Cell, monitor_row
from hybridml.tui import keys
from hybridml.tui.widgets.resource_view import ResourceView


class MonitorsView(ResourceView[MonitoringSchedule]):
    kind: ClassVar[str] = "monitors"
    title: ClassVar[str] = "Model Monitor schedules"
    columns: ClassVar[tuple[str, ...]] = MONITOR_COLUMNS
    default_sort: ClassVar[str] = "LAST RUN"
    service: ClassVar[str] = "sagemaker-monitoring"

    BINDINGS: ClassVar[list[Binding]] = keys.bindings("monitors")  # type: ignore[assignment]

    async def fetch(self) -> list[MonitoringSchedule]:
        return await self.services.monitoring.schedules()

    def row_key(self, item: MonitoringSchedule) -> str:
        return item.name

    def render_row(self, item: MonitoringSchedule, now: datetime) -> tuple[Cell, ...]:
        return monitor_row(item, now)

    def sort_value(self, column: str, item: MonitoringSchedule, cells: tuple[Cell, ...], now: datetime) -> Any:
        last = item.last
        if column == "LAST RUN":
            when = last.scheduled_at if last else None
            return (0, -(when.timestamp() if when else 0.0), item.name)
        if column == "VIOL":
            return (0, -(last.violations or 0) if last else 1, item.name)
        return super().sort_value(column, item, cells, now)

    def in_scope(self, item: MonitoringSchedule) -> bool:
        if self.scope is not None and self.scope.field == "endpoint":
            return item.endpoint == self.scope.value
        return True

    def log_source(self, item: MonitoringSchedule) -> LogSource | None:
        if item.last is None or not item.last.processing_job:
            return None
        return LogSource.processing_job(item.last.processing_job)

    async def describe_json(self, item: MonitoringSchedule) -> str:
        return await self.services.monitoring.schedule_json(item.name)

    def drill(self, item: MonitoringSchedule) -> None:
        from hybridml.tui.screens.monitor_detail import MonitorDetailScreen

        self.app.push_screen(MonitorDetailScreen(self.services, item))

    def explain(self, item: MonitoringSchedule) -> bool:
        """`t`: the last run's report (violations, or the failure and what usually causes it)."""
        from hybridml.tui.screens.monitor_detail import ViolationsScreen

        if item.last is None:
            self.notify(f"{item.name} has not run yet", severity="warning")
            return True
        self.app.push_screen(ViolationsScreen(self.services, item.last))
        return True

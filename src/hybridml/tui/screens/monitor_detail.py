"""Enter on a monitoring schedule: its runs of the last two days with their results; `t` on a run (or on the
schedule in the list) explains it: the constraint violations report's location and its first violations, or
why the run failed. `l` opens the run's processing job logs."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from hybridml import clock
from hybridml.aws.errors import AwsError
from hybridml.domain.logs import LogSource
from hybridml.domain.monitoring import MonitoringExecution, MonitoringSchedule, ViolationReport
from hybridml.render.monitoring import MONITOR_EXECUTION_COLUMNS, monitor_execution_row, monitor_header, report_text
from hybridml.tui import keys
from hybridml.tui.errors import ReportsWorkerErrors
from hybridml.tui.widgets.plain import PlainDataTable, PlainStatic

if TYPE_CHECKING:
    from hybridml.services import Services


def _open_logs(screen: Screen[None], execution: MonitoringExecution | None) -> None:
    from hybridml.tui.screens.log_view import open_logs

    if execution is None or not execution.processing_job:
        screen.notify("this run has no processing job (it may not have started)", severity="warning")
        return
    open_logs(screen.app, LogSource.processing_job(execution.processing_job))


class MonitorDetailScreen(ReportsWorkerErrors, Screen[None]):
    BINDINGS: ClassVar[list[Binding]] = keys.bindings("monitor-runs")  # type: ignore[assignment]

    def __init__(self, services: Services, schedule: MonitoringSchedule) -> None:
        super().__init__()
        self.services = services
        self.schedule = schedule
        self.runs: list[MonitoringExecution] = []
        self.loaded = 0

    def compose(self) -> ComposeResult:
        yield PlainStatic(Text(f"monitoring schedule {self.schedule.name}"), classes="view-title", id="monitor-title")
        with Vertical(classes="detail-box"):
            with VerticalScroll(classes="detail-head"):
                yield PlainStatic(monitor_header(self.schedule, clock.utcnow()), id="monitor-body")
            table = PlainDataTable(cursor_type="row", zebra_stripes=True, id="monitor-runs")
            for column in MONITOR_EXECUTION_COLUMNS:
                table.add_column(column, key=column)
            yield table
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()
        self.set_interval(self.services.settings.ui.refresh_s, self.action_reload)

    @work(exclusive=True, group="monitor-detail", exit_on_error=False)
    async def action_reload(self) -> None:
        try:
            runs = await self.services.monitoring.executions(self.schedule.name)
        except AwsError as exc:
            self.notify(str(exc), title="refresh failed", severity="error")
            return
        now = clock.utcnow()
        table = self.query_one("#monitor-runs", DataTable)
        keep = table.cursor_row
        self.runs = runs
        table.clear()
        for run in runs:
            table.add_row(*monitor_execution_row(run, now), key=run.key)
        if 0 <= keep < len(runs):
            table.move_cursor(row=keep, animate=False)
        table.focus()
        self.loaded += 1

    @property
    def selected_run(self) -> MonitoringExecution | None:
        row = self.query_one("#monitor-runs", DataTable).cursor_row
        return self.runs[row] if 0 <= row < len(self.runs) else None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_explain()

    def action_explain(self) -> None:
        run = self.selected_run
        if run is not None:
            self.app.push_screen(ViolationsScreen(self.services, run))

    def action_logs(self) -> None:
        _open_logs(self, self.selected_run)

    @work(exclusive=True, group="monitor-describe", exit_on_error=False)
    async def action_describe(self) -> None:
        from hybridml.tui.screens.json_view import JsonScreen

        try:
            body = await self.services.monitoring.schedule_json(self.schedule.name)
        except AwsError as exc:
            self.notify(str(exc), title="describe failed", severity="error")
            return
        self.app.push_screen(JsonScreen(f"monitoring schedule {self.schedule.name}", body))


class ViolationsScreen(ReportsWorkerErrors, Screen[None]):
    """One run explained: the violations report (location, count, the first ones) or the failure."""

    BINDINGS: ClassVar[list[Binding]] = keys.bindings("violations")  # type: ignore[assignment]

    def __init__(self, services: Services, execution: MonitoringExecution) -> None:
        super().__init__()
        self.services = services
        self.execution = execution
        self.report: ViolationReport | None = None

    def compose(self) -> ComposeResult:
        yield PlainStatic(Text(f"why: monitoring run of {self.execution.schedule}"), classes="view-title")
        with VerticalScroll():
            yield PlainStatic(report_text(self.execution, None, clock.utcnow()), id="violations-body")
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()

    @work(exclusive=True, group="violations", exit_on_error=False)
    async def action_reload(self) -> None:
        if self.execution.status == "Failed":
            self.report = ViolationReport("")
        else:
            self.report = await self.services.monitoring.report(self.execution)
        self.query_one("#violations-body", Static).update(report_text(self.execution, self.report, clock.utcnow()))

    def action_logs(self) -> None:
        _open_logs(self, self.execution)

"""Enter (or `t`) on a pipeline execution: the run, its first failed step with its FailureReason, and every step
with the job it ran. `l` opens the selected step's job logs (the failed step is selected first)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from hybridml import clock
from hybridml.aws.errors import AwsError, NotFound
from hybridml.domain.pipelines import ExecutionDiagnosis, PipelineExecution, PipelineStep
from hybridml.render.pipelines import STEP_COLUMNS, diagnosis_text, execution_header, step_row
from hybridml.tui import keys
from hybridml.tui.errors import ReportsWorkerErrors
from hybridml.tui.widgets.plain import PlainDataTable, PlainStatic

if TYPE_CHECKING:
    from hybridml.services import Services


class PipelineExecutionScreen(ReportsWorkerErrors, Screen[None]):
    BINDINGS: ClassVar[list[Binding]] = keys.bindings("pipeline-run")  # type: ignore[assignment]

    def __init__(self, services: Services, execution: PipelineExecution) -> None:
        super().__init__()
        self.services = services
        self.execution = execution
        self.diagnosis: ExecutionDiagnosis | None = None
        self.steps: list[PipelineStep] = []  # in the order shown: by start time
        self.loaded = 0

    def compose(self) -> ComposeResult:
        e = self.execution
        yield PlainStatic(Text(f"execution {e.pipeline} / {e.display_name or e.execution_id}"), classes="view-title",
                     id="execution-title")  # fmt: skip
        with Vertical(id="execution-box", classes="detail-box"):
            with VerticalScroll(classes="detail-head"):
                yield PlainStatic(Text("reading the steps …", style="dim"), id="execution-body")
            table = PlainDataTable(cursor_type="row", zebra_stripes=True, id="execution-steps")
            for column in STEP_COLUMNS:
                table.add_column(column, key=column)
            yield table
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()
        self.set_interval(self.services.settings.ui.refresh_s, self._tick)

    def _tick(self) -> None:
        if not self.execution.finished:
            self.action_reload()

    @work(exclusive=True, group="execution-load", exit_on_error=False)
    async def action_reload(self) -> None:
        try:
            diagnosis = await self.services.pipelines.diagnose(self.execution.arn)
        except NotFound:
            self.query_one("#execution-title", Static).update(
                Text(f"execution {self.execution.arn} — no longer found", style="bold red")
            )
            return
        except AwsError as exc:
            self.notify(str(exc), title="refresh failed", severity="error")
            return
        first_load = self.diagnosis is None
        self.diagnosis, self.execution = diagnosis, diagnosis.execution
        now = clock.utcnow()
        e = diagnosis.execution
        self.query_one("#execution-title", Static).update(
            Text(f"execution {e.pipeline} / {e.display_name or e.execution_id}  [{e.status}]")
        )
        self.query_one("#execution-body", Static).update(
            Group(diagnosis_text(diagnosis, now), execution_header(e, now))
        )
        table = self.query_one("#execution-steps", DataTable)
        keep = table.cursor_row
        self.steps = sorted(diagnosis.steps, key=lambda s: s.started_at.timestamp() if s.started_at else 0.0)
        table.clear()
        for step in self.steps:
            table.add_row(*step_row(step, now), key=step.name)
        self.loaded += 1
        if first_load:
            self.action_failed_step()
            table.focus()
        elif 0 <= keep < len(self.steps):
            table.move_cursor(row=keep, animate=False)

    @property
    def selected_step(self) -> PipelineStep | None:
        table = self.query_one("#execution-steps", DataTable)
        row = table.cursor_row
        return self.steps[row] if 0 <= row < len(self.steps) else None

    def action_failed_step(self) -> None:
        """Put the cursor on the first failed step."""
        if self.diagnosis is None or self.diagnosis.failed_step is None:
            return
        failed = self.diagnosis.failed_step
        for row, step in enumerate(self.steps):
            if step is failed or step.name == failed.name:
                self.query_one("#execution-steps", DataTable).move_cursor(row=row, animate=False)
                return

    def action_logs(self) -> None:
        from hybridml.tui.screens.log_view import open_logs

        step = self.selected_step
        if step is None:
            self.notify("no step selected", severity="warning")
            return
        source = step.job.log_source if step.job is not None else None
        if source is None:
            what = f"a {step.job.kind} job" if step.job is not None else "no job"
            self.notify(f"step {step.name} ran {what}: no logs to open", severity="warning")
            return
        open_logs(self.app, source)

    @work(exclusive=True, group="execution-describe", exit_on_error=False)
    async def action_describe(self) -> None:
        from hybridml.tui.screens.json_view import JsonScreen

        try:
            body = await self.services.pipelines.execution_json(self.execution.arn)
        except AwsError as exc:
            self.notify(str(exc), title="describe failed", severity="error")
            return
        self.app.push_screen(JsonScreen(f"execution {self.execution.execution_id}", body))

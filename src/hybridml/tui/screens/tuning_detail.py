"""Enter on a tuning job: its objective, counts and cost, and every training job it launched, best first.
enter on a training job opens its detail; `l` its logs; `ctrl+k` stops the tuning job."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Protocol

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from hybridml import clock
from hybridml.aws.errors import AwsError, NotFound
from hybridml.domain.logs import LogSource
from hybridml.domain.tuning import TuningJob, TuningTrainingJob, by_objective
from hybridml.render.tuning import TRIAL_COLUMNS, trial_row, tuning_header
from hybridml.tui import keys
from hybridml.tui.errors import ReportsWorkerErrors
from hybridml.tui.screens import flows
from hybridml.tui.widgets.plain import PlainDataTable, PlainStatic

if TYPE_CHECKING:
    from hybridml.services import Services


class TuningActions(Protocol):
    """What the tuning jobs view does for this screen."""

    async def stop(self, job: TuningJob) -> None: ...


class TuningDetailScreen(ReportsWorkerErrors, Screen[None]):
    BINDINGS: ClassVar[list[Binding]] = keys.bindings("tuning-detail")  # type: ignore[assignment]

    def __init__(self, services: Services, job: TuningJob, view: TuningActions | None = None) -> None:
        super().__init__()
        self.services = services
        self.job = job
        self.view = view
        self.trials: list[TuningTrainingJob] = []
        self.loaded = 0

    def compose(self) -> ComposeResult:
        yield PlainStatic(Text(f"tuning job {self.job.name}"), classes="view-title", id="tuning-title")
        with Vertical(classes="detail-box"):
            with VerticalScroll(classes="detail-head"):
                yield PlainStatic(Text("reading its training jobs …", style="dim"), id="tuning-body")
            table = PlainDataTable(cursor_type="row", zebra_stripes=True, id="tuning-trials")
            for column in TRIAL_COLUMNS:
                table.add_column(column, key=column)
            yield table
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()
        self.set_interval(self.services.settings.ui.refresh_s, self._tick)

    def _tick(self) -> None:
        if not self.job.finished:
            self.action_reload()

    @work(exclusive=True, group="tuning-detail", exit_on_error=False)
    async def action_reload(self) -> None:
        try:
            job = await self.services.tuning.tuning_job(self.job.name)
            trials = await self.services.tuning.training_jobs(self.job.name)
        except NotFound:
            self.query_one("#tuning-title", Static).update(
                Text(f"tuning job {self.job.name} — no longer found", style="bold red")
            )
            return
        except AwsError as exc:
            self.notify(str(exc), title="refresh failed", severity="error")
            return
        self.job, self.trials = job, by_objective(trials, job.objective_type)
        now = clock.utcnow()
        self.query_one("#tuning-title", Static).update(Text(f"tuning job {job.name}  [{job.status}]"))
        self.query_one("#tuning-body", Static).update(tuning_header(job, trials, now))
        table = self.query_one("#tuning-trials", DataTable)
        keep = table.cursor_row
        table.clear()
        for rank, trial in enumerate(self.trials, start=1):
            table.add_row(*trial_row(rank if trial.objective_value is not None else None, trial, now), key=trial.name)
        if 0 <= keep < len(self.trials):
            table.move_cursor(row=keep, animate=False)
        table.focus()
        self.loaded += 1

    @property
    def selected_trial(self) -> TuningTrainingJob | None:
        row = self.query_one("#tuning-trials", DataTable).cursor_row
        return self.trials[row] if 0 <= row < len(self.trials) else None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_job()

    @work(exclusive=True, group="tuning-open", exit_on_error=False)
    async def action_open_job(self) -> None:
        from hybridml.tui.screens.training_detail import TrainingDetailScreen

        trial = self.selected_trial
        if trial is None:
            return
        try:
            job = await self.services.training.training_job(trial.name)
        except AwsError as exc:
            self.notify(str(exc), title="training job", severity="error")
            return
        self.app.push_screen(TrainingDetailScreen(self.services, job))

    def action_logs(self) -> None:
        from hybridml.tui.screens.log_view import open_logs

        trial = self.selected_trial
        if trial is None:
            self.notify("no training job selected", severity="warning")
            return
        open_logs(self.app, LogSource.training_job(trial.name))

    def action_act(self, action_id: str) -> None:
        flows.act(self, action_id)

    async def act_sagemaker_tuning_stop(self) -> None:
        if self.view is not None:
            await self.view.stop(self.job)
            self.action_reload()

    @work(exclusive=True, group="tuning-describe", exit_on_error=False)
    async def action_describe(self) -> None:
        from hybridml.tui.screens.json_view import JsonScreen

        try:
            body = await self.services.tuning.tuning_job_json(self.job.name)
        except AwsError as exc:
            self.notify(str(exc), title="describe failed", severity="error")
            return
        self.app.push_screen(JsonScreen(f"tuning job {self.job.name}", body))

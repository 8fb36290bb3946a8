"""Enter on a training job: status transitions with times, final metrics, and the run's loss curves."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar, Protocol

from rich.console import Group
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from hybridml import clock
from hybridml.aws.errors import AwsError, NotFound
from hybridml.aws.metrics import training_metric_specs
from hybridml.domain.sagemaker import TrainingJob
from hybridml.render.sagemaker import metrics_block, training_detail
from hybridml.tui import keys
from hybridml.tui.errors import ReportsWorkerErrors
from hybridml.tui.screens import flows
from hybridml.tui.widgets.plain import PlainStatic

if TYPE_CHECKING:
    from hybridml.services import Services


class TrainingActions(Protocol):
    """What the training jobs view does for this screen."""

    async def stop(self, job: TrainingJob) -> None: ...

    async def clone(self, job: TrainingJob) -> None: ...


METRIC_NAMES = ("train:loss", "validation:loss")


def run_window(job: TrainingJob, now: datetime) -> tuple[int, datetime]:
    """The whole run (start to end, or to now), as (seconds, end) for GetMetricData."""
    start = job.started_at or job.created_at or now - timedelta(hours=1)
    end = (job.ended_at or now) + timedelta(minutes=1)
    return max(600, int((end - start).total_seconds()) + 60), end


class TrainingDetailScreen(ReportsWorkerErrors, Screen[None]):
    BINDINGS: ClassVar[list[Binding]] = keys.bindings("training-detail")  # type: ignore[assignment]

    def __init__(self, services: Services, job: TrainingJob, view: TrainingActions | None = None) -> None:
        super().__init__()
        self.services = services
        self.job = job
        self.view = view
        self.metrics_loaded = 0

    def compose(self) -> ComposeResult:
        yield PlainStatic(f"training job {self.job.name}", classes="view-title", id="detail-title")
        with VerticalScroll():
            yield PlainStatic(training_detail(self.job, clock.utcnow()), id="detail-body")
            yield PlainStatic(Text("loading metrics …", style="dim"), id="detail-metrics")
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()
        self.set_interval(self.services.settings.ui.refresh_s, self.action_reload)

    @work(exclusive=True, group="training-detail", exit_on_error=False)
    async def action_reload(self) -> None:
        try:
            job = await self.services.training.training_job(self.job.name)
        except NotFound:
            self.query_one("#detail-title", Static).update(
                Text(f"training job {self.job.name} — no longer found", style="bold red")
            )
            return
        except AwsError as exc:
            self.notify(str(exc), title="refresh failed", severity="error")
            return
        self.job = job
        now = clock.utcnow()
        self.query_one("#detail-title", Static).update(f"training job {job.name}  [{job.status}]")
        self.query_one("#detail-body", Static).update(training_detail(job, now))
        window_s, end = run_window(job, now)
        names = tuple(dict.fromkeys((*METRIC_NAMES, *(name for name, _ in job.final_metrics))))
        try:
            series = await self.services.metrics.series(training_metric_specs(job.name, names), window_s, end=end)
        except AwsError as exc:
            self.query_one("#detail-metrics", Static).update(Text(f"metrics unavailable: {exc}", style="red"))
            return
        self.metrics_loaded += 1
        self.query_one("#detail-metrics", Static).update(Group(metrics_block(series, "whole run")))

    @work(exclusive=True, group="training-describe", exit_on_error=False)
    async def action_describe(self) -> None:
        from hybridml.tui.screens.json_view import JsonScreen

        try:
            body = await self.services.training.training_job_json(self.job.name)
        except AwsError as exc:
            self.notify(str(exc), title="describe failed", severity="error")
            return
        self.app.push_screen(JsonScreen(f"training job {self.job.name}", body))

    def action_act(self, action_id: str) -> None:
        flows.act(self, action_id)

    async def act_sagemaker_training_stop(self) -> None:
        if self.view is not None:
            await self.view.stop(self.job)

    async def act_sagemaker_training_clone(self) -> None:
        if self.view is not None:
            await self.view.clone(self.job)

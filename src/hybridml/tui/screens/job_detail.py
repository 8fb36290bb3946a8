"""Enter on a job: its full description, refreshed while it is open; ctrl+k stop, c clone, R resubmit (FAILED)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from hybridml import clock
from hybridml.aws.errors import AwsError
from hybridml.domain.batch import Job
from hybridml.render.batch import job_detail
from hybridml.tui import keys
from hybridml.tui.errors import ReportsWorkerErrors
from hybridml.tui.screens import batch_flows, flows
from hybridml.tui.widgets.plain import PlainStatic

if TYPE_CHECKING:
    from hybridml.services import Services


class JobDetailScreen(ReportsWorkerErrors, Screen[None]):
    BINDINGS: ClassVar[list[Binding]] = keys.bindings("job-detail")  # type: ignore[assignment]

    def __init__(self, services: Services, job: Job) -> None:
        super().__init__()
        self.services = services
        self.job = job

    def compose(self) -> ComposeResult:
        yield PlainStatic(f"job {self.job.name}", classes="view-title", id="detail-title")
        with VerticalScroll():
            yield PlainStatic(job_detail(self.job, clock.utcnow()), id="detail-body")
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()
        self.set_interval(self.services.settings.ui.refresh_s, self.action_reload)

    @work(exclusive=True, group="job-detail", exit_on_error=False)
    async def action_reload(self) -> None:
        try:
            job = await self.services.batch.job(self.job.job_id)
        except AwsError as exc:
            self.notify(str(exc), title="refresh failed", severity="error")
            return
        if job is None:
            self.query_one("#detail-title", Static).update(f"job {self.job.name} — no longer found in Batch")
            return
        self.job = job
        self.query_one("#detail-body", Static).update(job_detail(job, clock.utcnow()))

    def action_logs(self) -> None:
        from hybridml.domain.logs import LogSource
        from hybridml.tui.screens.log_view import open_logs

        open_logs(self.app, LogSource.batch_job(self.job.job_id))

    @work(exclusive=True, group="job-describe", exit_on_error=False)
    async def action_describe(self) -> None:
        from hybridml.tui.screens.json_view import JsonScreen

        try:
            body = await self.services.batch.job_json(self.job.job_id)
        except AwsError as exc:
            self.notify(str(exc), title="describe failed", severity="error")
            return
        self.app.push_screen(JsonScreen(f"job {self.job.name}", body))

    # -- actions (flows.act runs them in a worker) ---------------------------------------------------
    def action_act(self, action_id: str) -> None:
        flows.act(self, action_id)

    async def act_batch_stop(self) -> None:
        if await batch_flows.stop_flow(self, [self.job]) is not None:
            self.action_reload()

    async def act_batch_clone(self) -> None:
        await batch_flows.clone_flow(self, self.job)

    async def act_batch_resubmit(self) -> None:
        await batch_flows.resubmit_flow(self, self.job)

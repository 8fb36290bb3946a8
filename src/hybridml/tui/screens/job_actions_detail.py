"""The job detail screen with the Batch action keys: ctrl+k stop, c clone, R resubmit (FAILED)."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.binding import Binding

from hybridml.aws.errors import translate
from hybridml.domain.batch import JobStatus
from hybridml.tui import batch_flows
from hybridml.tui.screens.job_detail import JobDetailScreen


class JobDetailActionsScreen(JobDetailScreen):
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("ctrl+k", "kill", "Kill", id="detail.kill"),
        Binding("c", "clone", "Clone", id="detail.clone"),
        Binding("R", "resubmit", "Resubmit", id="detail.resubmit", show=False),
    ]

    def action_kill(self) -> None:
        def done(_: object) -> None:
            self.action_reload()

        batch_flows.stop_jobs(self.app, [self.job], done)

    @work(exclusive=True, group="detail-clone", exit_on_error=False)
    async def action_clone(self) -> None:
        if batch_flows.refused_read_only(self.app, "clone"):
            return
        try:
            request = await batch_flows.clone_of(self.services, self.job)
        except Exception as exc:
            self.notify(str(translate(exc)), title="clone", severity="error")
            return
        batch_flows.open_submit(self.app, request, title=f"Clone of {self.job.name} ({self.job.job_id})")

    @work(exclusive=True, group="detail-resubmit", exit_on_error=False)
    async def action_resubmit(self) -> None:
        if batch_flows.refused_read_only(self.app, "resubmit"):
            return
        if self.job.status is not JobStatus.FAILED:
            self.notify("R resubmits a FAILED job; use c to clone any job", severity="warning")
            return
        try:
            request = await batch_flows.clone_of(self.services, self.job)
        except Exception as exc:
            self.notify(str(translate(exc)), title="resubmit", severity="error")
            return
        batch_flows.confirm_resubmit(self.app, self.job, request)

"""Enter on an array parent: its children with their own statuses (every status: ListJobs with `arrayJobId` and no
status lists RUNNING children only); on a multi-node parallel job: its nodes `JOBID#N`. Enter on one opens its detail.

ctrl+k stops the child under the cursor; `l` opens the child's live logs.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from hybridml import clock
from hybridml.aws.errors import AwsError
from hybridml.domain.batch import Job, JobStatus
from hybridml.render.fmt import age, human_duration, status_text, truncate
from hybridml.render.safe import safe_text
from hybridml.tui import keys
from hybridml.tui.console import console
from hybridml.tui.errors import ReportsWorkerErrors
from hybridml.tui.screens import batch_flows, flows
from hybridml.tui.widgets.plain import PlainDataTable, PlainStatic

if TYPE_CHECKING:
    from hybridml.services import Services

CHILD_COLUMNS = ("INDEX", "STATUS", "AGE", "DURATION", "ATTEMPTS", "REASON", "JOB ID")


def summary_text(parent: Job, children: list[Job]) -> Text:
    counts = Counter(c.status for c in children)
    what = "multi-node job" if parent.is_multinode_parent else "array"
    out = safe_text(f"{what} {parent.name} [{len(children)}]  ", "bold")
    for status in JobStatus:
        if counts.get(status):
            out.append_text(status_text(status.value))
            out.append(f"={counts[status]}  ")
    return out


class ArrayChildrenScreen(ReportsWorkerErrors, Screen[None]):
    CSS_PATH = "../batch_actions.tcss"
    BINDINGS: ClassVar[list[Binding]] = keys.bindings("array-children")  # type: ignore[assignment]

    def __init__(self, services: Services, parent: Job) -> None:
        super().__init__()
        self.services = services
        self.parent_job = parent
        self.children_jobs: list[Job] = []
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield PlainStatic(
            safe_text(f"array {self.parent_job.name} — loading children…"), classes="view-title", id="array-title"
        )
        table = PlainDataTable(cursor_type="row", zebra_stripes=True, id="array-table")
        for column in CHILD_COLUMNS:
            table.add_column(column, key=column)
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.action_reload()
        self.set_interval(self.services.settings.ui.refresh_s, self.action_reload)

    @work(exclusive=True, group="array-children", exit_on_error=False)
    async def action_reload(self) -> None:
        try:
            parent = self.parent_job
            batch = self.services.batch
            lister = batch.multinode_nodes if parent.is_multinode_parent else batch.array_children
            listed = await lister(parent.job_id)
        except AwsError as exc:
            self.notify(str(exc), title="array children", severity="error")
            return
        self.children_jobs = listed
        self.loaded = True
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        now = clock.utcnow()
        for child in listed:
            table.add_row(*self._cells(child, now), key=child.job_id)
        if listed:
            table.move_cursor(row=min(max(row, 0), len(listed) - 1), animate=False)
        self.query_one("#array-title", Static).update(summary_text(self.parent_job, listed))

    @staticmethod
    def _cells(child: Job, now: datetime) -> tuple[str | Text, ...]:
        index = child.array.index if child.array is not None else None
        if child.multinode is not None:
            index = child.multinode.node_index
        return (
            "-" if index is None else str(index),
            status_text(child.status.value),
            age(child.created_at, now),
            human_duration(child.duration_s(now)),
            str(len(child.attempts)) if child.attempts else "-",
            truncate(child.status_reason, 48),
            child.job_id,
        )

    @property
    def selected(self) -> Job | None:
        table = self.query_one(DataTable)
        if not self.children_jobs or not 0 <= table.cursor_row < len(self.children_jobs):
            return None
        return self.children_jobs[table.cursor_row]

    def action_open_child(self) -> None:
        from hybridml.tui.screens.job_detail import JobDetailScreen

        child = self.selected
        if child is not None:
            self.app.push_screen(JobDetailScreen(self.services, child))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_child()

    def action_act(self, action_id: str) -> None:
        flows.act(self, action_id)

    async def act_batch_stop(self) -> None:
        """Cancel / terminate the child under the cursor (the parent and its other children go on)."""
        child = self.selected
        if child is not None and await batch_flows.stop_flow(self, [child]) is not None:
            self.action_reload()

    def action_logs(self) -> None:
        child = self.selected
        if child is not None:
            console(self).open_job_logs(child)

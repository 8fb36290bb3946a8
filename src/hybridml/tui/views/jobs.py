"""`:jobs` — Batch jobs of every status across all (or the configured) queues.

Keys: space marks rows for bulk actions, ctrl+k cancels/terminates, n submits, c clones, R resubmits.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import Binding

from hybridml.domain.batch import Job
from hybridml.domain.logs import LogSource
from hybridml.domain.submit import SubmitRequest
from hybridml.render.batch import JOB_COLUMNS, Cell, job_row, job_sort_key
from hybridml.tui import keys
from hybridml.tui.screens import batch_flows
from hybridml.tui.screens.progress import ActionResult
from hybridml.tui.widgets.resource_view import ResourceView

MARK_COLUMN = "✓"


def dimmed(cell: Cell) -> Cell:
    """A stale row's cell: the same text, dimmed."""
    if isinstance(cell, Text):
        out = cell.copy()
        out.stylize("dim")
        return out
    return Text(cell, style="dim")


SELECT_RETRIES = 5


class JobsView(ResourceView[Job]):
    kind: ClassVar[str] = "jobs"
    title: ClassVar[str] = "Jobs"
    columns: ClassVar[tuple[str, ...]] = (MARK_COLUMN, *JOB_COLUMNS)
    default_sort: ClassVar[str] = "AGE"
    column_min: ClassVar[dict[str, int]] = {"NAME": 20, "STATUS": 9, "AGE": 6}
    drop_order: ClassVar[tuple[str, ...]] = ("JOB ID", "DEFINITION", "ARRAY")  # first to go at 80 columns

    mark_column: ClassVar[str] = MARK_COLUMN
    BINDINGS: ClassVar[list[Binding]] = keys.bindings("jobs")  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.marked: set[str] = set()
        self.pending_select: str | None = None
        self._select_tries = 0
        self._version = -1  # the job sweep's change version the store reflects (-1: nothing yet)
        self._unlisten: Callable[[], None] | None = None

    def on_mount(self) -> None:
        self._unlisten = self.services.batch.listen(self._jobs_changed)

    def on_unmount(self) -> None:
        if self._unlisten is not None:
            self._unlisten()

    def _jobs_changed(self) -> None:
        """A sweep merged a page (the first one paints before the rest arrive) or finished."""
        if not self.composed:
            return
        keep = self.table.cursor_key
        if self._pull():
            self.table.loading = False
            self.rows_changed(keep)

    def _pull(self) -> int:
        """Apply what the sweep changed since we last looked: O(changes), not O(jobs)."""
        batch = self.services.batch
        changes = batch.job_changes(self._version) if self._version >= 0 else None
        if changes is None:
            self._version = batch.sweeper.version
            return self.store.replace(list(batch.sweeper.jobs.values()))
        self._version = changes.version
        return self.store.apply(changes.upserts, changes.removed)

    async def load_rows(self) -> int:
        await self.services.batch.all_jobs(self.services.settings.batch.queues)
        return self._pull()

    def heading(self) -> str:
        base = super().heading()
        if not self.marked:
            return base
        shown = sum(1 for k in self.marked if self.store.index_of(k) is not None)
        hidden = len(self.marked) - shown
        note = f", {hidden} hidden by the filter and left alone" if hidden else ""
        return f"{base}  ● {shown} marked (ctrl+k acts on them{note})"

    async def fetch(self) -> list[Job]:
        return await self.services.batch.all_jobs(self.services.settings.batch.queues)

    def row_key(self, item: Job) -> str:
        return item.job_id

    def render_row(self, item: Job, now: datetime) -> tuple[Cell, ...]:
        cells: tuple[Cell, ...] = ("●" if item.job_id in self.marked else " ", *job_row(item, now))
        partial = self.services.batch.partial
        if partial is not None and item.job_id in partial.stale_ids:  # its list was not read: last good row
            return tuple(dimmed(cell) for cell in cells)
        return cells

    def partial_problem(self) -> tuple[str, str] | None:
        partial = self.services.batch.partial
        return None if partial is None else (partial.short(), partial.summary())

    def sort_value(self, column: str, item: Job, cells: tuple[Cell, ...], now: datetime) -> Any:
        if column == MARK_COLUMN:
            return (item.job_id not in self.marked, -(item.age_s(now) or 0.0))
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
        if item.is_array_parent or item.is_multinode_parent:
            from hybridml.tui.screens.array_children import ArrayChildrenScreen

            self.app.push_screen(ArrayChildrenScreen(self.services, item))
            return
        from hybridml.tui.screens.job_detail import JobDetailScreen

        self.app.push_screen(JobDetailScreen(self.services, item))

    # -- selecting a job that was just submitted --------------------------------------------------
    def select_job(self, job_id: str) -> None:
        """Put the cursor on `job_id` once it is listed (clears filter and scope so it can show)."""
        self.pending_select, self._select_tries = job_id, 0
        if self.filter_text:
            self.set_filter("")
        if self.scope is not None:
            self.set_scope(None)
        self.reload()

    def on_resource_view_loaded(self, event: ResourceView.Loaded) -> None:
        job_id = self.pending_select
        if job_id is None or event.view is not self:
            return
        index = self.store.index_of(job_id)
        if index is not None:
            self.table.move_cursor(index)
            self.pending_select = None
        elif self._select_tries < SELECT_RETRIES:
            self._select_tries += 1
            self.services.batch.invalidate_jobs()
            self.set_timer(0.5, self.reload)
        else:
            self.pending_select = None
            self.app.notify(f"job {job_id} is not listed yet; press r to refresh", severity="warning")

    # -- marks and bulk actions -------------------------------------------------------------------
    def action_toggle_mark(self) -> None:
        job = self.selected
        if job is None:
            return
        self.marked.symmetric_difference_update({job.job_id})
        self.store.refresh_rows([job.job_id])
        self.rows_changed(job.job_id)
        self.table.action_cursor_down()

    def action_clear_marks(self) -> None:
        marked = list(self.marked)
        self.marked.clear()
        self._marks_changed(marked)

    def action_mark_all(self) -> None:
        """Mark every row shown (the filter and scope decide which); marks on hidden rows stay."""
        shown = self.store.display_keys()
        new = [k for k in shown if k not in self.marked]
        self.marked.update(new)
        self._marks_changed(new)
        self.notify(f"{len(shown)} shown jobs marked" + (f" ({len(new)} new)" if len(new) != len(shown) else ""))

    def action_invert_marks(self) -> None:
        """Marked rows shown become unmarked and the others marked; marks on hidden rows stay."""
        shown = self.store.display_keys()
        self.marked.symmetric_difference_update(shown)
        self._marks_changed(shown)

    def _marks_changed(self, keys: list[str]) -> None:
        keep = self.table.cursor_key
        if self.sort_column == MARK_COLUMN:  # marks move rows: place them again
            if len(keys) > 1_000:
                self.store.restyle(keys)
                self._resort()
                return
            self.store.refresh_rows(keys)
        else:
            self.store.restyle(keys)
        self.rows_changed(keep)

    def chosen_keys(self) -> list[str]:
        """Marked rows still shown, in display order; else the row under the cursor."""
        index = self.store.index_of
        shown = sorted((i, k) for k in self.marked if (i := index(k)) is not None)
        return [k for _, k in shown] or super().chosen_keys()

    def targets(self) -> list[Job]:
        """Marked jobs that are still shown (in display order), else the job under the cursor."""
        return [self.by_key[k] for k in self.chosen_keys()]

    async def act_batch_stop(self) -> None:
        jobs = self.targets()
        if not jobs:
            self.notify("nothing selected", severity="warning")
            return
        results = await batch_flows.stop_flow(self, jobs)
        if results is not None:
            self._stopped(results)

    def _stopped(self, results: list[ActionResult]) -> None:
        self.marked.difference_update(r.key for r in results if r.ok)
        failed = [r for r in results if not r.ok]
        if failed:
            self.notify(f"{len(failed)} of {len(results)} not stopped: {failed[0].message}", severity="error")
        self.reload()

    async def act_batch_submit(self) -> None:
        queue = self.scope.value if self.scope is not None and self.scope.field == "queue" else ""
        definition = self.scope.value if self.scope is not None and self.scope.field == "definition" else ""
        name = batch_flows.default_job_name(definition) if definition else ""
        await batch_flows.submit_flow(self, SubmitRequest(queue, definition, name))

    async def act_batch_clone(self) -> None:
        if self.selected is None:
            self.notify("nothing selected", severity="warning")
            return
        await batch_flows.clone_flow(self, self.selected)

    async def act_batch_resubmit(self) -> None:
        if self.selected is None:
            self.notify("nothing selected", severity="warning")
            return
        await batch_flows.resubmit_flow(self, self.selected)

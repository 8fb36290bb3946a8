"""ResourceView: a filterable, sortable, auto-refreshing table of one kind of AWS resource.

Subclasses say how to fetch (async, in a worker), how to key and render a row, and what enter does. Rows live
in a `RowStore` (sorted, filtered, searched without rendering) and are painted by a line-API `ResourceTable`
that renders only the rows on screen. A refresh hands the store what changed (a full listing is diffed by
object identity, a job sweep hands over its changes directly), so a refresh that changes nothing costs
nothing on the UI thread; the cursor stays on the same resource and the filter stays as typed. Filter, sort
and scope changes run as cooperative passes (`RowStore.settle`) that paint the first screenful first.
"""

from __future__ import annotations

import asyncio
import gc
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from hybridml import clock
from hybridml.aws.errors import AccessDenied, AwsError
from hybridml.aws.session import counting
from hybridml.domain.logs import LogSource
from hybridml.render.safe import safe_text
from hybridml.tui import keys
from hybridml.tui.console import console
from hybridml.tui.errors import ReportsWorkerErrors
from hybridml.tui.row_store import RowStore
from hybridml.tui.widgets.resource_table import ResourceTable

if TYPE_CHECKING:
    from hybridml.services import Services

T = TypeVar("T")
Cell = str | Text
SETTLE_NOW_ROWS = 5_000  # up to this many rows a filter or sort change is applied at once (a few ms)
WARM_SLICE = 1_000  # search texts rendered between two pauses after a load
FREEZE_AT_ROWS = 10_000


@dataclass(frozen=True)
class Scope:
    """A pre-filter set by drilling in (e.g. jobs of one queue). `field` is known to the view."""

    field: str
    value: str

    def __str__(self) -> str:
        return f"{self.field}={self.value}"


def compile_filter(text: str) -> tuple[re.Pattern[str] | None, str | None]:
    """Case-insensitive regex, matched cell by cell (`^` and `$` are a cell's ends); a bad regex falls back to
    a literal match and says why."""
    if not text:
        return None, None
    flags = re.IGNORECASE | re.MULTILINE
    try:
        return re.compile(text, flags), None
    except re.error as exc:
        return re.compile(re.escape(text), flags), f"invalid regex ({exc}); matching it literally"


class ResourceView(ReportsWorkerErrors, Vertical, Generic[T]):
    """Base of every resource table view."""

    kind: ClassVar[str] = ""  # command name, e.g. "jobs"
    title: ClassVar[str] = ""
    columns: ClassVar[tuple[str, ...]] = ()
    default_sort: ClassVar[str] = ""
    default_reverse: ClassVar[bool] = False
    service: ClassVar[str] = "batch"  # the pane's AWS service: a denied one is shown as such, not fetched
    column_min: ClassVar[dict[str, int]] = {}  # narrowest a column may get (default: render.columns.DEFAULT_MIN)
    drop_order: ClassVar[tuple[str, ...]] = ()  # columns hidden first when the terminal is narrow

    BINDINGS: ClassVar[list[Binding]] = keys.bindings("view")  # type: ignore[assignment]

    class Loaded(Message):
        """A fetch finished; `count` rows are shown."""

        def __init__(self, view: ResourceView[Any], count: int) -> None:
            super().__init__()
            self.view = view
            self.count = count

    class LoadFailed(Message):
        def __init__(self, view: ResourceView[Any], error: AwsError) -> None:
            super().__init__()
            self.view = view
            self.error = error

    class Drill(Message):
        """Open another view (by kind) scoped to this item."""

        def __init__(self, kind: str, scope: Scope | None) -> None:
            super().__init__()
            self.kind = kind
            self.scope = scope

    def __init__(self, services: Services, scope: Scope | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services
        self.scope = scope
        self.filter_text = ""
        self.sort_column = self.default_sort or (self.columns[0] if self.columns else "")
        self.sort_reverse = self.default_reverse
        self.store: RowStore[T] = RowStore(
            len(self.columns), self.row_key, self._search_cells, self._sort_function(), self._scope_function()
        )
        self.store.reverse = self.sort_reverse
        self.loaded_at: float | None = None
        self.error: AwsError | None = None
        self.stale = False
        self.partial: tuple[str, str] | None = None  # (short, detail): parts of the last fetch not read
        self.loading_since: float | None = None  # monotonic start of the fetch in flight
        self._load_token: object | None = None
        self.load_cost = 0  # requests the last load sent (the cadence paces refreshes by it)
        self._warming = False
        self.load_changed = True  # whether the last load changed any row
        self._offered: bool | None = None  # whether `l` was offered for the row under the cursor

    # -- to implement -----------------------------------------------------------------------------
    async def fetch(self) -> list[T]:
        raise NotImplementedError

    def row_key(self, item: T) -> str:
        raise NotImplementedError

    def render_row(self, item: T, now: datetime) -> tuple[Cell, ...]:
        raise NotImplementedError

    def sort_value(self, column: str, item: T, cells: tuple[Cell, ...], now: datetime) -> Any:
        """The sort key of `item` for `column` (`cells` may be empty: they are rendered when needed)."""
        cells = cells or self.render_row(item, now)
        index = self.columns.index(column) if column in self.columns else 0
        cell = cells[index]
        plain = cell.plain if isinstance(cell, Text) else cell
        try:
            return (0, float(plain), "")
        except ValueError:
            return (1, 0.0, plain.lower())

    def display_name(self, item: T) -> str:
        """How the item is named in titles (default: its row key)."""
        return self.row_key(item)

    def in_scope(self, item: T) -> bool:
        return True

    async def describe_json(self, item: T) -> str:
        raise NotImplementedError

    def drill(self, item: T) -> None:
        """What enter does; default: nothing."""

    def log_source(self, item: T) -> LogSource | None:
        """What `l` follows for this item (a Batch job, training job, endpoint); None: this kind has no logs."""
        return None

    def services_for(self, item: T) -> Services:
        """The services that read `item` (its region's, in a regions-side-by-side view)."""
        return self.services

    def explain_item(self, item: T) -> Any:
        """What `t` explains for `item` (a regional row: the resource inside it)."""
        return item

    def no_logs_reason(self, item: T) -> str:
        """Why `l` has nothing to show for `item` (when `log_source` is None)."""
        return f"{self.kind}: no logs for this kind of resource"

    async def load_rows(self) -> int:
        """Fetch and hand the rows to the store; returns how many rows changed. Views that know what changed
        (the job sweep) override this to apply only the changes."""
        return self.store.replace(await self.fetch())

    def partial_problem(self) -> tuple[str, str] | None:
        """After a fetch that read only part of what it asked for: (a few words, the detail). Those parts keep
        their last good rows; the view says so in its title and the app in the header."""
        return None

    # -- compose & state --------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(safe_text(self.heading()), classes="view-title", id="view-title")
        table = ResourceTable(
            self.columns,
            self.store,
            self.render_row,
            column_min=self.column_min,
            drop_order=self.drop_order,
            id="table",
        )
        table.sort_column, table.sort_reverse = self.sort_column, self.sort_reverse
        yield table

    def on_mount(self) -> None:
        # Loading is shown from here, not from compose: set before the table is mounted, Textual applies it later
        # (call_later), after a fast first fetch may already have cleared it, and the table stays covered at 0x0.
        if self.loaded_at is None and self.error is None:
            self.table.loading = True

    @property
    def composed(self) -> bool:
        """The title and the table exist (from compose on, before the view counts as mounted)."""
        return bool(self.query("#table"))

    @property
    def table(self) -> ResourceTable:
        return self.query_one("#table", ResourceTable)

    @property
    def items(self) -> list[T]:
        return list(self.store.items.values())

    @property
    def by_key(self) -> dict[str, T]:
        return self.store.items

    @property
    def rows_touched(self) -> int:
        return self.store.touched

    def cells_of(self, key: str) -> list[str]:
        """A row's cells as plain text, rendered now (tests, copy)."""
        item = self.store.items[key]
        return [c.plain if isinstance(c, Text) else c for c in self.render_row(item, clock.utcnow())]

    @property
    def shown_keys(self) -> list[str]:
        """Keys of the rows shown, in display order (O(rows): tests and bulk actions)."""
        return self.store.display_keys()

    def heading(self) -> str:
        parts = [self.title or self.kind]
        if self.scope:
            parts.append(f"({self.scope})")
        shown, total = len(self.store.shown), self.store.scoped
        parts.append(f"[{shown}/{total}]" if self.filter_text else f"[{total}]")
        if self.filter_text:
            parts.append(f"/{self.filter_text}")
        arrow = "↓" if self.sort_reverse else "↑"
        parts.append(f"sort:{self.sort_column}{arrow}")
        if self.error is not None:  # what is wrong, in one word; rows already shown stay (stale)
            parts.append(f"⚠ stale: {self.error.kind}" if self.stale else f"⚠ {self.error.kind}")
        elif self.partial is not None:
            parts.append(f"⚠ partial: {self.partial[0]}")
        return "  ".join(parts)

    def update_heading(self, text: str | None = None) -> None:
        """The title line; it quotes names, filters and AWS errors, so it is plain text (never markup)."""
        if self.composed:
            self.query_one("#view-title", Static).update(safe_text(self.heading() if text is None else text))

    paint_heading = update_heading

    @property
    def selected(self) -> T | None:
        if not self.composed:
            return None
        return self.store.item_at(self.table.cursor_row)

    def _search_cells(self, item: T) -> Sequence[Cell]:
        return self.render_row(item, clock.utcnow())

    def _sort_function(self) -> Callable[[T], Any]:
        """A sort key for the current column, at one fixed clock (ages stay comparable as time passes)."""
        column, now = self.sort_column, clock.utcnow()
        return lambda item: self.sort_value(column, item, (), now)

    def _scope_function(self) -> Callable[[T], bool] | None:
        return None if self.scope is None else self.in_scope

    def set_filter(self, text: str) -> str | None:
        """Apply a filter; returns a warning when the regex was invalid."""
        self.filter_text = text
        pattern, warning = compile_filter(text)
        self.store.want(pattern=pattern)
        self.repaint()
        return warning

    def set_scope(self, scope: Scope | None) -> None:
        self.scope = scope
        self.store.want(in_scope=self._scope_function())
        self.repaint()

    def rows_changed(self, keep: str | None = None, *, gone_to_top: bool = False) -> None:
        """The store changed (a refresh, marks, a filter): keep the cursor on its row, repaint what changed.
        Until the first load has finished the cursor stays at the top (rows are still arriving)."""
        if self.composed:
            self.table.changed(keep if self.loaded_at is not None else None, gone_to_top=gone_to_top)
            self.update_heading()
            self.sync_row_keys()

    # -- fetching ---------------------------------------------------------------------------------
    def reload(self) -> None:
        """Fetch now (a fetch still in flight is cancelled)."""
        self._load()

    def refresh_tick(self) -> None:
        """A timer tick: fetch unless a fetch is still in flight. Restarting it on every tick would hide a
        silent endpoint forever (each attempt cancelled before its timeout); letting it finish surfaces it."""
        if self.loading_since is None:
            self._load()

    @work(exclusive=True, group="view-load", exit_on_error=False)
    async def _load(self) -> None:
        token = object()
        self._load_token = token
        self.loading_since = time.monotonic()
        try:
            await self._fetch_and_show()
        finally:
            if self._load_token is token:
                self.loading_since = None

    async def _fetch_and_show(self) -> None:
        version = self.store.version
        with counting() as tally:  # this load's own requests (the watches' run beside it)
            try:
                await self._fetch_and_show_rows()
            finally:
                self.load_cost, self.load_changed = tally.requests, self.store.version != version
        if self.load_changed and len(self.store) >= FREEZE_AT_ROWS:
            # The rows are long-lived: out of the collector's sight, its full passes stay short (a pass over
            # 100,000 jobs stalls keys for a second). What is replaced later is still freed by refcounting.
            gc.freeze()

    async def _fetch_and_show_rows(self) -> None:
        denied = self.services.denied(self.service)
        if denied is not None and self.loaded_at is None:  # never read here: trust the start-up probe
            error: AwsError = AccessDenied(f"access denied: needs {denied.permission}", service=denied.service)
            self.error, self.stale = error, bool(self.store)
            self.table.loading = False
            self.update_heading(f"{self.title or self.kind}  ⛔ {error.message}")
            self.post_message(self.LoadFailed(self, error))
            return
        keep = self.table.cursor_key
        try:
            await self.load_rows()
        except AwsError as error:  # AWS said no, or did not answer: one message; a bug is reported as one
            self.error, self.stale = error, bool(self.store)
            self.table.loading = False
            self.update_heading()
            self.post_message(self.LoadFailed(self, error))
            return
        self.error, self.stale = None, False
        self.partial = self.partial_problem()
        self.loaded_at = time.monotonic()
        table = self.table
        table.loading = False
        table.now = clock.utcnow()
        table.tick()  # ages move on: the rows on screen are rendered again (only those)
        self.rows_changed(keep if keep is not None else table.cursor_key)
        self.post_message(self.Loaded(self, len(self.store.shown)))
        self._warm_search()

    def _warm_search(self) -> None:
        if not self._warming:
            self._warming = True
            self._warm()

    @work(group="view-warm", exit_on_error=False)
    async def _warm(self) -> None:
        """In idle time, render the search text of rows that have none, so the first filter is quick (one at a
        time; it looks again before it stops, for rows that changed meanwhile)."""
        try:
            missing = self.store.unsearched()
            while missing:
                for start in range(0, len(missing), WARM_SLICE):
                    await asyncio.sleep(0.01)
                    self.store.warm(missing[start : start + WARM_SLICE])
                missing = self.store.unsearched()
        finally:
            self._warming = False

    # -- painting ---------------------------------------------------------------------------------
    def repaint(self) -> None:
        """Bring rows to the current scope, filter and sort: at once for a small table, else as a cooperative
        pass that paints the first screenful first."""
        if not self.composed:
            return
        keep = self.table.cursor_key
        if len(self.store) <= SETTLE_NOW_ROWS:
            if self.store.settle_now():
                self.table.sort_column, self.table.sort_reverse = self.sort_column, self.sort_reverse
                self.rows_changed(keep, gone_to_top=True)
        else:
            self._settle(keep)

    @work(group="view-settle", exit_on_error=False)
    async def _settle(self, keep: str | None) -> None:
        table = self.table

        def first_screen() -> None:
            self.rows_changed(keep, gone_to_top=True)

        if await self.store.settle(table.visible_rows + 1, first_screen):
            table.sort_column, table.sort_reverse = self.sort_column, self.sort_reverse
            self.rows_changed(keep, gone_to_top=True)

    # -- actions ----------------------------------------------------------------------------------
    def _resort(self) -> None:
        self.store.want(sort_value=self._sort_function(), reverse=self.sort_reverse)
        self.repaint()

    def action_act(self, action_id: str) -> None:
        """An action key (`hybridml.actions`): its flow runs `act_<id>` of this view."""
        console(self).act(self, action_id)

    # -- the clipboard (y / Y) ------------------------------------------------------------------------
    def chosen_keys(self) -> list[str]:
        """The rows a copy takes: the row under the cursor (views with marks take the marked rows first)."""
        key = self.table.cursor_key if self.composed else None
        return [key] if key is not None else []

    def action_copy_ids(self) -> None:
        from hybridml.tui.copy import copy_rows

        copy_rows(self, whole_rows=False)

    def action_copy_rows(self) -> None:
        from hybridml.tui.copy import copy_rows

        copy_rows(self, whole_rows=True)

    def action_sort_next(self) -> None:
        index = self.columns.index(self.sort_column) if self.sort_column in self.columns else -1
        self.sort_column = self.columns[(index + 1) % len(self.columns)]
        self._resort()

    def action_sort_reverse(self) -> None:
        self.sort_reverse = not self.sort_reverse
        keep = self.table.cursor_key
        self.store.want(reverse=self.sort_reverse)
        self.table.sort_reverse = self.sort_reverse
        self.rows_changed(keep)

    # -- keys offered for the row under the cursor ------------------------------------------------------
    def action_open_logs(self) -> None:
        console(self).open_logs_of(self)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`l` is offered (in the footer, and acts) only on a row that has logs; elsewhere the app's own `l`
        says why there are none."""
        if action == "open_logs":
            item = self.selected
            return item is not None and self.log_source(item) is not None
        return True

    def sync_row_keys(self) -> None:
        """The cursor moved or the rows changed: refresh the footer when what it offers changed."""
        item = self.selected
        offered = item is not None and self.log_source(item) is not None
        if offered != self._offered:
            self._offered = offered
            self.refresh_bindings()

    def on_resource_table_cursor_moved(self, event: ResourceTable.CursorMoved) -> None:
        event.stop()
        self.sync_row_keys()

    def on_resource_table_row_selected(self, event: ResourceTable.RowSelected) -> None:
        event.stop()
        item = self.store.items.get(event.key)
        if item is not None:
            self.drill(item)

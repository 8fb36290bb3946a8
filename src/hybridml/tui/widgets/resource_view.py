"""ResourceView: a filterable, sortable, auto-refreshing table of one kind of AWS resource.

Subclasses say how to fetch (async, in a worker), how to key and render a row, and what enter does.
Refreshes keep the cursor on the same resource and the filter as typed; unchanged rows are not redrawn.
A refresh renders its rows in slices, yielding to the event loop between them, so keys stay responsive
with tens of thousands of rows; it then applies only the differences to the table in one batch (changed
cells, inserted and removed rows, a new order), never clearing a table that already shows rows.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Generic, NamedTuple, TypeVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from hybridml import clock
from hybridml.aws.errors import AccessDenied, AwsError
from hybridml.domain.logs import LogSource
from hybridml.render.safe import safe_text
from hybridml.tui import keys
from hybridml.tui.console import console
from hybridml.tui.errors import ReportsWorkerErrors
from hybridml.tui.widgets.resource_table import ResourceTable

if TYPE_CHECKING:
    from hybridml.services import Services

T = TypeVar("T")
Cell = str | Text
RENDER_SLICE = 500  # rows rendered between two yields to the event loop during a refresh


class _Row(NamedTuple):
    sort_key: Any
    key: str
    cells: tuple[Cell, ...]
    changed: tuple[int, ...] | None  # columns that differ from the screen; None: a new row


def _sort_key(row: _Row) -> Any:
    return row.sort_key


@dataclass(frozen=True)
class Scope:
    """A pre-filter set by drilling in (e.g. jobs of one queue). `field` is known to the view."""

    field: str
    value: str

    def __str__(self) -> str:
        return f"{self.field}={self.value}"


def compile_filter(text: str) -> tuple[re.Pattern[str] | None, str | None]:
    """Case-insensitive regex; a bad regex falls back to a literal match and says why."""
    if not text:
        return None, None
    try:
        return re.compile(text, re.IGNORECASE), None
    except re.error as exc:
        return re.compile(re.escape(text), re.IGNORECASE), f"invalid regex ({exc}); matching it literally"


class ResourceView(ReportsWorkerErrors, Vertical, Generic[T]):
    """Base of every resource table view."""

    kind: ClassVar[str] = ""  # command name, e.g. "jobs"
    title: ClassVar[str] = ""
    columns: ClassVar[tuple[str, ...]] = ()
    default_sort: ClassVar[str] = ""
    default_reverse: ClassVar[bool] = False
    service: ClassVar[str] = "batch"  # the pane's AWS service: a denied one is shown as such, not fetched

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
        self.items: list[T] = []
        self.by_key: dict[str, T] = {}
        self.filter_text = ""
        self._pattern: re.Pattern[str] | None = None
        self.sort_column = self.default_sort or (self.columns[0] if self.columns else "")
        self.sort_reverse = self.default_reverse
        self._rendered: dict[str, tuple[Cell, ...]] = {}
        self._order: list[str] = []
        self.loaded_at: float | None = None
        self.error: AwsError | None = None
        self.stale = False
        self.partial: tuple[str, str] | None = None  # (short, detail): parts of the last fetch not read
        self.rows_touched = 0  # cells changed + rows added/removed by the last repaint (tests, bench)
        self.loading_since: float | None = None  # monotonic start of the fetch in flight
        self._load_token: object | None = None
        self._generation = 0  # bumped by every synchronous repaint (filter, sort, scope changes)

    # -- to implement -----------------------------------------------------------------------------
    async def fetch(self) -> list[T]:
        raise NotImplementedError

    def row_key(self, item: T) -> str:
        raise NotImplementedError

    def render_row(self, item: T, now: datetime) -> tuple[Cell, ...]:
        raise NotImplementedError

    def sort_value(self, column: str, item: T, cells: tuple[Cell, ...], now: datetime) -> Any:
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

    def partial_problem(self) -> tuple[str, str] | None:
        """After a fetch that read only part of what it asked for: (a few words, the detail). Those parts keep
        their last good rows; the view says so in its title and the app in the header."""
        return None

    # -- compose & state --------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(safe_text(self.heading()), classes="view-title", id="view-title")
        table = ResourceTable(cursor_type="row", zebra_stripes=True, id="table")
        for column in self.columns:
            table.add_column(column, key=column)
        yield table

    def on_mount(self) -> None:
        # Loading is shown from here, not from compose: set before the table is mounted, Textual applies it later
        # (call_later), after a fast first fetch may already have cleared it, and the table stays covered at 0x0.
        if self.loaded_at is None and self.error is None:
            self.table.loading = True

    @property
    def table(self) -> ResourceTable:
        return self.query_one("#table", ResourceTable)

    def heading(self) -> str:
        parts = [self.title or self.kind]
        if self.scope:
            parts.append(f"({self.scope})")
        shown = len(self._order)
        total = sum(1 for item in self.items if self.in_scope(item))
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

    def paint_heading(self, text: str | None = None) -> None:
        """The title line; it quotes names, filters and AWS errors, so it is plain text (never markup)."""
        self.query_one("#view-title", Static).update(safe_text(self.heading() if text is None else text))

    @property
    def selected(self) -> T | None:
        table = self.table
        if not self._order or table.cursor_row < 0 or table.cursor_row >= len(self._order):
            return None
        return self.by_key.get(self._order[table.cursor_row])

    def set_filter(self, text: str) -> str | None:
        """Apply a filter; returns a warning when the regex was invalid."""
        self.filter_text = text
        self._pattern, warning = compile_filter(text)
        self.repaint()
        return warning

    def set_scope(self, scope: Scope | None) -> None:
        self.scope = scope
        self.repaint()

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
        denied = self.services.denied(self.service)
        if denied is not None:
            error: AwsError = AccessDenied(f"access denied: needs {denied.permission}", service=denied.service)
            self.error, self.stale = error, bool(self.items)
            self.table.loading = False
            self.paint_heading(f"{self.title or self.kind}  ⛔ {error.message}")
            self.post_message(self.LoadFailed(self, error))
            return
        try:
            items = await self.fetch()
        except AwsError as error:  # AWS said no, or did not answer: one message; a bug is reported as one
            self.error, self.stale = error, bool(self.items)
            self.table.loading = False
            self.paint_heading()
            self.post_message(self.LoadFailed(self, error))
            return
        now = clock.utcnow()
        generation = self._generation
        self.partial = self.partial_problem()
        rows = await self._build_sliced(items, now)
        self.error, self.stale = None, False
        self.items = items
        self.by_key = {self.row_key(item): item for item in items}
        self.loaded_at = time.monotonic()
        self.table.loading = False
        if generation == self._generation:
            self._apply(rows)
            self.paint_heading()
        else:  # filter, sort or scope changed while we rendered: start over with what is asked now
            self.repaint()
        self.post_message(self.Loaded(self, len(self._order)))

    # -- painting ---------------------------------------------------------------------------------
    def _matches(self, cells: tuple[Cell, ...]) -> bool:
        if self._pattern is None:
            return True
        return any(self._pattern.search(c.plain if isinstance(c, Text) else c) for c in cells)

    def _row(self, item: T, now: datetime, before: dict[str, tuple[Cell, ...]]) -> _Row | None:
        """Render one item if it is shown, with its sort key and the columns that differ from the screen."""
        if not self.in_scope(item):
            return None
        cells = self.render_row(item, now)
        if not self._matches(cells):
            return None
        key = self.row_key(item)
        old = before.get(key)
        if old is None:
            changed: tuple[int, ...] | None = None
        elif old == cells:
            changed, cells = (), old  # keep the shown tuple: the new one dies young, the collector stays idle
        else:
            changed = tuple(i for i, cell in enumerate(cells) if old[i] != cell)
        return _Row(self.sort_value(self.sort_column, item, cells, now), key, cells, changed)

    async def _build_sliced(self, items: list[T], now: datetime) -> list[_Row]:
        """`_row` for every item, yielding to the event loop every RENDER_SLICE items (keys are handled meanwhile)."""
        before = self._rendered
        rows: list[_Row] = []
        for start in range(0, len(items), RENDER_SLICE):
            if start:
                await asyncio.sleep(0)
            for item in items[start : start + RENDER_SLICE]:
                row = self._row(item, now, before)
                if row is not None:
                    rows.append(row)
        return rows

    def repaint(self) -> None:
        """Show `items` under the current scope, filter and sort, changing only what differs on screen."""
        if not self.is_mounted:
            return
        self._generation += 1
        now = clock.utcnow()
        before = self._rendered
        rows = [row for item in self.items if (row := self._row(item, now, before)) is not None]
        self._apply(rows)
        self.paint_heading()

    def _apply(self, rows: list[_Row]) -> None:
        """Sort, then change the table in one batch: changed cells, removed and added rows, the new order."""
        rows.sort(key=_sort_key, reverse=self.sort_reverse)
        order = [row.key for row in rows]
        table = self.table
        current_key = self._order[table.cursor_row] if 0 <= table.cursor_row < len(self._order) else None
        changes = [(r.key, self.columns[i], r.cells[i]) for r in rows if r.changed for i in r.changed]
        table.update_cells(changes)
        added = 0
        if order != self._order:
            shown = set(order)
            removed = [k for k in self._order if k not in shown]
            table.remove_rows(removed)
            for row in rows:
                if row.changed is None:
                    table.add_row(*row.cells, key=row.key)
                    added += 1
            table.reorder(order)
            if current_key in shown:
                table.move_cursor(row=order.index(current_key), animate=False)
            added += len(removed)
        self.rows_touched = len(changes) + added
        self._order = order
        self._rendered = {row.key: row.cells for row in rows}

    # -- actions ----------------------------------------------------------------------------------
    def action_act(self, action_id: str) -> None:
        """An action key (`hybridml.actions`): its flow runs `act_<id>` of this view."""
        console(self).act(self, action_id)

    def action_sort_next(self) -> None:
        index = self.columns.index(self.sort_column) if self.sort_column in self.columns else -1
        self.sort_column = self.columns[(index + 1) % len(self.columns)]
        self.repaint()

    def action_sort_reverse(self) -> None:
        self.sort_reverse = not self.sort_reverse
        self.repaint()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        item = self.by_key.get(str(event.row_key.value))
        if item is not None:
            self.drill(item)

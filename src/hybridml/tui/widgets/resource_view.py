"""ResourceView: a filterable, sortable, auto-refreshing table of one kind of AWS resource.

Subclasses say how to fetch (async, in a worker), how to key and render a row, and what enter does.
Refreshes keep the cursor on the same resource and the filter as typed; unchanged rows are not redrawn.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from hybridml.aws.errors import AccessDenied, AwsError, translate
from hybridml.domain.logs import LogSource

if TYPE_CHECKING:
    from hybridml.services import Services

T = TypeVar("T")
Cell = str | Text


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


class ResourceView(Vertical, Generic[T]):
    """Base of every resource table view."""

    kind: ClassVar[str] = ""  # command name, e.g. "jobs"
    title: ClassVar[str] = ""
    columns: ClassVar[tuple[str, ...]] = ()
    default_sort: ClassVar[str] = ""
    default_reverse: ClassVar[bool] = False
    service: ClassVar[str] = "batch"  # the pane's AWS service: a denied one is shown as such, not fetched

    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("o", "sort_next", "Sort", id="view.sort"),
        Binding("O", "sort_reverse", "Reverse", id="view.sort_reverse", show=False),
    ]

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

    # -- compose & state --------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(self.heading(), classes="view-title", id="view-title")
        table: DataTable[Cell] = DataTable(cursor_type="row", zebra_stripes=True, id="table")
        for column in self.columns:
            table.add_column(column, key=column)
        table.loading = True
        yield table

    @property
    def table(self) -> DataTable[Cell]:
        return self.query_one("#table", DataTable)

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
        if self.stale and self.error is not None:
            parts.append(f"⚠ stale: {self.error.kind}")
        return "  ".join(parts)

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
        self._load()

    @work(exclusive=True, group="view-load", exit_on_error=False)
    async def _load(self) -> None:
        denied = self.services.denied(self.service)
        if denied is not None:
            error: AwsError = AccessDenied(f"access denied: needs {denied.permission}", service=denied.service)
            self.error, self.stale = error, bool(self.items)
            self.table.loading = False
            self.query_one("#view-title", Static).update(f"{self.title or self.kind}  ⛔ {error.message}")
            self.post_message(self.LoadFailed(self, error))
            return
        try:
            items = await self.fetch()
        except Exception as exc:  # every failure ends up as one message, never a traceback
            error = translate(exc)
            self.error, self.stale = error, bool(self.items)
            self.table.loading = False
            self.query_one("#view-title", Static).update(self.heading())
            self.post_message(self.LoadFailed(self, error))
            return
        self.error, self.stale = None, False
        self.items = items
        self.by_key = {self.row_key(item): item for item in items}
        self.loaded_at = time.monotonic()
        self.table.loading = False
        self.repaint()
        self.post_message(self.Loaded(self, len(self._order)))

    # -- painting ---------------------------------------------------------------------------------
    def _matches(self, cells: tuple[Cell, ...]) -> bool:
        if self._pattern is None:
            return True
        return any(self._pattern.search(c.plain if isinstance(c, Text) else c) for c in cells)

    def repaint(self) -> None:
        if not self.is_mounted:
            return
        now = datetime.now(UTC)
        rows: list[tuple[str, tuple[Cell, ...], T]] = []
        for item in self.items:
            if not self.in_scope(item):
                continue
            cells = self.render_row(item, now)
            if self._matches(cells):
                rows.append((self.row_key(item), cells, item))
        column = self.sort_column
        rows.sort(key=lambda r: self.sort_value(column, r[2], r[1], now), reverse=self.sort_reverse)
        order = [key for key, _, _ in rows]
        table = self.table
        current_key = self._order[table.cursor_row] if 0 <= table.cursor_row < len(self._order) else None
        if order == self._order:
            for key, cells, _ in rows:  # same rows, same order: touch only changed cells
                old = self._rendered.get(key)
                if old == cells:
                    continue
                for index, cell in enumerate(cells):
                    if old is None or old[index] != cell:
                        table.update_cell(key, self.columns[index], cell)
        else:
            table.clear()
            for key, cells, _ in rows:
                table.add_row(*cells, key=key)
            if current_key in order:
                table.move_cursor(row=order.index(current_key), animate=False)
        self._order = order
        self._rendered = {key: cells for key, cells, _ in rows}
        self.query_one("#view-title", Static).update(self.heading())

    # -- actions ----------------------------------------------------------------------------------
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

"""ResourceTable: a line-API table over a `RowStore` — paints only the rows on screen.

A 100,000-row table costs what its visible rows cost: the store keeps the rows sorted and filtered, and
`render_line` asks the view for the cells of the one row it paints (cached per row until that row, the
layout or the clock changes). Cells go through the sanitiser (`render.safe.safe_cell`) and are painted as
`rich.text.Text`: nothing is ever parsed as markup, and control characters show escaped. Column widths
follow the content and the terminal (`render.columns.fit_columns`): long cells end with an ellipsis and
optional columns give way at 80 columns, so AGE stays visible.

Keys: up/down, page up/down, home/end move the cursor; enter posts `RowSelected`; left/right scroll
sideways when the columns are wider than the screen. The cursor follows its row (by key) when rows are
added, removed or re-sorted above it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from hybridml import clock
from hybridml.render.columns import GAP, fit_columns, natural_widths
from hybridml.render.safe import safe_cell
from hybridml.tui import keys
from hybridml.tui.row_store import Cell, RowStore

CACHE_LINES = 400  # rendered lines kept (a few screens' worth)


class ResourceTable(ScrollView, can_focus=True):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "resource-table--header",
        "resource-table--cursor",
        "resource-table--even-row",
    }

    DEFAULT_CSS = """
    ResourceTable {
        height: 1fr;
        background: $surface;
        color: $foreground;
        & > .resource-table--header { text-style: bold; background: $panel; color: $foreground; }
        & > .resource-table--even-row { background: $surface-lighten-1 50%; }
        & > .resource-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .resource-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        &:dark > .resource-table--even-row { background: $surface-darken-1 40%; }
    }
    """

    BINDINGS: ClassVar[list[Binding]] = keys.bindings("table")  # type: ignore[assignment]

    class RowSelected(Message):
        """Enter (or a click on the cursor row): open the row."""

        def __init__(self, table: ResourceTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> ResourceTable:
            return self.table

    def __init__(
        self,
        columns: Sequence[str],
        store: RowStore[Any],
        cells: Callable[[Any, datetime], Sequence[Cell]],
        *,
        column_min: Mapping[str, int] | None = None,
        drop_order: Sequence[str] = (),
        zebra_stripes: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.columns = tuple(columns)
        self.store = store
        self._cells = cells
        self.column_min = dict(column_min or {})
        self.drop_order = tuple(drop_order)
        self.zebra_stripes = zebra_stripes
        self.cursor_row = 0
        self.sort_column = ""
        self.sort_reverse = False
        self.now = clock.utcnow()  # the clock the cells are rendered at (ages); `tick()` moves it
        self._cache: OrderedDict[tuple[Any, ...], Strip] = OrderedDict()
        self._layout_key: tuple[Any, ...] | None = None
        self._widths: list[int] = []
        self._seen_version = -1

    # -- state ------------------------------------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self.store.shown)

    @property
    def cursor_key(self) -> str | None:
        return self.store.key_at(self.cursor_row)

    @property
    def visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)  # less the header

    @property
    def first_row(self) -> int:
        return max(0, round(self.scroll_y))

    def tick(self) -> None:
        """Render the cells again at the current time (ages and durations move)."""
        self.now = clock.utcnow()
        self._cache.clear()
        self.refresh()

    def changed(self, keep: str | None = None, *, gone_to_top: bool = False) -> None:
        """The store changed: keep the cursor on row `keep` (by key) if it is still shown (else on the same
        row number, or the top with `gone_to_top`: a new filter), repaint."""
        store = self.store
        for key in store.changed_keys:
            self._drop(key)
        store.changed_keys.clear()
        if keep is not None:
            index = store.index_of(keep)
            if index is not None:
                self.cursor_row = index
            elif gone_to_top:
                self.cursor_row = 0
        self.cursor_row = max(0, min(self.cursor_row, self.row_count - 1))
        self._update_size()
        self._scroll_cursor_into_view()
        self.refresh()

    def _drop(self, key: str) -> None:
        for cached in [c for c in self._cache if c[0] == key]:
            del self._cache[cached]

    # -- geometry ---------------------------------------------------------------------------------
    def _layout(self) -> list[int]:
        width = self.scrollable_content_region.width or self.size.width or 80
        content = tuple(self.store.widths)
        key = (width, content, self.sort_column, self.sort_reverse)
        if key != self._layout_key:
            titles = [self._title(c) for c in self.columns]
            natural = natural_widths(titles, content)
            # minimums and the drop order name columns; the sorted one's title carries an arrow
            shown = {c: self._title(c) for c in self.columns}
            minimums = {shown[c]: m for c, m in self.column_min.items() if c in shown}
            drop = [shown[c] for c in self.drop_order if c in shown]
            self._widths = fit_columns(titles, natural, width, minimums, drop)
            self._layout_key = key
            self._cache.clear()
        return self._widths

    def _title(self, column: str) -> str:
        if column != self.sort_column:
            return column
        return f"{column}{'↓' if self.sort_reverse else '↑'}"

    def _update_size(self) -> None:
        widths = self._layout()
        total = sum(widths) + GAP * max(0, sum(1 for w in widths if w) - 1)
        self.virtual_size = Size(total, self.row_count + 1)

    def _relayout(self) -> None:
        self._update_size()
        self._cache.clear()
        self.refresh()

    def on_resize(self) -> None:
        self._update_size()
        self._scroll_cursor_into_view()

    # -- cursor -----------------------------------------------------------------------------------
    def move_cursor(self, row: int, *, animate: bool = False) -> None:
        """Put the cursor on display row `row` (scrolling only as far as it takes to show it)."""
        del animate  # (DataTable's signature: the cursor never animates here)
        old = self.cursor_row
        self.cursor_row = max(0, min(row, self.row_count - 1))
        if self.cursor_row != old:
            self._refresh_row(old)
            self._refresh_row(self.cursor_row)
        self._scroll_cursor_into_view()

    def _refresh_row(self, row: int) -> None:
        if 0 <= row - self.first_row < self.visible_rows:
            self.refresh_line(row + 1)  # virtual line: the header is line 0

    def _scroll_cursor_into_view(self) -> None:
        first, rows = self.first_row, self.visible_rows
        if self.cursor_row < first:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= first + rows:
            self.scroll_to(y=self.cursor_row - rows + 1, animate=False, immediate=True)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor_row + 1)

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor_row - self.visible_rows)

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor_row + self.visible_rows)

    def action_cursor_top(self) -> None:
        self.move_cursor(0)

    def action_cursor_bottom(self) -> None:
        self.move_cursor(self.row_count - 1)

    def action_scroll_sideways(self, cells: int) -> None:
        self.scroll_to(x=max(0, self.scroll_x + cells), animate=False)

    def action_select_cursor(self) -> None:
        key = self.cursor_key
        if key is not None:
            self.post_message(self.RowSelected(self, key))

    def on_click(self, event: events.Click) -> None:
        if event.y < 1:
            return
        row = self.first_row + event.y - 1
        if row >= self.row_count:
            return
        if row == self.cursor_row:
            self.action_select_cursor()
        else:
            self.move_cursor(row)

    # -- painting ---------------------------------------------------------------------------------
    def on_focus(self) -> None:
        self.refresh()  # the cursor row changes colour (its focused line is cached apart from the blurred one)

    def on_blur(self) -> None:
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        widths = self._layout()
        if self._seen_version != self.store.version:
            self._seen_version = self.store.version
            for key in self.store.changed_keys:
                self._drop(key)
            self.store.changed_keys.clear()
        scroll_x = round(self.scroll_x)
        if y == 0:
            strip = self._header(widths)
        else:
            row = self.first_row + y - 1
            found = self.store.key_at(row)
            if found is None:
                return Strip.blank(width, self.rich_style)
            strip = self._row(found, row, widths)
        return strip.crop(scroll_x, scroll_x + width).extend_cell_length(width, self.rich_style)

    def _header(self, widths: list[int]) -> Strip:
        style = self.get_component_rich_style("resource-table--header")
        text = self._join([Text(self._title(c)) for c in self.columns], widths)
        return Strip(list(text.render(self.app.console)), text.cell_len).apply_style(style)

    def _row(self, key: str, row: int, widths: list[int]) -> Strip:
        cursor = row == self.cursor_row
        even = self.zebra_stripes and row % 2 == 1
        # the cursor row is drawn one way focused and another blurred: the focus is part of its cache key
        cache_key = (key, cursor and (self.has_focus or None), even)
        cached = self._cache.get(cache_key)
        if cached is not None:
            self._cache.move_to_end(cache_key)
            return cached
        item = self.store.items[key]
        # through the sanitiser: markup stays literal, control characters show escaped, a huge field is cut
        cells = [c.copy() if isinstance(c, Text) else Text(c) for c in map(safe_cell, self._cells(item, self.now))]
        if self.store.note_widths([c.plain for c in cells]):
            self.call_later(self._relayout)  # a wider cell than any painted before: columns follow
        text = self._join(cells, widths)
        base = self.rich_style
        if even:
            base += self.get_component_rich_style("resource-table--even-row")
        segments = list(text.render(self.app.console))
        strip = Strip(segments, text.cell_len)
        strip = Strip(Segment.apply_style(strip, base), strip.cell_length)
        if cursor:  # over the cells' own colours, like a selection
            cursor_style = self.get_component_rich_style("resource-table--cursor")
            strip = Strip(Segment.apply_style(strip, None, cursor_style), strip.cell_length)
        self._cache[cache_key] = strip
        if len(self._cache) > CACHE_LINES:
            self._cache.popitem(last=False)
        return strip

    @staticmethod
    def _join(cells: list[Text], widths: list[int]) -> Text:
        line = Text(no_wrap=True, end="")
        first = True
        for cell, width in zip(cells, widths, strict=False):
            if width <= 0:
                continue
            if not first:
                line.append(" " * GAP)
            first = False
            cell.no_wrap = True
            cell.truncate(width, overflow="ellipsis", pad=True)
            line.append_text(cell)
        return line

    def get_cell(self, key: str, column: str) -> Text:
        """The cell of row `key` in `column` as it is painted (sanitised)."""
        cells = self._cells(self.store.items[key], self.now)
        cell = safe_cell(cells[self.columns.index(column)])
        return cell if isinstance(cell, Text) else Text(cell)

    def plain_row(self, row: int) -> list[str]:
        """The row's cells as plain text (tests)."""
        item = self.store.item_at(row)
        if item is None:
            return []
        return [c.plain if isinstance(c, Text) else c for c in self._cells(item, self.now)]

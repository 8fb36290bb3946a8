"""LogPane: a line-API log widget — renders only the visible lines of a bounded `LogBuffer`.

Follow (stick to the bottom) turns off when the user scrolls up; `new_since_follow` counts lines that
arrived meanwhile for the "N new lines" badge. Wrap, timestamps, source tags and search highlights are
applied at render time, so toggling them costs one repaint.

Lines stay verbatim in the buffer (search, filter and `S` save work on what the program wrote); they are
painted through the sanitiser: an escape sequence shows as `\x1b[2J`, never reaches the terminal, and tabs
are expanded. Widths, wrapping and search highlights are measured on the painted form.
"""

from __future__ import annotations

import bisect
import re
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from hybridml.domain.logs import LogEvent
from hybridml.logtail.buffer import ERROR_PATTERN, LogBuffer
from hybridml.logtail.window import stamp
from hybridml.render.safe import safe_str, safe_text
from hybridml.tui import keys

TAG_STYLES = ("cyan", "magenta", "green", "yellow", "blue", "bright_red", "bright_cyan", "bright_magenta")
STAMP_STYLE = Style(dim=True)
ERROR_STYLE = Style(color="red")
WARN_STYLE = Style(color="yellow")
MATCH_STYLE = Style(reverse=True, bold=True)
CURRENT_STYLE = Style(bgcolor="grey23")
_WARN = re.compile(r"\bWARN(ING)?\b")
TAB_SIZE = 8


def shown(message: str) -> str:
    """What a line looks like on screen (escapes visible, tabs expanded)."""
    return safe_str(message, tabsize=TAB_SIZE)


class LogPane(ScrollView, can_focus=True):
    BINDINGS: ClassVar[list[Binding]] = keys.bindings("log-pane")  # type: ignore[assignment]

    DEFAULT_CSS = """
    LogPane {
        height: 1fr;
        scrollbar-gutter: stable;
    }
    """

    def __init__(self, max_lines: int, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.buffer = LogBuffer(max_lines)
        self.follow = True
        self.wrap = False
        self.timestamps = False
        self.search: re.Pattern[str] | None = None
        self.current: int | None = None  # absolute number of the current search hit
        self.new_since_follow = 0
        self._max_width = 0
        self._wrap_ends: list[int] = []  # cumulative wrapped rows per visible line (wrap on)
        self._wrap_width = 0
        self._tag_styles: dict[str, Style] = {}

    # -- content ----------------------------------------------------------------------------------
    @property
    def show_tags(self) -> bool:
        return len(self.buffer.labels) > 1

    def prefix_width(self) -> int:
        width = 25 if self.timestamps else 0
        if self.show_tags:
            width += max((len(safe_str(label)) for label in self.buffer.labels), default=0) + 1
        return width

    def append(self, events: list[LogEvent]) -> None:
        """Add lines; repaints once. Call with batches, not single lines."""
        if not events:
            return
        before = self.buffer.visible_count
        dropped = self.buffer.dropped
        self.buffer.extend(events)
        longest = max(len(shown(e.message)) for e in events)
        self._max_width = max(self._max_width, longest)
        if self.buffer.dropped != dropped:
            self._wrap_ends = []  # head dropped: rebuild the wrap index lazily
        added = self.buffer.visible_count - before + (self.buffer.dropped - dropped)
        if not self.follow:
            self.new_since_follow += max(0, added)
        self._update_size()
        if self.follow:
            self.scroll_end(animate=False, x_axis=False)
        self.refresh()

    def reset(self) -> None:
        self.buffer = LogBuffer(self.buffer.max_lines)
        self._max_width = 0
        self._wrap_ends = []
        self.current = None
        self.new_since_follow = 0
        self._update_size()
        self.refresh()

    def set_filter(self, pattern: re.Pattern[str] | None) -> None:
        self.buffer.set_filter(pattern)
        self._wrap_ends = []
        self._update_size()
        if self.follow:
            self.scroll_end(animate=False, x_axis=False)
        self.refresh()

    def toggle_wrap(self) -> None:
        self.wrap = not self.wrap
        self._wrap_ends = []
        self._update_size()
        self.refresh()

    def toggle_timestamps(self) -> None:
        self.timestamps = not self.timestamps
        self._wrap_ends = []
        self._update_size()
        self.refresh()

    # -- geometry ---------------------------------------------------------------------------------
    def _text_width(self) -> int:
        return max(10, self.scrollable_content_region.width or self.size.width or 80)

    def _rows_of(self, event: LogEvent, width: int) -> int:
        length = self.prefix_width() + len(shown(event.message))
        return max(1, -(-length // width))

    def _ensure_wrap_index(self) -> None:
        width = self._text_width()
        buffer = self.buffer
        if self._wrap_width != width:
            self._wrap_ends, self._wrap_width = [], width
        ends = self._wrap_ends
        total = ends[-1] if ends else 0
        for row in range(len(ends), buffer.visible_count):
            total += self._rows_of(buffer.event(buffer.visible(row)), width)
            ends.append(total)

    def _update_size(self) -> None:
        if self.wrap:
            self._ensure_wrap_index()
            height = self._wrap_ends[-1] if self._wrap_ends else 0
            self.virtual_size = Size(self._text_width(), height)
        else:
            self.virtual_size = Size(self.prefix_width() + self._max_width, self.buffer.visible_count)

    def on_resize(self) -> None:
        self._update_size()
        if self.follow:  # a shorter pane (terminal resized, the screen laid out late) leaves the end below
            self.scroll_end(animate=False, x_axis=False)

    def row_to_y(self, row: int) -> int:
        if not self.wrap:
            return row
        self._ensure_wrap_index()
        return self._wrap_ends[row - 1] if row > 0 else 0

    def y_to_row(self, y: int) -> tuple[int, int]:
        """(visible row, wrapped sub-line) at virtual line `y`."""
        if not self.wrap:
            return y, 0
        self._ensure_wrap_index()
        row = bisect.bisect_right(self._wrap_ends, y)
        start = self._wrap_ends[row - 1] if row > 0 else 0
        return row, y - start

    @property
    def top_row(self) -> int:
        return self.y_to_row(round(self.scroll_y))[0]

    def show_row(self, row: int) -> None:
        """Scroll so the visible row is on screen (a third from the top); turns follow off."""
        self.follow = False
        y = max(0, self.row_to_y(row) - self.size.height // 3)
        self.scroll_to(y=y, animate=False, immediate=True)
        self.refresh()

    def to_bottom(self) -> None:
        self.follow = True
        self.new_since_follow = 0
        self.scroll_end(animate=False, x_axis=False)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self.follow and new_value < old_value and new_value < self.max_scroll_y:
            self.follow = False  # the user scrolled up: stop sticking to the bottom
            self.new_since_follow = 0
        elif not self.follow and new_value >= self.max_scroll_y and self.new_since_follow and new_value > old_value:
            self.follow, self.new_since_follow = True, 0  # scrolled back down to the end

    # -- rendering --------------------------------------------------------------------------------
    def line_text(self, event: LogEvent, number: int) -> Text:
        text = Text(no_wrap=True, end="")
        if self.timestamps:
            text.append(stamp(event.timestamp_ms) + " ", STAMP_STYLE)
        if self.show_tags and event.label:
            style = self._tag_styles.get(event.label)
            if style is None:
                style = Style(color=TAG_STYLES[len(self._tag_styles) % len(TAG_STYLES)])
                self._tag_styles[event.label] = style
            width = max(len(safe_str(label)) for label in self.buffer.labels)  # stream names may hold anything
            text.append(safe_str(event.label).ljust(width) + " ", style)
        start = len(text)
        message = event.message
        line_style = ERROR_STYLE if ERROR_PATTERN.search(message) else WARN_STYLE if _WARN.search(message) else None
        painted = safe_text(message, line_style or "", tabsize=TAB_SIZE)
        text.append_text(painted)
        if self.search is not None:
            for match in self.search.finditer(painted.plain):
                if match.end() > match.start():
                    text.stylize(MATCH_STYLE, start + match.start(), start + match.end())
        if number == self.current:
            text.stylize(CURRENT_STYLE)
        return text

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        virtual_y = round(self.scroll_y) + y
        row, sub = self.y_to_row(virtual_y)
        if row >= self.buffer.visible_count or virtual_y < 0:
            return Strip.blank(width)
        number = self.buffer.visible(row)
        text = self.line_text(self.buffer.event(number), number)
        segments: list[Segment] = list(text.render(self.app.console))
        if self.wrap:  # fold at the width, like `less`: row counts stay exact and cheap
            text_width = self._text_width()
            start = sub * text_width
            return Strip(segments).crop(start, start + text_width).extend_cell_length(width).crop(0, width)
        scroll_x = round(self.scroll_x)
        return Strip(segments).crop(scroll_x, scroll_x + width).extend_cell_length(width)

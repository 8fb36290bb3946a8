"""LogBuffer: the lines a log view keeps — capped, with a filter (hide non-matching) and a search.

Lines are numbered absolutely (`base` + position) so search hits and the view's position survive the
head being dropped when the cap is reached. Trimming happens in chunks, so appends stay O(1) amortized.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from hybridml.domain.logs import LogEvent

ERROR_PATTERN = re.compile(r"\b(ERROR|FATAL|CRITICAL|Traceback \(most recent call last\)|Exception:|panic:)")


def compile_pattern(text: str) -> tuple[re.Pattern[str] | None, str | None]:
    """Case-insensitive regex; an invalid one is matched literally, with a warning saying why."""
    if not text:
        return None, None
    try:
        return re.compile(text, re.IGNORECASE), None
    except re.error as exc:
        return re.compile(re.escape(text), re.IGNORECASE), f"invalid regex ({exc}); matching it literally"


class LogBuffer:
    def __init__(self, max_lines: int = 50_000) -> None:
        self.max_lines = max_lines
        self.lines: list[LogEvent] = []
        self.base = 0  # absolute number of lines[0]
        self.dropped = 0
        self.filter: re.Pattern[str] | None = None
        self.shown: list[int] | None = None  # absolute numbers passing the filter; None = all lines
        self.labels: set[str] = set()

    # -- content ----------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.lines)

    @property
    def end(self) -> int:
        return self.base + len(self.lines)

    def extend(self, events: Iterable[LogEvent]) -> int:
        start = len(self.lines)
        self.lines.extend(events)
        added = len(self.lines) - start
        if not added:
            return 0
        for event in self.lines[start:]:
            if event.label and event.label not in self.labels:
                self.labels.add(event.label)
        if self.shown is not None and self.filter is not None:
            pattern = self.filter
            first = self.base + start
            self.shown.extend(first + i for i, e in enumerate(self.lines[start:]) if pattern.search(e.message))
        self._trim()
        return added

    def _trim(self) -> None:
        excess = len(self.lines) - self.max_lines
        if excess <= 0:
            return
        chunk = max(excess, self.max_lines // 10)  # drop in chunks: one list shift per ~10% of the cap
        chunk = min(chunk, len(self.lines))
        del self.lines[:chunk]
        self.base += chunk
        self.dropped += chunk
        if self.shown is not None:
            del self.shown[: bisect.bisect_left(self.shown, self.base)]

    def clear(self) -> None:
        self.base += len(self.lines)
        self.lines = []
        if self.shown is not None:
            self.shown = []

    def event(self, number: int) -> LogEvent:
        return self.lines[number - self.base]

    # -- the visible sequence (filtered or not) -----------------------------------------------------
    def set_filter(self, pattern: re.Pattern[str] | None) -> None:
        self.filter = pattern
        if pattern is None:
            self.shown = None
        else:
            self.shown = [self.base + i for i, e in enumerate(self.lines) if pattern.search(e.message)]

    @property
    def visible_count(self) -> int:
        return len(self.lines) if self.shown is None else len(self.shown)

    def visible(self, row: int) -> int:
        """Absolute number of the `row`-th visible line."""
        return self.base + row if self.shown is None else self.shown[row]

    def row_of(self, number: int) -> int | None:
        """Visible row of an absolute line number (None when filtered out or dropped)."""
        if number < self.base or number >= self.end:
            return None
        if self.shown is None:
            return number - self.base
        index = bisect.bisect_left(self.shown, number)
        return index if index < len(self.shown) and self.shown[index] == number else None

    def find(self, pattern: re.Pattern[str], from_row: int, *, forward: bool = True) -> int | None:
        """Next (or previous) visible row whose message matches, strictly after/before `from_row`, wrapping."""
        count = self.visible_count
        if not count:
            return None
        step = 1 if forward else -1
        row = from_row
        for _ in range(count):
            row = (row + step) % count
            if pattern.search(self.event(self.visible(row)).message):
                return row
        return None

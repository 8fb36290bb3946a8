"""RowStore: the rows of one resource table, kept sorted and filtered incrementally (no Textual here).

Per row it keeps the item, a precomputed sort key and (once a filter needs it, or in idle time) a search text;
per column the widest plain cell painted or searched so far.
The search text holds one line per cell, so a filter compiled with re.MULTILINE anchors (`^x$`) to a cell, as
it would when matching cell by cell. Nothing is rendered for rows that are not on screen: the table asks for
the cells of the rows it paints. A refresh that changes k rows costs O(k log n) (bisect) plus, for big
batches, one C-level merge; never a pass over every row on the UI thread per refresh or per keystroke:

- a filter pass runs in slices (`FILTER_SLICE` rows, then a yield to the event loop), shows the first screenful
  as soon as it is known, and narrows from the previous result when the new text extends the old one;
- a sort change computes keys in slices and sorts slice-wise, merging the sorted runs in C;
- rows that change while a pass runs are re-placed when the pass installs its result.

`shown` is ascending by sort key; a reversed sort only maps display indexes (`key_at`, `index_of`).
"""

from __future__ import annotations

import asyncio
import re
import time
from bisect import bisect_left, insort
from collections.abc import Callable, Generator, Iterable, Sequence
from typing import Any, Generic, TypeVar

from rich.text import Text

T = TypeVar("T")
Cell = str | Text
FILTER_SLICE = 5_000  # at most this many rows tested between two yields to the event loop
FILTER_CHUNK = 250  # rows tested between two looks at the clock
SLICE_S = 0.008  # ...and at most about this long (rows without a search text yet cost more)
SORT_SLICE = 5_000  # rows keyed (and sorted) between two yields
BIG_BATCH = 0.125  # a batch bigger than this share of the rows is merged in one C-level sort, not bisected


def plain(cell: Cell) -> str:
    return cell.plain if isinstance(cell, Text) else cell


class RowStore(Generic[T]):
    """Items by key, sorted (`order`) and filtered (`shown`), with each row's search text and sort key.

    What is wanted (sort function, scope, filter pattern) is set at once; `settle()` then brings `order` and
    `shown` there in slices, installing the result in one step (rows changed meanwhile are re-placed). Until
    it lands, `order` / `shown` stay consistent with the keys they were sorted by, so `apply` keeps working.
    """

    def __init__(
        self,
        columns: int,
        key: Callable[[T], str],
        cells: Callable[[T], Sequence[Cell]],
        sort_value: Callable[[T], Any],
        in_scope: Callable[[T], bool] | None = None,
    ) -> None:
        self.columns = columns
        self._key, self._cells = key, cells
        self._sorted_by = self._sort_value = sort_value  # what `_sk` reflects / what is wanted
        self._scoped_by = self._in_scope = in_scope  # None: every row
        self.items: dict[str, T] = {}
        self._text: dict[str, str] = {}
        self._unsearched: set[str] = set()  # rows without a search text yet (rendered in idle time)
        self._sk: dict[str, tuple[Any, str]] = {}
        self.order: list[str] = []  # every row in scope, ascending by sort key
        self._shown: list[str] | None = None  # rows in scope matching `_shown_for`; None: no filter (= order)
        self._shown_for: re.Pattern[str] | None = None  # the pattern `_shown` was computed for
        self._complete = True  # `_shown` is a finished result (not a preview of the first screenful)
        self.pattern: re.Pattern[str] | None = None  # the filter wanted
        self.reverse = False
        self.widths = [0] * columns
        self.version = 0  # bumped by every change of what is shown (the table drops cached lines)
        self.changed_keys: set[str] = set()  # rows whose content changed since the table last looked
        self._pass = 0  # generation of the running settle pass; a newer one supersedes it
        self._dirty: set[str] | None = None  # rows changed while a pass runs (re-placed when it lands)
        self.touched = 0  # rows added, changed or removed by the last `apply` / `replace`

    # -- reading ----------------------------------------------------------------------------------
    @property
    def shown(self) -> list[str]:
        return self.order if self._shown is None else self._shown

    def __len__(self) -> int:
        return len(self.items)

    @property
    def scoped(self) -> int:
        return len(self.order)

    @property
    def settled(self) -> bool:
        """Order and filter are what was asked for (no pass pending)."""
        return (
            self._sorted_by is self._sort_value
            and self._scoped_by is self._in_scope
            and self._shown_for is self.pattern
            and self._complete
        )

    def key_at(self, index: int) -> str | None:
        shown = self.shown
        if not 0 <= index < len(shown):
            return None
        return shown[len(shown) - 1 - index] if self.reverse else shown[index]

    def item_at(self, index: int) -> T | None:
        key = self.key_at(index)
        return self.items.get(key) if key is not None else None

    def index_of(self, key: str | None) -> int | None:
        """Display index of a shown row (O(log n)), None when it is not shown."""
        sk = self._sk.get(key) if key is not None else None
        if sk is None:
            return None
        shown = self.shown
        i = bisect_left(shown, sk, key=self._sk.__getitem__)
        if i >= len(shown) or shown[i] != key:
            return None
        return len(shown) - 1 - i if self.reverse else i

    def display_keys(self) -> list[str]:
        """Every shown key in display order (O(n): tests and bulk actions, not painting)."""
        return self.shown[::-1] if self.reverse else list(self.shown)

    def text_of(self, key: str) -> str:
        """The row's search text (rendered on first use, kept until the row changes)."""
        text = self._text.get(key)
        if text is None:
            cells = [plain(c) for c in self._cells(self.items[key])]
            self.note_widths(cells)
            self._text[key] = text = "\n".join(cells)  # one line per cell: `^x$` (MULTILINE) is a whole cell
            self._unsearched.discard(key)
        return text

    def note_widths(self, cells: Sequence[str]) -> bool:
        """Widen columns to fit these cells (painted or searched); True when a column grew."""
        grew = False
        widths = self.widths
        for i, text in enumerate(cells[: self.columns]):
            if len(text) > widths[i]:
                widths[i] = len(text)
                grew = True
        return grew

    def unsearched(self) -> list[str]:
        """Rows whose search text is not rendered yet (to render in idle time: `warm`); O(those rows)."""
        return list(self._unsearched)

    def warm(self, keys: Sequence[str]) -> None:
        for key in keys:
            if key in self.items:
                self.text_of(key)

    # -- one row ----------------------------------------------------------------------------------
    def _index(self, key: str, item: T) -> None:
        """The row's sort key; its search text is rendered when a filter first needs it."""
        self._text.pop(key, None)
        self._unsearched.add(key)
        self._sk[key] = (self._sorted_by(item), key)

    def _scoped(self, item: T) -> bool:
        return self._scoped_by is None or self._scoped_by(item)

    def _matches(self, key: str) -> bool:
        pattern = self._shown_for
        return pattern is None or pattern.search(self.text_of(key)) is not None

    def _place(self, key: str) -> None:
        """Insert a row (already indexed) into `order` / `shown` where it belongs."""
        if not self._scoped(self.items[key]):
            return
        getter = self._sk.__getitem__
        insort(self.order, key, key=getter)
        if self._shown is not None and self._matches(key):
            insort(self._shown, key, key=getter)

    def _unplace(self, key: str) -> None:
        sk = self._sk.get(key)
        if sk is None:
            return
        getter = self._sk.__getitem__
        for rows in (self.order, self._shown) if self._shown is not None else (self.order,):
            i = bisect_left(rows, sk, key=getter)
            if i < len(rows) and rows[i] == key:
                del rows[i]

    # -- changes ----------------------------------------------------------------------------------
    def apply(self, upserts: Iterable[T], removed: Iterable[str] = ()) -> int:
        """Add or replace these items and drop these keys; an item equal to the one stored (the same object
        first: the job sweep keeps unchanged jobs as they were) costs nothing. Returns how many rows changed."""
        changed: list[str] = []
        items = self.items
        for item in upserts:
            key = self._key(item)
            old = items.get(key)
            if old is item or (old is not None and old == item):  # a fresh copy of the same thing
                continue
            self._note(key)
            if key in items:
                self._unplace(key)  # while its old sort key is still known
            changed.append(key)
            items[key] = item
        gone = [k for k in removed if k in items]
        for key in gone:
            self._note(key)
        if gone:  # removed wins over changed
            dropped = set(gone)
            changed = [k for k in changed if k not in dropped]
        if not changed and not gone:
            self.touched = 0
            return 0
        if len(changed) + len(gone) > max(64, BIG_BATCH * len(self.order)):
            self._apply_batch(changed, gone)
        else:
            for key in gone:
                self._unplace(key)
                self._forget(key)
            for key in changed:
                self._index(key, items[key])
                self._place(key)
        self.changed_keys.update(changed)
        self.version += 1
        self.touched = len(changed) + len(gone)
        return self.touched

    def _note(self, key: str) -> None:
        """A row changed: a running pass places it again when it lands."""
        if self._dirty is not None:
            self._dirty.add(key)

    def _forget(self, key: str) -> None:
        self.items.pop(key, None)
        self._text.pop(key, None)
        self._unsearched.discard(key)
        self._sk.pop(key, None)

    def _apply_batch(self, changed: list[str], gone: list[str]) -> None:
        """Many rows at once (their old positions are already gone): drop the removed ones in one pass, index
        the new ones, then one C-level sort of two sorted runs."""
        if gone:
            drop = set(gone)
            self.order = [k for k in self.order if k not in drop]
            if self._shown is not None:
                self._shown = [k for k in self._shown if k not in drop]
            for key in gone:
                self._forget(key)
        new = []
        for key in changed:
            self._index(key, self.items[key])
            if self._scoped(self.items[key]):
                new.append(key)
        getter = self._sk.__getitem__
        new.sort(key=getter)
        self.order.extend(new)
        self.order.sort(key=getter)  # two sorted runs: timsort merges them in linear time
        if self._shown is not None:
            self._shown.extend(k for k in new if self._matches(k))
            self._shown.sort(key=getter)

    def replace(self, items: Sequence[T]) -> int:
        """Make the store hold exactly `items` (a full listing): unchanged objects cost a dict lookup."""
        keys = {self._key(item) for item in items}
        return self.apply(items, [k for k in self.items if k not in keys])

    def refresh_rows(self, keys: Iterable[str]) -> None:
        """Re-render and re-place rows whose cells changed without a new item (marks)."""
        keys = [k for k in keys if k in self.items]
        for key in keys:
            self._note(key)
            self._unplace(key)
            self._index(key, self.items[key])
            self._place(key)
        self.changed_keys.update(keys)
        self.version += 1

    def restyle(self, keys: Iterable[str]) -> None:
        """Rows whose cells changed but not their place (marks while the sort is by another column): O(keys),
        where `refresh_rows` re-places each one (a mark-all over 100,000 rows would be quadratic)."""
        keys = [k for k in keys if k in self.items]
        for key in keys:
            self._text.pop(key, None)
            self._unsearched.add(key)
        self.changed_keys.update(keys)
        self.version += 1

    # -- wanted order and filter ------------------------------------------------------------------
    def want(
        self,
        *,
        sort_value: Callable[[T], Any] | None = None,
        reverse: bool | None = None,
        pattern: re.Pattern[str] | bool | None = False,
        in_scope: Callable[[T], bool] | bool | None = False,
    ) -> None:
        """Say what is wanted (False: unchanged); a reversed sort applies at once, the rest by `settle()`."""
        if sort_value is not None:
            self._sort_value = sort_value
        if reverse is not None and reverse != self.reverse:
            self.reverse = reverse
            self.version += 1
        if pattern is not False:
            self.pattern = pattern if isinstance(pattern, re.Pattern) else None
        if in_scope is not False:
            self._in_scope = in_scope if callable(in_scope) else None

    async def settle(self, first_screen: int = 0, on_first: Callable[[], None] | None = None) -> bool:
        """Bring order and filter to what is wanted, in slices (yielding to the event loop between them).

        `on_first` is called once the first `first_screen` matching rows in display order are known (only when
        the order itself is current), so the table can paint them before the pass ends. Returns False when a
        newer pass superseded this one (the newer one lands instead)."""
        steps = self._steps(first_screen, on_first)
        try:
            while True:
                next(steps)
                await asyncio.sleep(0)
        except StopIteration as done:
            return bool(done.value)

    def settle_now(self) -> bool:
        """The same pass in one go (small tables: cheaper than scheduling it)."""
        steps = self._steps(0, None)
        try:
            while True:
                next(steps)
        except StopIteration as done:
            return bool(done.value)

    def _steps(self, first_screen: int, on_first: Callable[[], None] | None) -> Generator[None, None, bool]:
        """The pass; each `yield` is a point where the event loop may run (and a newer pass may start)."""
        self._pass += 1
        generation = self._pass
        self._dirty = set()
        try:
            return (yield from self._settle(generation, first_screen, on_first))
        finally:
            if generation == self._pass:
                self._dirty = None

    def _settle(
        self, generation: int, first_screen: int, on_first: Callable[[], None] | None
    ) -> Generator[None, None, bool]:
        sort_value, in_scope, pattern = self._sort_value, self._in_scope, self.pattern
        items = self.items
        new_sk: dict[str, tuple[Any, str]] | None = None
        order = self.order
        if sort_value is not self._sorted_by or in_scope is not self._scoped_by:
            keys = list(items)
            if sort_value is not self._sorted_by:
                new_sk = {}
                for start in range(0, len(keys), SORT_SLICE):
                    if start:
                        yield
                        if generation != self._pass:
                            return False
                    for key in keys[start : start + SORT_SLICE]:
                        if key in items:  # (removed meanwhile: skip)
                            new_sk[key] = (sort_value(items[key]), key)
            getter = (new_sk if new_sk is not None else self._sk).__getitem__
            order = []
            for start in range(0, len(keys), SORT_SLICE):
                if start:
                    yield
                    if generation != self._pass:
                        return False
                chunk = [
                    k
                    for k in keys[start : start + SORT_SLICE]
                    if k in items and (new_sk is None or k in new_sk) and (in_scope is None or in_scope(items[k]))
                ]
                chunk.sort(key=getter)
                order.extend(chunk)
            order.sort(key=getter)  # sorted runs: timsort merges them
        shown: list[str] | None = None
        if pattern is not None:
            narrowing = order is self.order and self._complete and self._narrows(self._shown_for, pattern)
            source = self.shown if narrowing else order
            preview = on_first if order is self.order else None
            found = yield from self._filter(generation, source, pattern, first_screen, preview)
            if found is None:
                return False
            shown = found
        return self._land(generation, new_sk, sort_value, in_scope, order, shown, pattern)

    def _filter(
        self,
        generation: int,
        source: list[str],
        pattern: re.Pattern[str],
        first_screen: int,
        on_first: Callable[[], None] | None,
    ) -> Generator[None, None, list[str] | None]:
        search, text, text_of = pattern.search, self._text, self.text_of
        # a snapshot (rows that change meanwhile are re-placed on landing), in display order: the first
        # screenful comes first
        rows = source[::-1] if self.reverse else source[:]
        found: list[str] = []
        items = self.items
        since = time.perf_counter()
        for start in range(0, len(rows), FILTER_CHUNK):
            if start and (time.perf_counter() - since >= SLICE_S or start % FILTER_SLICE == 0):
                if on_first is not None and len(found) >= first_screen:
                    self._shown = found[::-1] if self.reverse else found[:]  # a preview of the top rows
                    self._shown_for, self._complete = pattern, False
                    self.version += 1
                    on_first()
                    on_first = None
                yield
                if generation != self._pass:
                    return None
                since = time.perf_counter()
            found.extend(
                k
                for k in rows[start : start + FILTER_CHUNK]
                if k in items and search(text[k] if k in text else text_of(k)) is not None
            )
        if self.reverse:
            found.reverse()
        return found

    def _land(
        self,
        generation: int,
        new_sk: dict[str, tuple[Any, str]] | None,
        sort_value: Callable[[T], Any],
        in_scope: Callable[[T], bool] | None,
        order: list[str],
        shown: list[str] | None,
        pattern: re.Pattern[str] | None,
    ) -> bool:
        """Install the pass's result; rows changed while it ran are taken out and placed again."""
        if generation != self._pass:
            return False
        dirty = self._dirty or set()
        self._dirty = None
        rebuilt = order is not self.order  # else `order` was kept current by `apply` meanwhile
        if dirty:
            if rebuilt:
                order = [k for k in order if k not in dirty]
            if shown is not None:
                shown = [k for k in shown if k not in dirty]
        if new_sk is not None:
            for key in dirty:
                new_sk.pop(key, None)
            self._sk = new_sk
        self._sorted_by, self._scoped_by = sort_value, in_scope
        self.order, self._shown, self._shown_for, self._complete = order, shown, pattern, True
        getter = self._sk.__getitem__
        for key in dirty:
            if key not in self.items:
                continue
            if rebuilt:
                self._index(key, self.items[key])
                self._place(key)
            elif shown is not None and self._scoped(self.items[key]) and self._matches(key):
                insort(shown, key, key=getter)
        self.version += 1
        return True

    @staticmethod
    def _narrows(old: re.Pattern[str] | None, new: re.Pattern[str] | None) -> bool:
        """True when every row matching `new` also matches `old` (both literal, new extends old)."""
        if old is None or new is None:
            return False
        special = re.compile(r"[\\.^$*+?{}\[\]|()]")
        return (
            not special.search(old.pattern)
            and not special.search(new.pattern)
            and new.pattern.lower().startswith(old.pattern.lower())
        )

"""RowStore: incremental order and filter, cooperative passes, rows changed while a pass runs (no Textual)."""

from __future__ import annotations

import asyncio
import random
import re
from dataclasses import dataclass, replace

import pytest

from hybridml.tui import row_store
from hybridml.tui.row_store import RowStore


@dataclass(frozen=True)
class Row:
    key: str
    name: str
    size: int


def store(rows: list[Row] = ()) -> RowStore[Row]:  # type: ignore[assignment]
    made: RowStore[Row] = RowStore(2, lambda r: r.key, lambda r: (r.name, str(r.size)), lambda r: r.size)
    made.apply(rows)
    return made


def expected(rows: dict[str, Row], pattern: str | None = None, reverse: bool = False) -> list[str]:
    keep = [r for r in rows.values() if pattern is None or re.search(pattern, f"{r.name} {r.size}".lower())]
    ordered = sorted(keep, key=lambda r: (r.size, r.key))
    return [r.key for r in (reversed(ordered) if reverse else ordered)]


def rows(n: int, seed: int = 1) -> list[Row]:
    rng = random.Random(seed)
    return [Row(f"k{i:05d}", f"{rng.choice(['etl', 'train', 'embed'])}-{i}", rng.randrange(1000)) for i in range(n)]


def test_rows_are_kept_in_sort_order_and_unchanged_items_cost_nothing() -> None:
    data = rows(300)
    s = store(data)
    assert s.display_keys() == expected({r.key: r for r in data})
    assert s.apply(data) == 0  # the same objects
    assert s.apply([replace(data[0])]) == 0  # an equal copy
    moved = replace(data[5], size=-1)
    assert s.apply([moved], [data[7].key]) == 2
    assert s.display_keys()[0] == moved.key and data[7].key not in s.items
    assert s.widths == [0, 0]  # search texts (and widths) come when first needed
    s.warm(s.unsearched())
    assert s.widths == [max(len(r.name) for r in data if r.key != data[7].key), 3]


def test_reverse_maps_display_indexes_only() -> None:
    data = rows(50)
    s = store(data)
    s.want(reverse=True)
    assert s.display_keys() == expected({r.key: r for r in data}, reverse=True)
    key = s.key_at(3)
    assert key is not None and s.index_of(key) == 3 and s.index_of("missing") is None


async def test_filter_narrows_and_clears() -> None:
    data = rows(500)
    s = store(data)
    s.want(pattern=re.compile("train"))
    assert await s.settle()
    assert s.display_keys() == expected({r.key: r for r in data}, "train")
    s.want(pattern=re.compile("train-1"))  # extends the literal: only the previous matches are searched
    assert await s.settle()
    assert s.display_keys() == expected({r.key: r for r in data}, "train-1")
    s.want(pattern=None)
    assert await s.settle()
    assert len(s.shown) == 500


async def test_the_first_screenful_is_shown_before_the_pass_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(row_store, "FILTER_SLICE", 100)
    monkeypatch.setattr(row_store, "FILTER_CHUNK", 50)
    data = rows(1000)
    s = store(data)
    previews: list[list[str]] = []
    s.want(pattern=re.compile("e"))
    assert await s.settle(first_screen=20, on_first=lambda: previews.append(s.display_keys()))
    full = expected({r.key: r for r in data}, "e")
    assert len(previews) == 1 and previews[0] == full[: len(previews[0])] and len(previews[0]) >= 20
    assert s.display_keys() == full


@pytest.mark.parametrize("resort", [False, True])
async def test_rows_changed_while_a_pass_runs_land_in_place(monkeypatch: pytest.MonkeyPatch, resort: bool) -> None:
    monkeypatch.setattr(row_store, "FILTER_SLICE", 50)
    monkeypatch.setattr(row_store, "FILTER_CHUNK", 25)
    monkeypatch.setattr(row_store, "SORT_SLICE", 50)
    data = rows(1000, seed=3)
    s = store(data)
    model = {r.key: r for r in data}
    if resort:
        s.want(sort_value=lambda r: (-r.size, r.name))
    s.want(pattern=re.compile("e"))
    task = asyncio.ensure_future(s.settle())
    rng = random.Random(9)
    for _ in range(20):  # the pass yields between slices: change rows meanwhile
        await asyncio.sleep(0)
        changed = [replace(model[k], size=rng.randrange(1000)) for k in rng.sample(sorted(model), 5)]
        gone = rng.sample(sorted(model), 2)
        added = [Row(f"n{rng.randrange(10**6)}", "embed-new", rng.randrange(1000)) for _ in range(2)]
        s.apply([*changed, *added], gone)
        for r in [*changed, *added]:
            model[r.key] = r
        for k in gone:
            model.pop(k, None)
    assert await task
    keep = [r for r in model.values() if "e" in f"{r.name} {r.size}"]
    sort = (lambda r: ((-r.size, r.name), r.key)) if resort else (lambda r: (r.size, r.key))
    assert s.display_keys() == [r.key for r in sorted(keep, key=sort)]
    assert s.order == [r.key for r in sorted(model.values(), key=sort)]


async def test_a_newer_pass_supersedes_an_older_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(row_store, "FILTER_SLICE", 10)
    monkeypatch.setattr(row_store, "FILTER_CHUNK", 10)
    s = store(rows(200))
    s.want(pattern=re.compile("etl"))
    older = asyncio.ensure_future(s.settle())
    await asyncio.sleep(0)
    s.want(pattern=re.compile("embed"))
    assert await s.settle()
    assert not await older
    assert all("embed" in s.items[k].name for k in s.shown) and s.settled


def test_a_big_batch_lands_like_single_changes() -> None:
    data = rows(400, seed=5)
    one, many = store(data), store(data)
    changes = [replace(r, size=r.size // 2) for r in data[::2]]
    for r in changes:
        one.apply([r])
    many.apply(changes)  # over BIG_BATCH of the rows: one merge
    assert one.order == many.order


async def test_scope_is_a_pre_filter() -> None:
    data = rows(300)
    s = store(data)
    s.want(in_scope=lambda r: r.name.startswith("etl"), pattern=re.compile("1"))
    assert await s.settle()
    assert s.scoped == sum(1 for r in data if r.name.startswith("etl"))
    keep = {r.key: r for r in data if r.name.startswith("etl")}
    assert s.display_keys() == expected(keep, "1")
    late = Row("late", "train-late", 1)
    s.apply([late])
    assert "late" not in s.shown  # out of scope

"""Incremental repaint: a refresh changes only what differs (cells, inserted and removed rows, order),
never clears a table that shows rows, and keeps the cursor on the same resource. These also pin the
DataTable internals that ResourceTable touches (a Textual upgrade that changes them fails here)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

from hybridml.domain.batch import JobStatus
from hybridml.tui.app import HybridApp
from tests.tui.helpers import wait_for


async def jobs_view(pilot: Any, app: HybridApp) -> Any:
    await wait_for(pilot, lambda: app.active_view is not None and app.active_view.loaded_at is not None)
    app.refresh_timer.pause()  # the tests repaint by hand: an auto-refresh on a slow machine would move the ages
    return app.active_view


def shown(view: Any) -> list[str]:
    return [str(row.key.value) for row in view.table.ordered_rows]


async def test_refresh_with_nothing_new_touches_no_cell(app: HybridApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        view = await jobs_view(pilot, app)
        now = datetime.now(UTC)
        view._apply(await view._build_sliced(view.items, now))
        view._apply(await view._build_sliced(view.items, now))
        assert view.rows_touched == 0
        assert shown(view) == view._order and view.table.row_count == len(view.items)


async def test_insert_remove_and_change_are_applied_in_place(app: HybridApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        view = await jobs_view(pilot, app)
        now = datetime.now(UTC)
        view._apply(await view._build_sliced(view.items, now))
        await pilot.press("down", "down", "down")
        keep = view.selected
        assert keep is not None
        first_row = view.table.ordered_rows[0]
        items = [*[j for j in view.items if j.job_id != keep.job_id][:-2], keep]  # two rows gone
        gone = {j.job_id for j in view.items} - {j.job_id for j in items}
        changed = next(j for j in items if j.status is not JobStatus.FAILED and j.job_id != keep.job_id)
        items = [dataclasses.replace(j, status=JobStatus.FAILED) if j is changed else j for j in items]
        new = dataclasses.replace(keep, job_id="brand-new-job", name="brand-new")
        view.items = [*items, new]

        view._apply(await view._build_sliced(view.items, now))

        assert view.rows_touched == 2 + 1 + 1  # two removed, one added, one status cell
        assert shown(view) == view._order  # rows in the sorted order, without a clear
        assert "brand-new-job" in view._order and not gone & set(view._order)
        assert str(view.table.get_cell("brand-new-job", "NAME")) == "brand-new"
        assert str(view.table.get_cell(changed.job_id, "STATUS")) == "FAILED"
        assert view.selected is not None and view.selected.job_id == keep.job_id  # cursor followed its job
        if first_row.key.value in view._order:
            assert view.table.rows[first_row.key] is first_row  # kept rows are the same objects: not re-added


async def test_sort_change_reorders_without_re_adding(app: HybridApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        view = await jobs_view(pilot, app)
        rows_before = dict(view.table.rows)
        await pilot.press("o")  # next sort column
        assert view.sort_column != "AGE"
        assert shown(view) == view._order
        assert all(view.table.rows[key] is row for key, row in rows_before.items())

"""The line-API table: a refresh changes only what differs, the cursor, marks and filter survive refreshes,
columns fit 80 columns with AGE visible, and cells are painted as text (never parsed as markup)."""

from __future__ import annotations

import dataclasses
from typing import Any

from hybridml.domain.batch import JobStatus
from hybridml.tui.app import HybridApp
from hybridml.tui.widgets.resource_table import ResourceTable
from tests.tui.helpers import wait_for


async def jobs_view(pilot: Any, app: HybridApp) -> Any:
    await wait_for(pilot, lambda: app.active_view is not None and app.active_view.loaded_at is not None)
    app.refresh_timer.pause()  # the tests repaint by hand: an auto-refresh on a slow machine would move the ages
    return app.active_view


def line(table: ResourceTable, y: int) -> str:
    return "".join(segment.text for segment in table.render_line(y))


async def reload(pilot: Any, view: Any) -> None:
    stamp = view.loaded_at
    view.reload()
    await wait_for(pilot, lambda: view.loaded_at != stamp)


async def test_refresh_with_nothing_new_touches_no_row(app: HybridApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        view = await jobs_view(pilot, app)
        await reload(pilot, view)  # array parents' child counts arrive with their first describe
        await reload(pilot, view)
        assert view.rows_touched == 0
        assert view.table.row_count == len(view.store.shown) == len(view.items)


async def test_insert_remove_and_change_keep_the_cursor_on_its_row(app: HybridApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        view = await jobs_view(pilot, app)
        await pilot.press("down", "down", "down")
        keep = view.selected
        assert keep is not None
        newest = max(view.items, key=lambda j: j.created_at)
        changed = next(j for j in view.items if j.status is not JobStatus.FAILED and j.job_id != keep.job_id)
        gone = [j.job_id for j in view.items if j.job_id not in (keep.job_id, changed.job_id)][:2]
        new = dataclasses.replace(newest, job_id="brand-new-job", name="brand-new")  # sorts to the top (AGE)
        touched = view.store.apply([new, dataclasses.replace(changed, status=JobStatus.FAILED)], gone)
        view.rows_changed(keep.job_id)
        assert touched == 4
        assert view.selected.job_id == keep.job_id  # the cursor followed its job
        assert "brand-new-job" in view.store.items and not set(gone) & set(view.store.items)
        row = view.store.index_of(changed.job_id)
        assert row is not None and "FAILED" in view.table.plain_row(row)


async def test_sort_and_filter_keep_the_cursor_and_survive_a_refresh(app: HybridApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        view = await jobs_view(pilot, app)
        await pilot.press("down", "down")
        keep = view.selected
        await pilot.press("o")  # next sort column
        await wait_for(pilot, lambda: view.store.settled)
        assert view.sort_column != "AGE" and view.selected == keep
        await pilot.press("slash", *keep.name, "enter")
        await wait_for(pilot, lambda: view.store.settled and view.filter_text == keep.name)
        assert keep.job_id in view.shown_keys and view.selected == keep
        await reload(pilot, view)
        assert view.filter_text == keep.name and keep.job_id in view.shown_keys and view.selected == keep


async def test_marks_survive_a_refresh_and_show_in_the_mark_column(app: HybridApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        view = await jobs_view(pilot, app)
        first = view.selected
        await pilot.press("space")
        await reload(pilot, view)
        assert view.marked == {first.job_id}
        row = view.store.index_of(first.job_id)
        assert view.table.plain_row(row)[0] == "●"


async def test_80_columns_show_age_and_cut_long_names_with_an_ellipsis(app: HybridApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        view = await jobs_view(pilot, app)
        table = view.table
        header = line(table, 0)
        width = table.scrollable_content_region.width  # 80 less the scrollbar
        assert "AGE" in header and "STATUS" in header and len(header) == width
        assert table.virtual_size.width <= width  # nothing hidden off to the right
        long = max(view.items, key=lambda j: len(j.name))
        view.store.apply([dataclasses.replace(long, name="x" * 70)])
        view.rows_changed(long.job_id)
        row = view.store.index_of(long.job_id)
        table.move_cursor(row)
        await pilot.pause()
        painted = line(table, row - table.first_row + 1)
        assert "…" in painted and "x" * 70 not in painted and len(painted) == width


async def test_cells_are_painted_as_text_never_as_markup(app: HybridApp) -> None:
    async with app.run_test(size=(160, 30)) as pilot:
        view = await jobs_view(pilot, app)
        job = view.selected
        view.store.apply([dataclasses.replace(job, status_reason="[bold red]boom[/] \\[x]")])
        view.rows_changed(job.job_id)
        await pilot.pause()
        row = view.store.index_of(job.job_id)
        assert "[bold red]boom[/] \\[x]" in line(view.table, row - view.table.first_row + 1)


async def test_enter_opens_the_row_under_the_cursor(app: HybridApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        view = await jobs_view(pilot, app)
        opened: list[Any] = []
        view.drill = opened.append  # type: ignore[method-assign]
        await pilot.press("down", "enter")
        assert opened == [view.selected]


async def test_the_cursor_row_follows_the_focus(app: HybridApp) -> None:
    """Rendered lines are cached; the cursor row's colour depends on the focus, so a line painted blurred must not
    be reused once the table has the focus (seen as a snapshot that differed from run to run)."""
    async with app.run_test(size=(120, 30)) as pilot:
        view = await jobs_view(pilot, app)
        table = view.table
        y = table.cursor_row - table.first_row + 1

        def cursor_style() -> Any:
            return next(iter(table.render_line(y))).style

        await wait_for(pilot, lambda: app.focused is table)
        focused = cursor_style()
        # a refresh that lands while nothing has the focus gives it back to the table (the app's rule): no more
        # refreshes, and none in flight, before the table lets go of it
        app.refresh_timer.pause()
        await wait_for(pilot, lambda: view.loading_since is None)
        table.blur()
        await wait_for(pilot, lambda: not table.has_focus)
        blurred = cursor_style()
        assert blurred != focused
        table.focus()
        await wait_for(pilot, lambda: table.has_focus)
        assert cursor_style() == focused

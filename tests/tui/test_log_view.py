"""The live log view: opened with `l`, lines arrive while following, scroll-up pauses with a badge,
search / filter / error jump / save, and a job without a stream waits with a clear message."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from hybridml.config import Settings, UiSettings
from hybridml.domain.logs import BATCH_LOG_GROUP, LogSource
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.seed import JobSeeder
from hybridml.tui.app import HybridApp
from hybridml.tui.screens.log_view import LogScreen, open_logs
from hybridml.tui.widgets.log_pane import LogPane
from tests.conftest import TEST_AWS, make_services
from tests.logtail.conftest import new_batch_stream, now_ms, put, unique
from tests.tui.helpers import wait_for


@pytest.fixture
async def log_app(fleet: EmbeddedFleet, tmp_path: Path) -> AsyncIterator[HybridApp]:
    ui = UiSettings(log_poll_s=0.2, log_save_dir=str(tmp_path), log_flush_ms=20)
    yield HybridApp(make_services(fleet, Settings(aws=TEST_AWS, audit_log="", ui=ui)))


def running_job(lines: list[str]) -> tuple[Any, str]:
    seeder = JobSeeder(random.Random(), datetime.now())
    job = seeder.submit(unique("logview"), "cpu-etl", "etl-parquet")
    seeder.set_state(job, "RUNNABLE", 10)
    stream = new_batch_stream(seeder, job)
    put(BATCH_LOG_GROUP, stream, lines, start_ms=now_ms() - 60_000, step_ms=10)
    job.log_stream_name, job.status = stream, "RUNNING"
    return job, stream


def opened(app: HybridApp) -> bool:
    return isinstance(app.screen, LogScreen) and bool(app.screen.query(LogPane))


def log_screen(app: HybridApp) -> LogScreen:
    screen = app.screen
    assert isinstance(screen, LogScreen)
    return screen


def messages(screen: LogScreen) -> list[str]:
    buffer = screen.pane.buffer
    return [buffer.event(buffer.visible(r)).message for r in range(buffer.visible_count)]


async def following_to_the_end(pilot: Any, app: HybridApp, job: Any, lines: int) -> LogScreen:
    """`l` on `job`: its log screen once all `lines` are in and the pane follows them at the end."""
    open_logs(app, LogSource.batch_job(job.job_id))
    await wait_for(pilot, lambda: opened(app))
    screen = log_screen(app)
    await wait_for(pilot, lambda: len(messages(screen)) == lines)
    pane = screen.pane
    await wait_for(pilot, lambda: pane.scroll_y == pane.max_scroll_y > 0)
    return screen


async def test_l_on_a_job_opens_its_live_log(log_app: HybridApp) -> None:
    job, stream = running_job(["INFO starting", "INFO step 1"])
    async with log_app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: log_app.active_view is not None and log_app.active_view.loaded_at is not None)
        log_app.apply_filter(job.job_id)
        await wait_for(pilot, lambda: log_app.active_view is not None and log_app.active_view.selected is not None)
        assert log_app.active_view.selected.job_id == job.job_id  # type: ignore[union-attr]
        await pilot.press("l")
        await wait_for(pilot, lambda: opened(log_app))
        screen = log_screen(log_app)
        await wait_for(pilot, lambda: messages(screen) == ["INFO starting", "INFO step 1"])
        put(BATCH_LOG_GROUP, stream, ["INFO step 2 (put while following)"])
        await wait_for(pilot, lambda: messages(screen)[-1:] == ["INFO step 2 (put while following)"])
        assert screen.pane.follow and screen.status.state == "following"
        assert job.job_name in screen.title_text
        status = str(screen.query_one("#log-status").render())
        assert "FOLLOW" in status and "3 lines" in status
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(log_app.screen, LogScreen))


async def test_scrolling_up_pauses_follow_and_counts_new_lines(log_app: HybridApp) -> None:
    job, stream = running_job([f"line {i}" for i in range(200)])
    async with log_app.run_test(size=(100, 24)) as pilot:
        screen = await following_to_the_end(pilot, log_app, job, 200)
        pane = screen.pane
        await pilot.press("pageup")
        await wait_for(pilot, lambda: not pane.follow)
        put(BATCH_LOG_GROUP, stream, ["new a", "new b", "new c"])
        await wait_for(pilot, lambda: pane.new_since_follow == 3)
        assert "3 new lines" in str(screen.query_one("#log-status").render())
        assert pane.scroll_y < pane.max_scroll_y
        await pilot.press("G")  # each key's effect is waited for: a scroll lands after a refresh, later when loaded
        await wait_for(pilot, lambda: pane.follow and pane.new_since_follow == 0 and pane.scroll_y == pane.max_scroll_y)
        await pilot.press("g")
        await wait_for(pilot, lambda: pane.scroll_y == 0 and not pane.follow)
        await pilot.press("f")
        await wait_for(pilot, lambda: pane.follow)


async def test_follow_stays_at_the_end_when_the_pane_gets_shorter(log_app: HybridApp) -> None:
    """A shorter pane (the terminal resized, or the screen laid out after the first lines came on a loaded
    machine) moves the end further down: following, the view goes there without waiting for a new line."""
    job, _ = running_job([f"line {i}" for i in range(200)])
    async with log_app.run_test(size=(100, 30)) as pilot:
        pane = (await following_to_the_end(pilot, log_app, job, 200)).pane
        height, bottom = pane.size.height, pane.max_scroll_y
        await pilot.resize_terminal(100, 20)
        await wait_for(pilot, lambda: pane.size.height < height and pane.max_scroll_y > bottom)
        await wait_for(pilot, lambda: pane.follow and pane.scroll_y == pane.max_scroll_y)


async def test_search_filter_error_jump_and_save(log_app: HybridApp, tmp_path: Path) -> None:
    lines = [f"INFO step {i} loss={i / 10:.1f}" for i in range(50)]
    lines[30] = "ERROR CUDA out of memory"
    lines[31] = "Traceback (most recent call last):"
    job, _ = running_job(lines)
    async with log_app.run_test(size=(100, 24)) as pilot:
        open_logs(log_app, LogSource.batch_job(job.job_id))
        await wait_for(pilot, lambda: opened(log_app))
        screen = log_screen(log_app)
        pane = screen.pane
        await wait_for(pilot, lambda: len(messages(screen)) == 50)
        await pilot.press("e")
        await wait_for(
            pilot, lambda: pane.current is not None and pane.buffer.event(pane.current).message.startswith("ERROR")
        )
        assert not pane.follow
        await pilot.press("e")
        await wait_for(pilot, lambda: pane.buffer.event(pane.current).message.startswith("Traceback"))
        await pilot.press("slash", *"step 4", "enter")  # searches on from the current line (31), like less
        await wait_for(pilot, lambda: pane.buffer.event(pane.current).message.startswith("INFO step 40 "))
        await pilot.press("n")
        await wait_for(pilot, lambda: pane.buffer.event(pane.current).message.startswith("INFO step 41 "))
        await pilot.press("N", "N")
        # wrapped around backwards
        await wait_for(pilot, lambda: pane.buffer.event(pane.current).message.startswith("INFO step 4 "))
        await pilot.press("ampersand", *"loss=1\\.", "enter")
        await wait_for(pilot, lambda: messages(screen) == [f"INFO step {i} loss=1.{i - 10}" for i in range(10, 20)])
        await pilot.press("ampersand", *"loss=[", "enter")  # invalid regex: literal, with a warning
        await wait_for(pilot, lambda: messages(screen) == [])
        await wait_for(pilot, lambda: any("invalid regex" in n.message for n in log_app._notifications))
        await pilot.press("ampersand", "ctrl+u", "enter")  # the field opens with the filter; cleared: all lines
        await wait_for(pilot, lambda: len(messages(screen)) == 50)
        await pilot.press("S")
        await wait_for(pilot, lambda: screen.saved_path is not None)
        assert screen.saved_path is not None and screen.saved_path.parent == tmp_path
        saved = screen.saved_path.read_text().splitlines()
        assert len(saved) == 50 and saved[30].endswith("ERROR CUDA out of memory") and saved[0].startswith("20")


async def test_wrap_and_timestamps_render(log_app: HybridApp) -> None:
    job, _ = running_job(["x" * 250, "short"])
    async with log_app.run_test(size=(80, 20)) as pilot:
        open_logs(log_app, LogSource.batch_job(job.job_id))
        await wait_for(pilot, lambda: opened(log_app))
        screen = log_screen(log_app)
        await wait_for(pilot, lambda: len(messages(screen)) == 2)
        pane = screen.pane
        assert pane.virtual_size.height == 2
        await pilot.press("w")
        await wait_for(pilot, lambda: pane.wrap and pane.virtual_size.height >= 5)
        await pilot.press("T")
        await pilot.pause()
        assert pane.timestamps
        first = pane.render_line(0).text
        assert first.startswith("20") and "Z x" in first
        rows = pane._wrap_ends[0]
        folded = "".join(pane.render_line(y).text.rstrip() for y in range(rows))
        assert rows >= 4 and folded.endswith(" " + "x" * 250)  # folded at the width, nothing lost


async def test_job_without_a_stream_waits_with_a_message(log_app: HybridApp) -> None:
    seeder = JobSeeder(random.Random(), datetime.now())
    job = seeder.submit(unique("logview-runnable"), "cpu-etl", "etl-parquet")
    seeder.set_state(job, "RUNNABLE", 10)
    async with log_app.run_test(size=(120, 24)) as pilot:
        open_logs(log_app, LogSource.batch_job(job.job_id))
        await wait_for(pilot, lambda: opened(log_app))
        screen = log_screen(log_app)
        await wait_for(pilot, lambda: screen.status.state == "waiting")
        status = str(screen.query_one("#log-status").render())
        assert "RUNNABLE" in status and "no log stream yet" in status


async def test_unknown_job_says_not_found(log_app: HybridApp) -> None:
    async with log_app.run_test(size=(120, 24)) as pilot:
        open_logs(log_app, LogSource.batch_job("no-such-job"))
        await wait_for(pilot, lambda: opened(log_app))
        screen = log_screen(log_app)
        await wait_for(pilot, lambda: screen.status.state == "not found")
        await wait_for(pilot, lambda: any("not found" in n.message for n in log_app._notifications))
        assert "Batch job no-such-job not found" in str(screen.query_one("#log-status").render())


async def test_cap_keeps_memory_bounded(fleet: EmbeddedFleet) -> None:
    ui = UiSettings(log_poll_s=0.2, log_max_lines=1000, log_flush_ms=20)
    app = HybridApp(make_services(fleet, Settings(aws=TEST_AWS, audit_log="", ui=ui)))
    job, _ = running_job([f"line {i}" for i in range(5000)])
    async with app.run_test(size=(100, 24)) as pilot:
        open_logs(app, LogSource.batch_job(job.job_id))
        await wait_for(pilot, lambda: opened(app))
        screen = log_screen(app)
        await wait_for(pilot, lambda: screen.received == 5000)
        screen.flush()
        assert len(screen.pane.buffer) <= 1000 and messages(screen)[-1] == "line 4999"
        assert "oldest dropped" in str(screen.query_one("#log-status").render())


async def test_l_on_the_job_detail_screen_and_on_a_view_without_logs(log_app: HybridApp) -> None:
    from hybridml.tui.screens.job_detail import JobDetailScreen

    job, _ = running_job(["from the detail screen"])
    async with log_app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: log_app.active_view is not None and log_app.active_view.loaded_at is not None)
        listed = next(j for j in log_app.active_view.items if j.job_id == job.job_id)  # type: ignore[union-attr]
        log_app.push_screen(JobDetailScreen(log_app.services, listed))
        await pilot.pause()
        await pilot.press("l")
        await wait_for(pilot, lambda: opened(log_app))
        await wait_for(pilot, lambda: messages(log_screen(log_app)) == ["from the detail screen"])
        await pilot.press("escape", "escape")
        await pilot.press("colon", *"queues", "enter")
        await wait_for(pilot, lambda: log_app.current_kind == "queues" and log_app.active_view.selected is not None)  # type: ignore[union-attr]
        await pilot.press("l")
        await wait_for(pilot, lambda: any("no logs for this kind" in n.message for n in log_app._notifications))
        assert not opened(log_app)

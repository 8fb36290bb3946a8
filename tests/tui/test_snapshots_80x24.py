"""Snapshot tests of the list views, the log view and the submit form at 80x24, over SSH size.

They read the deterministic region (`fixed_region`: the demo catalogue seeded once at a fixed anchor with fixed
seeds, read-only) with the app's clock pinned to that anchor (`pinned_clock`), watches off and the refresh and
header timers paused: ids, states, ages, durations and metric curves are the same on every run, on any machine,
however loaded.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from hybridml.config import Settings, WatchSettings
from hybridml.tui.app import HybridApp
from hybridml.tui.screens.log_view import LogScreen
from hybridml.tui.screens.submit_form import SubmitScreen
from tests.conftest import TEST_AWS, FixedRegion
from tests.tui.helpers import wait_for

Then = Callable[[Pilot[Any]], Awaitable[None]]


def app_on(region: FixedRegion, view: str) -> HybridApp:
    settings = Settings(aws=TEST_AWS, audit_log="", watches=WatchSettings(enabled=False))
    return HybridApp(region.services(settings), start_view=view)


def pause_screen_timers(app: HybridApp) -> None:
    for timer in list(app.screen._timers):
        timer.pause()


def frozen(kind: str, then: Then | None = None) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Wait for the view and the start-up probes, stop the timers, pin the header's moving parts, then
    `then(pilot)`."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, HybridApp)
        await wait_for(pilot, lambda: app.current_kind == kind and app.views[kind].loaded_at is not None)
        await wait_for(pilot, lambda: bool(app.services.permissions))  # its notification (if any) is out
        await wait_for(pilot, lambda: app.focused is app.views[kind].table)  # its keys in the footer, cursor focused
        app.refresh_timer.pause()
        app.header_timer.pause()
        header = app.header
        header.aws_endpoint, header.freshness, header.api_rate = "127.0.0.1:5000", "refreshed 0s ago", 0
        app.clear_notifications()
        if then is not None:
            await then(pilot)
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("view", ["jobs", "queues", "ce", "endpoints", "training", "triage", "all", "launches"])
def test_list_view_80x24(snap_compare: Any, pinned_clock: FixedRegion, view: str) -> None:
    assert snap_compare(app_on(pinned_clock, view), terminal_size=(80, 24), run_before=frozen(view))


def test_log_view_80x24(snap_compare: Any, pinned_clock: FixedRegion) -> None:
    """`l` on the failed upstream extract job (seeded with a full, finished log): its last lines, with the error."""
    job_id = pinned_clock.seeded.failed_dependency

    async def then(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, HybridApp)
        app.apply_filter(job_id)
        view = app.views["jobs"]
        await wait_for(pilot, lambda: view.selected is not None and view.selected.job_id == job_id)  # type: ignore[attr-defined]
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, LogScreen) and app.screen.status.state == "ended")
        screen = app.screen
        assert isinstance(screen, LogScreen)
        await wait_for(pilot, lambda: not screen.pending and screen.pane.buffer.visible_count > 0)
        pause_screen_timers(app)

    assert snap_compare(app_on(pinned_clock, "jobs"), terminal_size=(80, 24), run_before=frozen("jobs", then))


def test_submit_form_80x24(snap_compare: Any, pinned_clock: FixedRegion) -> None:
    """`n` in :jobs: the new-job form with its queues and definitions loaded, nothing typed yet."""

    async def then(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, SubmitScreen) and app.screen.catalog_loaded)
        pause_screen_timers(app)  # type: ignore[arg-type]

    assert snap_compare(app_on(pinned_clock, "jobs"), terminal_size=(80, 24), run_before=frozen("jobs", then))

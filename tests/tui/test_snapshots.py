"""Snapshot tests at a fixed terminal size (80x24): screens whose content the seed fixes and no test changes."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from hybridml.config import Settings, WatchSettings
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.tui.app import HybridApp
from hybridml.tui.screens.json_view import JsonScreen
from tests.conftest import TEST_AWS, make_services
from tests.tui.helpers import wait_for


def quiet_services(fleet: EmbeddedFleet) -> Any:
    """No watches: their toasts carry ages that change from run to run."""
    return make_services(fleet, Settings(aws=TEST_AWS, audit_log="", watches=WatchSettings(enabled=False)))


def freeze(kind: str) -> Any:
    """Wait for the view, then stop the timers and pin the header's moving parts."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, HybridApp)
        await wait_for(pilot, lambda: app.current_kind == kind and app.views[kind].loaded_at is not None)
        app.refresh_timer.pause()
        app.header_timer.pause()
        header = app.header
        header.aws_endpoint, header.freshness, header.api_rate = "127.0.0.1:5000", "refreshed 0s ago", 0
        await pilot.pause()

    return run_before


def describe_etl_definition() -> Any:
    """`d` on the seeded etl-parquet job definition: nothing in the suite changes it, while other tests add
    CEs, queues, jobs and definitions to the shared fleet (so list views are not stable across runs)."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await freeze("jobdefs")(pilot)
        app = pilot.app
        assert isinstance(app, HybridApp)
        app.apply_filter("^etl-parquet$")
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, JsonScreen))
        await pilot.pause()

    return run_before


def test_describe_job_definition_80x24(snap_compare: Any, fleet: EmbeddedFleet) -> None:
    app = HybridApp(quiet_services(fleet), start_view="jobdefs")
    assert snap_compare(app, terminal_size=(80, 24), run_before=describe_etl_definition())


def test_help_80x24(snap_compare: Any, fleet: EmbeddedFleet) -> None:
    app = HybridApp(quiet_services(fleet), start_view="jobdefs")

    async def run_before(pilot: Pilot[Any]) -> None:
        await describe_etl_definition()(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)

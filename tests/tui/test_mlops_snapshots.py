"""Snapshot tests of the MLOps views and screens at 80x24.

They read a region nothing else writes to (us-west-2), seeded once with the demo's MLOps catalogue at a fixed
anchor time, and the clock is pinned to that anchor: names, ages, durations and costs are the same on every run.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from textual.pilot import Pilot

from hybridml import clock
from hybridml.config import Settings, WatchSettings
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.seed_mlops import MlopsSeed, seed_mlops
from hybridml.services import Services
from hybridml.tui.app import HybridApp
from hybridml.tui.screens.monitor_detail import ViolationsScreen
from hybridml.tui.screens.pipeline_execution import PipelineExecutionScreen
from hybridml.tui.screens.tuning_detail import TuningDetailScreen
from tests.conftest import TEST_AWS
from tests.sagemaker_helpers import ROLE
from tests.tui.helpers import wait_for

REGION = "us-west-2"
ANCHOR = datetime(2026, 1, 9, 15, 30, tzinfo=UTC)  # a Friday afternoon


@pytest.fixture(scope="session")
def snap_region(fleet: EmbeddedFleet) -> MlopsSeed:
    random.seed(16)  # moto names pipeline executions with the global random: the same ids every run
    return seed_mlops(fleet.url, ROLE, random.Random(16), region=REGION, anchor=ANCHOR)


@pytest.fixture
def pinned(monkeypatch: pytest.MonkeyPatch, snap_region: MlopsSeed) -> Iterator[MlopsSeed]:
    monkeypatch.setattr(clock, "utcnow", lambda: ANCHOR)
    yield snap_region


def app_on(fleet: EmbeddedFleet, view: str) -> HybridApp:
    settings = Settings(aws=TEST_AWS, audit_log="", watches=WatchSettings(enabled=False))
    services = Services.build(
        settings,
        region=REGION,
        endpoint_url=fleet.url,
        static_credentials=(fleet.access_key, fleet.secret_key),
        demo=True,
    )
    return HybridApp(services, start_view=view)


def frozen(kind: str, then: Any = None) -> Any:
    """Wait for the view, stop the timers, pin the header's moving parts, then run `then(pilot)`."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, HybridApp)
        await wait_for(pilot, lambda: app.current_kind == kind and app.views[kind].loaded_at is not None)
        await wait_for(pilot, lambda: bool(app.services.permissions))  # its notification (if any) is out
        await wait_for(pilot, lambda: app.focused is app.views[kind].table)  # the cursor row is drawn focused
        app.refresh_timer.pause()
        app.header_timer.pause()
        header = app.header
        header.aws_endpoint, header.freshness, header.api_rate = "127.0.0.1:5000", "refreshed 0s ago", 0
        app.clear_notifications()
        if then is not None:
            await then(pilot)
        await pilot.pause()

    return run_before


def screen_loaded(kind: type, *keys: str) -> Any:
    async def then(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await pilot.press(*keys)
        await wait_for(pilot, lambda: isinstance(app.screen, kind) and getattr(app.screen, "loaded", 1))
        await wait_for(pilot, lambda: getattr(app.screen, "report", 1) is not None)
        for timer in list(app.screen._timers):
            timer.pause()

    return then


@pytest.mark.parametrize("view", ["pipelines", "executions", "tuning", "monitors", "models", "notebooks"])
def test_mlops_view_80x24(snap_compare: Any, fleet: EmbeddedFleet, pinned: MlopsSeed, view: str) -> None:
    assert snap_compare(app_on(fleet, view), terminal_size=(80, 24), run_before=frozen(view))


def test_failed_run_diagnosis_80x24(snap_compare: Any, fleet: EmbeddedFleet, pinned: MlopsSeed) -> None:
    then = screen_loaded(PipelineExecutionScreen, "slash", *"^churn", "enter", "t")
    assert snap_compare(app_on(fleet, "pipelines"), terminal_size=(80, 24), run_before=frozen("pipelines", then))


def test_tuning_trials_80x24(snap_compare: Any, fleet: EmbeddedFleet, pinned: MlopsSeed) -> None:
    then = screen_loaded(TuningDetailScreen, "slash", *"^dogs", "enter", "enter")
    assert snap_compare(app_on(fleet, "tuning"), terminal_size=(80, 24), run_before=frozen("tuning", then))


def test_violations_80x24(snap_compare: Any, fleet: EmbeddedFleet, pinned: MlopsSeed) -> None:
    then = screen_loaded(ViolationsScreen, "slash", *"^yolo-dogs-prod", "enter", "t")
    assert snap_compare(app_on(fleet, "monitors"), terminal_size=(80, 24), run_before=frozen("monitors", then))


def test_model_versions_80x24(snap_compare: Any, fleet: EmbeddedFleet, pinned: MlopsSeed) -> None:
    async def then(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, HybridApp)
        await pilot.press("slash", *"^dogs", "enter", "enter")
        await wait_for(pilot, lambda: app.current_kind == "versions" and app.views["versions"].loaded_at is not None)

    assert snap_compare(app_on(fleet, "models"), terminal_size=(80, 24), run_before=frozen("models", then))

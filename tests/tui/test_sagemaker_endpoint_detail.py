"""Pilot tests for the endpoint detail's curves and the list's traffic ordering."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from hybridml.aws.metrics import traffic_specs
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.tui.app import HybridApp
from hybridml.tui.screens.endpoint_detail import EndpointDetailScreen
from tests.conftest import make_services
from tests.sagemaker_helpers import create_endpoint
from tests.tui.helpers import plain, wait_for
from tests.tui.sagemaker_pilot import open_on, settings


async def test_detail_shows_curves_and_switches_window(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    app = HybridApp(make_services(fleet, settings(tmp_path)), start_view="endpoints")
    async with app.run_test(size=(160, 50)) as pilot:
        await open_on(pilot, app, "yolo-dogs-prod")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EndpointDetailScreen))
        screen = app.screen
        assert isinstance(screen, EndpointDetailScreen)
        await wait_for(pilot, lambda: screen.metrics_loaded > 0)
        await pilot.press("1")
        await wait_for(pilot, lambda: screen.metrics_loaded > 1 and screen.window == "1h")
        text = plain(screen.query_one("#detail-metrics", Static))
        assert "Metrics, last 1h" in text and "Invocations" in text and any(ch in text for ch in "▁▂▃▄▅▆▇█")


async def test_detail_labels_curves_per_variant(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    name = create_endpoint(fleet, variants=("Blue", "Green"))
    app = HybridApp(make_services(fleet, settings(tmp_path)), start_view="endpoints")
    async with app.run_test(size=(160, 60)) as pilot:
        await open_on(pilot, app, name)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EndpointDetailScreen))
        screen = app.screen
        assert isinstance(screen, EndpointDetailScreen)
        await wait_for(pilot, lambda: screen.metrics_loaded > 0)
        text = plain(screen.query_one("#detail-metrics", Static))
        assert "Blue Invocations" in text and "Green 5xx errors" in text
        from hybridml.tui.commands import HybridCommands

        palette = {entry[0] for entry in HybridCommands(screen)._entries()}
        assert {"endpointdetail: scale", "endpointdetail: 24h", "endpointdetail: back"} <= palette
        assert "no data in this window" in text  # a new endpoint has no traffic yet, and says so


async def test_sort_by_traffic_puts_the_busiest_last(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    app = HybridApp(make_services(fleet, settings(tmp_path)), start_view="endpoints")
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_for(pilot, lambda: "endpoints" in app.views and app.views["endpoints"].loaded_at is not None)
        view = app.views["endpoints"]
        while view.sort_column != "TRAFFIC 1h":
            await pilot.press("o")
        totals = [view.traffic[key][0].total if key in view.traffic else -1 for key in view.shown_keys]  # type: ignore[attr-defined]
        assert totals == sorted(totals) and totals[-1] > 0


async def test_traffic_column_sums_every_variant(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    """fraud-scorer splits its traffic 90/10 between Champion and Challenger: the list shows both together."""
    app = HybridApp(make_services(fleet, settings(tmp_path)), start_view="endpoints")
    async with app.run_test(size=(160, 40)) as pilot:
        view = await open_on(pilot, app, "fraud-scorer")
        await wait_for(pilot, lambda: "fraud-scorer" in view.traffic)
        shown = view.traffic["fraud-scorer"]
        per_variant = await app.services.metrics.series(
            traffic_specs([("fraud-scorer", "Champion"), ("fraud-scorer", "Challenger")]), 3600, period=300
        )
        champion, challenger = per_variant[0].total, per_variant[2].total
        assert champion > 0 and challenger > 0  # both variants served
        assert shown[0].total == pytest.approx(champion + challenger)
        assert shown[1].total == pytest.approx(per_variant[1].total + per_variant[3].total)  # 5xx too

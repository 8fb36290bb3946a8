"""Pilot tests for :endpoints — the list, scale with confirm and progress, bad input, read-only."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from hybridml.config import WatchSettings
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.render.sagemaker import ENDPOINT_COLUMNS
from hybridml.tui.app import HybridApp
from hybridml.tui.screens.confirm import ConfirmScreen
from hybridml.tui.screens.scale_form import ScaleScreen
from hybridml.tui.views import endpoints as endpoints_module
from tests.conftest import FixedRegion, make_services
from tests.sagemaker_helpers import create_endpoint, fast_settle
from tests.tui.helpers import plain, wait_for
from tests.tui.sagemaker_pilot import open_on, progress, record_progress, settings

__all__ = ["fast_settle"]


async def test_endpoints_view_lists_capacity_and_autoscaling(pinned_clock: FixedRegion, tmp_path: Path) -> None:
    """On the read-only region with the clock at its anchor: the last hour of traffic is exactly 12 five-minute
    bins, whenever and however slowly the suite runs."""
    # no watches: the idle-endpoint watch reads Invocations too, and this counts the traffic column's reads
    quiet = settings(tmp_path).model_copy(update={"watches": WatchSettings(enabled=False)})
    app = HybridApp(pinned_clock.services(quiet), start_view="smjobs")
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_for(pilot, lambda: app.active_view is not None and app.active_view.loaded_at is not None)
        app.refresh_timer.pause()  # count the calls of one load, not of auto-refreshes on a slow machine
        await wait_for(pilot, lambda: bool(app.services.permissions))  # the start-up probes (one GetMetricData)
        metric_calls = app.services.session.meter.by_operation.get("GetMetricData", 0)
        await pilot.press("colon", *"ep", "enter")  # the `:ep` alias
        view = await open_on(pilot, app, "yolo-dogs-prod")
        cells = dict(zip(ENDPOINT_COLUMNS, view.cells_of("yolo-dogs-prod"), strict=True))
        assert (cells["STATUS"], cells["INSTANCE TYPE"], cells["INSTANCES"]) == ("InService", "ml.g5.xlarge", "2/2")
        assert (cells["$/H"], cells["AUTOSCALING"]) == ("$2.82", "1..4")  # 2 x ml.g5.xlarge at $1.408
        # an hour of Invocations in 5-min steps: the seeded points run up to a minute before the anchor
        traffic = cells["TRAFFIC 1h"]
        assert len(traffic) == 12 and set(traffic) <= set("▁▂▃▄▅▆▇█")
        assert app.services.session.meter.by_operation["GetMetricData"] == metric_calls + 1  # one for all endpoints
        await pilot.press("escape")
        assert int(view.cells_of("llm-summarizer")[ENDPOINT_COLUMNS.index("5XX 1h")]) > 0  # in the last hour
        assert view.cells_of("yolo-dogs-canary")[ENDPOINT_COLUMNS.index("INSTANCES")] == "1/2"


async def test_scale_flow_confirms_and_waits_for_in_service(
    fleet: EmbeddedFleet, tmp_path: Path, fast_settle: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(endpoints_module, "PROGRESS_KEEP_S", 0.3)
    name = create_endpoint(fleet, instances=1)
    app = HybridApp(make_services(fleet, settings(tmp_path)), start_view="endpoints")
    async with app.run_test(size=(160, 40)) as pilot:
        view = await open_on(pilot, app, name)
        shown = record_progress(view)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ScaleScreen))
        await pilot.press(*"3", "tab", *"1", "tab", *"4", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        body = plain(app.screen.query_one("#confirm-body", Static))
        assert "1  →  3" in body and "-  →  1..4" in body
        await pilot.click("#confirm-ok")
        await wait_for(pilot, lambda: any("InService with 3 instances" in line for line in shown))
        await wait_for(pilot, lambda: progress(view) == "")  # the finished line clears itself
        endpoint = await app.services.sagemaker.endpoint(name)
        assert endpoint.desired_instances == 3 and endpoint.variant().autoscaling == "1..4"  # type: ignore[union-attr]
        assert [e["action"] for e in app.services.audit_log.entries()] == [
            "sagemaker.endpoint.autoscaling",
            "sagemaker.endpoint.scale",
        ]


async def test_scale_form_rejects_bad_input_and_keeps_it(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    name = create_endpoint(fleet, instances=2)
    app = HybridApp(make_services(fleet, settings(tmp_path)), start_view="endpoints")
    async with app.run_test(size=(160, 40)) as pilot:
        await open_on(pilot, app, name)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ScaleScreen))
        screen = app.screen
        error = screen.query_one("#scale-error", Static)
        for desired, lo, hi, expected in (
            ("two", "", "", "not a whole number"),
            ("-1", "", "", "must not be negative"),
            ("", "5", "2", "min (5) is greater than max (2)"),
            ("0", "", "", "at least 1"),
            ("", "", "", "nothing to change"),
            ("", "1", "", "needs both min and max"),
        ):
            for which, value in (("desired", desired), ("min", lo), ("max", hi)):
                screen.query_one(f"#scale-{which}", Input).value = value
            screen.query_one("#scale-max", Input).focus()
            await pilot.press("enter")
            assert expected in plain(error), expected
            assert isinstance(app.screen, ScaleScreen)  # the form stays, as typed
            assert screen.query_one("#scale-desired", Input).value == desired
        await pilot.press("escape")
        assert not isinstance(app.screen, ScaleScreen)
        assert app.services.audit_log.entries() == []


async def test_read_only_refuses_scale_delete_invoke(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    name = create_endpoint(fleet)
    app = HybridApp(make_services(fleet, settings(tmp_path), read_only=True), start_view="endpoints")
    async with app.run_test(size=(160, 40)) as pilot:
        await open_on(pilot, app, name)
        for key in ("s", "ctrl+k", "i"):
            await pilot.press(key)
            await pilot.pause()
            assert len(app.screen_stack) == 1, key
        messages = [n.message for n in app._notifications]
        assert sum("read-only mode" in m for m in messages) >= 1
        assert (await app.services.sagemaker.endpoint(name)).status == "InService"

"""Pilot tests for :endpoints — scale progress on the detail screen, one scale flow per endpoint."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from hybridml.fleet import patches_sagemaker
from hybridml.fleet.backends import sagemaker_backend
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.tui.app import HybridApp
from hybridml.tui.screens.confirm import ConfirmScreen
from hybridml.tui.screens.scale_form import ScaleScreen
from tests.conftest import make_services
from tests.sagemaker_helpers import create_endpoint, fast_settle
from tests.tui.helpers import plain, wait_for
from tests.tui.sagemaker_pilot import open_on, progress, settings

__all__ = ["fast_settle"]


async def test_scale_from_detail_shows_progress_there(fleet: EmbeddedFleet, tmp_path: Path, fast_settle: None) -> None:
    from hybridml.tui.commands import HybridCommands
    from hybridml.tui.screens.endpoint_detail import EndpointDetailScreen

    name = create_endpoint(fleet, instances=1)
    app = HybridApp(make_services(fleet, settings(tmp_path)), start_view="endpoints")
    async with app.run_test(size=(160, 40)) as pilot:
        await open_on(pilot, app, name)
        palette = [entry[0] for entry in HybridCommands(app.screen)._entries()]
        assert {"endpoints: scale", "endpoints: invoke", "endpoints: delete"} <= set(palette)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EndpointDetailScreen))
        detail = app.screen
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ScaleScreen))
        await pilot.press("2", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm-ok")
        await wait_for(pilot, lambda: app.screen is detail)
        await wait_for(
            pilot, lambda: "InService with 2 instances" in plain(detail.query_one("#detail-progress", Static))
        )


async def test_second_scale_of_the_same_endpoint_waits(
    fleet: EmbeddedFleet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the update does not settle while the test runs (the default 4 s can pass on a loaded machine before the
    # progress line is looked at), so the first flow is still waiting when the second `s` comes
    monkeypatch.setattr(patches_sagemaker, "ENDPOINT_UPDATE_S", 3600.0)
    name = create_endpoint(fleet, instances=1)
    app = HybridApp(make_services(fleet, settings(tmp_path)), start_view="endpoints")
    async with app.run_test(size=(160, 40)) as pilot:
        view = await open_on(pilot, app, name)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ScaleScreen))
        await pilot.press("2", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm-ok")
        await wait_for(pilot, lambda: "Updating" in progress(view))
        await pilot.press("s")
        await wait_for(pilot, lambda: any("already being scaled" in n.message for n in app._notifications))
        assert len(app.screen_stack) == 1  # no second form
    sagemaker_backend().endpoints[name].hybridml_settle_at = 0.0  # settles on the next read: nothing is left Updating


async def test_scale_form_picks_the_variant(fleet: EmbeddedFleet, tmp_path: Path, fast_settle: None) -> None:
    from textual.widgets import Input, Select

    name = create_endpoint(fleet, instances=1, variants=("Blue", "Green"))
    app = HybridApp(make_services(fleet, settings(tmp_path)), start_view="endpoints")
    async with app.run_test(size=(160, 50)) as pilot:
        view = await open_on(pilot, app, name)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ScaleScreen))
        form = app.screen
        form.query_one("#scale-variant", Select).value = "Green"
        await wait_for(pilot, lambda: "variant Green" in plain(form.query_one("#scale-current", Static)))
        form.query_one("#scale-desired", Input).value = "2"
        form.query_one("#scale-desired", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert f"{name} / Green" in plain(app.screen.query_one("#confirm-body", Static))
        await pilot.click("#confirm-ok")
        await wait_for(pilot, lambda: "InService with 2 instances" in progress(view))
        endpoint = await app.services.sagemaker.endpoint(name)
        assert endpoint.variant("Green").desired_instance_count == 2  # type: ignore[union-attr]
        assert endpoint.variant("Blue").desired_instance_count == 1  # type: ignore[union-attr]

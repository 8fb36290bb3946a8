"""Pilot tests for :endpoints — typed-name delete, invoke, detail curves, an endpoint deleted while viewed."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static, TextArea

from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.render.sagemaker import ENDPOINT_COLUMNS
from hybridml.tui.app import HybridApp
from hybridml.tui.screens.confirm import ConfirmScreen
from hybridml.tui.screens.endpoint_detail import EndpointDetailScreen
from hybridml.tui.screens.invoke import InvokeScreen
from tests.conftest import make_services
from tests.sagemaker_helpers import create_endpoint, delete_endpoint
from tests.tui.helpers import plain, wait_for
from tests.tui.sagemaker_pilot import open_on, settings


async def test_delete_requires_the_typed_name(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    name = create_endpoint(fleet)
    app = HybridApp(make_services(fleet, settings(tmp_path)), start_view="endpoints")
    async with app.run_test(size=(160, 40)) as pilot:
        view = await open_on(pilot, app, name)
        await pilot.press("ctrl+k")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press(*name[:-1], "enter")
        assert isinstance(app.screen, ConfirmScreen)
        assert "does not match" in plain(app.screen.query_one("#confirm-error", Static))
        assert name in await app.services.sagemaker.endpoint_names()
        app.screen.query_one("#confirm-typed", Input).value = name
        await pilot.press("enter")
        await wait_for(pilot, lambda: name not in view.by_key)
        assert name not in await app.services.sagemaker.endpoint_names()
        assert app.services.audit_log.entries()[-1]["action"] == "sagemaker.endpoint.delete"


async def test_invoke_shows_response_and_rejects_bad_json(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    name = create_endpoint(fleet)
    app = HybridApp(make_services(fleet, settings(tmp_path)), start_view="endpoints")
    async with app.run_test(size=(160, 40)) as pilot:
        await open_on(pilot, app, name)
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, InvokeScreen))
        screen = app.screen
        assert isinstance(screen, InvokeScreen)
        area = screen.query_one("#invoke-body", TextArea)
        area.text = '{"instances": [1, 2'
        await pilot.press("ctrl+s")
        assert "not valid JSON" in plain(screen.query_one("#invoke-error", Static))
        assert area.text == '{"instances": [1, 2'  # kept for fixing
        screen.query_one("#invoke-file", Input).value = str(tmp_path / "missing.json")
        await pilot.press("ctrl+s")
        assert "file not found" in plain(screen.query_one("#invoke-error", Static))
        payload = tmp_path / "payload.json"
        payload.write_text('{"instances": [[1, 2, 3]]}')
        screen.query_one("#invoke-file", Input).value = str(payload)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.last is not None)
        shown = plain(screen.query_one("#invoke-response", Static))
        assert "200 OK" in shown and "ms" in shown and "content-type" in shown
        assert screen.last is not None and screen.last.latency_ms > 0


async def test_endpoint_deleted_while_viewed(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    name = create_endpoint(fleet)
    app = HybridApp(make_services(fleet, settings(tmp_path)), start_view="endpoints")
    async with app.run_test(size=(160, 40)) as pilot:
        await open_on(pilot, app, name)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EndpointDetailScreen))
        screen = app.screen
        assert isinstance(screen, EndpointDetailScreen)
        await wait_for(pilot, lambda: screen.metrics_loaded > 0)
        await delete_endpoint(app.services, name)
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.gone)
        assert "deleted" in plain(screen.query_one("#detail-title", Static))
        await pilot.press("s")
        assert isinstance(app.screen, EndpointDetailScreen)
        assert any("no longer exists" in n.message for n in app._notifications)


async def test_scale_an_endpoint_deleted_since_the_list_loaded(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    name = create_endpoint(fleet)
    app = HybridApp(make_services(fleet, settings(tmp_path)), start_view="endpoints")
    async with app.run_test(size=(160, 40)) as pilot:
        await open_on(pilot, app, name)
        await delete_endpoint(app.services, name)
        await pilot.press("s")
        await wait_for(pilot, lambda: any("not found (deleted" in n.message for n in app._notifications))
        assert len(app.screen_stack) == 1 and app.is_running
        assert "not found (deleted" in app.header.problem


async def test_no_cloudwatch_access_only_blanks_the_curves(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    from hybridml.fleet.faultproxy import FaultProxy
    from hybridml.fleet.faultrules import FaultRules
    from hybridml.services import Services

    with FaultProxy(fleet.url) as proxy:
        proxy.set_rules(FaultRules(access_denied={"monitoring"}))
        services = Services.build(
            settings(tmp_path),
            region=fleet.region,
            endpoint_url=proxy.url,
            static_credentials=(fleet.access_key, fleet.secret_key),
        )
        app = HybridApp(services, start_view="endpoints")
        async with app.run_test(size=(160, 40)) as pilot:
            view = await open_on(pilot, app, "yolo-dogs-prod")
            cells = dict(zip(ENDPOINT_COLUMNS, view.cells_of("yolo-dogs-prod"), strict=True))
            assert (cells["TRAFFIC 1h"], cells["5XX 1h"]) == ("-", "-")  # the curves blank
            assert cells["$/H"] == "$2.82"  # the cost needs no CloudWatch
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, EndpointDetailScreen))
            metrics = app.screen.query_one("#detail-metrics", Static)
            await wait_for(pilot, lambda: "metrics unavailable" in plain(metrics))
            assert "access denied" in plain(metrics)
            assert "InService" in plain(app.screen.query_one("#detail-title", Static))
        assert proxy.count(outcome="denied") >= 2


async def test_invoke_refuses_a_fifo_without_freezing(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    import os

    name = create_endpoint(fleet)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    app = HybridApp(make_services(fleet, settings(tmp_path)), start_view="endpoints")
    async with app.run_test(size=(160, 40)) as pilot:
        await open_on(pilot, app, name)
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, InvokeScreen))
        screen = app.screen
        screen.query_one("#invoke-file", Input).value = str(fifo)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "not a regular file" in plain(screen.query_one("#invoke-error", Static)))
        assert "InvokeEndpoint" not in app.services.session.meter.by_operation
        await pilot.press("escape")  # the screen still answers
        await wait_for(pilot, lambda: not isinstance(app.screen, InvokeScreen))

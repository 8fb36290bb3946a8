"""With each fault the TUI keeps running, the pane says what is wrong, rows already shown stay (marked
stale, with their age), and the next auto-refresh after the fault ends clears the problem by itself."""

from __future__ import annotations

import time
from typing import Any

import pytest

from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.faultproxy import FaultProxy, FaultRules
from hybridml.services import Services
from hybridml.tui.app import HybridApp
from tests.conftest import FixedRegion
from tests.faults.conftest import proxied
from tests.tui.helpers import wait_for


def title(app: HybridApp) -> str:
    view = app.active_view
    assert view is not None
    return str(view.query_one("#view-title").render())


async def loaded(pilot: Any, app: HybridApp) -> int:
    await wait_for(pilot, lambda: app.active_view is not None and app.active_view.loaded_at is not None)
    view = app.active_view
    assert view is not None and view.table.row_count > 0
    return view.table.row_count


@pytest.mark.parametrize(
    ("rules", "kind", "said"),
    [
        (FaultRules(throttle_rate=1.0, services={"batch"}), "throttled", "throttled"),
        (FaultRules(reset_rate=1.0, services={"batch"}), "unreachable", "connection to AWS lost"),
        (FaultRules(error_rate=1.0, services={"batch"}), "service error", "AWS error 50"),
        (FaultRules(access_denied={"batch"}), "denied", "access denied"),
    ],
    ids=["throttled", "reset", "5xx", "denied"],
)
async def test_fault_marks_rows_stale_then_recovers(
    services: Services, proxy: FaultProxy, rules: FaultRules, kind: str, said: str
) -> None:
    app = HybridApp(services)
    async with app.run_test(size=(140, 30)) as pilot:
        rows = await loaded(pilot, app)
        proxy.set_rules(rules)
        view = app.active_view
        assert view is not None
        await wait_for(pilot, lambda: view.stale and app.header.problem)

        assert view.error is not None and view.error.kind == kind
        assert f"stale: {kind}" in title(app)
        assert said in app.header.problem
        assert view.table.row_count == rows  # what was shown stays
        app.tick_header()
        assert app.header.stale and app.header.freshness.startswith("stale ")  # "stale 3s: throttled by batch"

        proxy.clear()  # the fault ends: the next auto-refresh (0.5 s) recovers without a keypress
        await wait_for(pilot, lambda: not view.stale and app.header.problem == "")
        assert "stale" not in title(app) and view.error is None
        app.tick_header()
        assert not app.header.stale and app.header.freshness.startswith("refreshed ")


async def test_server_that_stops_answering_then_comes_back(services: Services, proxy: FaultProxy) -> None:
    app = HybridApp(services)
    async with app.run_test(size=(140, 30)) as pilot:
        await loaded(pilot, app)
        view = app.active_view
        assert view is not None
        # Silent until the test ends it (a timed blackout could end before a loaded machine's next refresh); each
        # call gives up after 1 s, and botocore's one retry after ~1 more.
        proxy.set_rules(FaultRules(blackout_s=3600.0, services={"batch"}))
        await wait_for(pilot, lambda: view.stale and app.header.problem)
        assert view.error is not None and view.error.kind == "unreachable"
        assert "did not answer in time" in app.header.problem
        proxy.clear()  # the server answers again: the next auto-refresh recovers without a keypress
        await wait_for(pilot, lambda: not view.stale and app.header.problem == "")
        assert proxy.count(outcome="blackout") >= 1


async def test_denied_batch_degrades_only_batch(services: Services, proxy: FaultProxy) -> None:
    proxy.set_rules(FaultRules(access_denied={"batch"}))
    app = HybridApp(services)
    async with app.run_test(size=(140, 30)) as pilot:
        view = app.active_view
        await wait_for(pilot, lambda: view is not None and view.error is not None and app.header.problem)
        assert "denied" in title(app)  # never loaded: nothing is stale, but the pane still says why
        await wait_for(pilot, lambda: app.header.account == "123456789012")  # STS still answers
        await pilot.press(":", *"queues", "enter")
        await wait_for(pilot, lambda: app.current_kind == "queues" and app.active_view.error is not None)
        assert "denied" in title(app)
        await pilot.press("question_mark")  # the app keeps working
        await wait_for(pilot, lambda: len(app.screen_stack) == 2)
        assert proxy.count(service="batch", outcome="denied") >= 2


async def test_denied_sagemaker_degrades_only_its_panes(fixed_region: FixedRegion, proxy: FaultProxy) -> None:
    """On the read-only region (nothing adds jobs to it): :jobs shows the same rows before and after a denied
    :endpoints, once it has loaded again."""
    proxy.set_rules(FaultRules(access_denied={"sagemaker"}))
    services = proxied(fixed_region.fleet, proxy, region=fixed_region.region)
    try:
        app = HybridApp(services)
        async with app.run_test(size=(140, 30)) as pilot:
            rows = await loaded(pilot, app)
            assert rows > 0 and "denied" not in title(app)  # Batch is untouched
            await pilot.press(":", *"endpoints", "enter")
            await wait_for(pilot, lambda: app.current_kind == "endpoints" and app.active_view.error is not None)
            assert "denied" in title(app) and app.active_view.error.kind == "denied"
            back_at = time.monotonic()
            await pilot.press(":", *"jobs", "enter")
            view = app.views["jobs"]
            await wait_for(pilot, lambda: app.current_kind == "jobs" and (view.loaded_at or 0) > back_at)
            assert view.error is None and view.table.row_count == rows
    finally:
        await services.close()


async def test_missing_credentials_are_explained(
    fleet: EmbeddedFleet, proxy: FaultProxy, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    from hybridml.config import BatchSettings, Settings, UiSettings
    from tests.faults.conftest import FAULT_AWS

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    settings = Settings(aws=FAULT_AWS, ui=UiSettings(refresh_s=0.5), batch=BatchSettings(queues=("cpu-etl",)))
    services = Services.build(settings, region="us-east-1", endpoint_url=proxy.url)
    app = HybridApp(services)
    async with app.run_test(size=(140, 30)) as pilot:
        view = app.active_view
        await wait_for(pilot, lambda: view is not None and view.error is not None and app.header.problem)
        assert view is not None and view.error is not None and view.error.kind == "credentials"
        assert "no AWS credentials found" in app.header.problem
        assert len(proxy.calls) == 0  # nothing unsigned was sent
        await pilot.press(":", *"ce", "enter")  # still navigable
        await wait_for(pilot, lambda: app.current_kind == "ce")

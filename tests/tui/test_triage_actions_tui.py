"""Pilot tests: `a` applies a triage fix behind confirmation; watches alert once; denied panes are named."""

from __future__ import annotations

from textual.widgets import Button, Static

from hybridml.config import Settings, WatchSettings
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.faultproxy import FaultProxy, FaultRules
from hybridml.fleet.inject import Injector
from hybridml.tui.app import HybridApp
from hybridml.tui.screens.confirm import ConfirmScreen
from hybridml.tui.screens.explain import ExplainScreen
from tests.conftest import TEST_AWS, make_services
from tests.tui.helpers import wait_for
from tests.tui.test_navigation import command, loaded


async def test_a_applies_the_fix_after_confirmation(fleet: EmbeddedFleet, tmp_path: object) -> None:
    injector = Injector(fleet.url, fleet.simulator.seeder)
    queue = injector._small_queue(max_vcpus=4)
    services = make_services(fleet, Settings(aws=TEST_AWS, audit_log=f"{tmp_path}/audit.jsonl"))
    client = await services.session.client("batch")
    await client.update_job_queue(jobQueue=queue, state="DISABLED")
    job = injector._job("needs-enabled-queue", queue, "etl-parquet", "RUNNABLE", 60)
    fleet.simulator.pinned.add(job.job_id)
    app = HybridApp(services)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "jobs"))
        app.push_screen(ExplainScreen(services, "job", job.job_id, job.job_name))
        await wait_for(pilot, lambda: isinstance(app.screen, ExplainScreen) and app.screen.loaded)
        screen = app.screen
        assert isinstance(screen, ExplainScreen)
        assert screen.findings[screen.selected].cause == "QUEUE_DISABLED"
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "DISABLED" in str(app.screen.query_one("#confirm-body", Static).render())
        app.screen.query_one("#confirm-ok", Button).press()
        await wait_for(pilot, lambda: any(e["action"] == "batch.queue.state" for e in services.audit_log.entries()))
        [entry] = [e for e in services.audit_log.entries() if e["action"] == "batch.queue.state"]
        assert entry["result"] == "ok" and entry["target"] == queue
        queues = {q.name: q for q in await services.batch.job_queues()}
        assert queues[queue].state == "ENABLED"
        await wait_for(pilot, lambda: "QUEUE_DISABLED" not in {f.cause for f in screen.findings})


async def test_watches_alert_in_header_and_ring_once(fleet: EmbeddedFleet) -> None:
    settings = Settings(aws=TEST_AWS, audit_log="", watches=WatchSettings(interval_s=3600))
    app = HybridApp(make_services(fleet, settings))
    async with app.run_test(size=(200, 30)) as pilot:
        await wait_for(pilot, lambda: app.bells == 1 and app.header.alerts != "")
        keys = {a.key.split("/")[0] for a in app.alerts}
        assert {"runnable", "queue", "endpoint", "idle"} <= keys  # idle: the demo's never-invoked staging endpoint
        assert any(a.text == "queue spot-archive blocked (no valid CE)" for a in app.alerts)  # its CE is disabled
        first = set(app.alert_keys)
        app.run_watches()
        await app.workers.wait_for_complete()
        assert app.bells == 1 and app.alert_keys == first  # same alerts: no second bell


async def test_denied_pane_is_named_in_the_header(fleet: EmbeddedFleet) -> None:
    from tests.aws.test_triage_reads import _ProxyFleet

    with FaultProxy(fleet.url) as proxy:
        proxy.set_rules(FaultRules(access_denied={"sagemaker"}))
        app = HybridApp(make_services(_ProxyFleet(fleet, proxy.url)))  # type: ignore[arg-type]
        async with app.run_test(size=(200, 30)) as pilot:
            # every SageMaker pane is denied with the service: each is named
            panes = "sagemaker, sagemaker-monitoring, sagemaker-notebooks, sagemaker-pipelines, sagemaker-registry"
            await wait_for(pilot, lambda: app.header.denied == f"{panes}, sagemaker-tuning")
            assert "sagemaker:ListEndpoints" in " ".join(n.message for n in app._notifications)
            await command(pilot, "all")
            await wait_for(pilot, lambda: loaded(app, "all"))
            view = app.active_view
            assert view is not None
            assert {view.by_key[k].kind for k in view.shown_keys} == {"job"}
            assert "not read: sagemaker" in view.heading()
            assert app.is_running


async def test_denied_batch_pane_says_so_instead_of_failing(fleet: EmbeddedFleet) -> None:
    from tests.aws.test_triage_reads import _ProxyFleet

    with FaultProxy(fleet.url) as proxy:
        proxy.set_rules(FaultRules(access_denied={"batch"}))
        app = HybridApp(make_services(_ProxyFleet(fleet, proxy.url)))  # type: ignore[arg-type]
        async with app.run_test(size=(200, 30)) as pilot:
            await wait_for(pilot, lambda: app.header.denied == "batch")
            await command(pilot, "queues")
            view = app.views["queues"]
            # the view fails first, then tells the app (LoadFailed), which sets the header: wait for both
            await wait_for(pilot, lambda: view.error is not None and "access denied" in app.header.problem)
            assert "batch:DescribeJobQueues" in str(view.query_one("#view-title", Static).render())
            assert "access denied" in app.header.problem
            assert app.is_running

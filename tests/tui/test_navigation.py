"""Pilot tests: `:` commands, `/` filter, enter, `d`, esc — against the embedded fleet."""

from __future__ import annotations

from hybridml.domain.batch import JobStatus
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.tui.app import HybridApp
from hybridml.tui.screens.job_detail import JobDetailScreen
from hybridml.tui.screens.json_view import JsonScreen
from hybridml.tui.widgets.resource_table import ResourceTable
from tests.tui.helpers import wait_for


def loaded(app: HybridApp, kind: str) -> bool:
    view = app.views.get(kind)
    return app.current_kind == kind and view is not None and view.loaded_at is not None


async def command(pilot: object, text: str) -> None:
    await pilot.press("colon", *text, "enter")  # type: ignore[attr-defined]


async def test_jobs_view_paints_with_data(app: HybridApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "jobs"))
        view = app.active_view
        assert view is not None
        assert len(view.shown_keys) >= 300
        await wait_for(pilot, lambda: app.header.account == "123456789012")  # read after the first paint
        table = view.table
        assert table.row_count == len(view.shown_keys)
        statuses = {job.status for job in view.items}
        assert JobStatus.RUNNABLE in statuses and JobStatus.FAILED in statuses


async def test_command_bar_switches_views(app: HybridApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "jobs"))
        for name, kind in (("queues", "queues"), ("ce", "ce"), ("jd", "jobdefs"), ("jobs", "jobs")):
            await command(pilot, name)
            await wait_for(pilot, lambda kind=kind: loaded(app, kind))
        queues = app.views["queues"]
        assert {q.name for q in queues.items} >= {"gpu-inference", "cpu-etl"}
        # per-status counts are shown
        assert sum(sum(c.values()) for c in queues.counts.values()) >= 300


async def test_filter_and_escape(app: HybridApp, fleet: EmbeddedFleet) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "jobs"))
        view = app.active_view
        assert view is not None
        total = len(view.shown_keys)
        await pilot.press("slash", *"train-llm", "enter")
        assert len(view.shown_keys) == 1
        assert view.selected is not None and view.selected.name == "train-llm-8gpu"
        await pilot.press("escape")
        assert view.filter_text == "" and len(view.shown_keys) == total


async def test_invalid_regex_is_matched_literally_with_a_message(app: HybridApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "jobs"))
        await pilot.press("slash", *"etl-[", "enter")
        view = app.active_view
        assert view is not None and view.filter_text == "etl-["
        assert len(view.shown_keys) == 0
        assert any("invalid regex" in n.message for n in app._notifications)


async def test_unknown_command_keeps_running(app: HybridApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "jobs"))
        await command(pilot, "bogus")
        assert app.current_kind == "jobs"
        assert any("unknown command 'bogus'" in n.message for n in app._notifications)


async def test_enter_drills_queue_to_jobs_to_detail_and_back(app: HybridApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "jobs"))
        await command(pilot, "queues")
        await wait_for(pilot, lambda: loaded(app, "queues"))
        view = app.active_view
        assert view is not None and view.selected is not None
        queue = view.selected.name
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.current_kind == "jobs")
        jobs = app.views["jobs"]
        await wait_for(pilot, lambda: len(jobs.shown_keys) > 0)
        assert {jobs.by_key[k].queue for k in jobs.shown_keys} == {queue}
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, JobDetailScreen))
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, JsonScreen))
        assert '"jobId"' in app.screen.body  # type: ignore[attr-defined]
        await pilot.press("escape")
        await pilot.press("escape")
        assert not isinstance(app.screen, JobDetailScreen)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.current_kind == "queues")


async def test_describe_raw_json_of_queue(app: HybridApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "jobs"))
        await command(pilot, "queues")
        await wait_for(pilot, lambda: loaded(app, "queues"))
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, JsonScreen))
        assert "jobQueueName" in app.screen.body  # type: ignore[attr-defined]


async def test_refresh_keeps_cursor_and_filter(app: HybridApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "jobs"))
        view = app.active_view
        assert view is not None
        await pilot.press("slash", *"yolo", "enter")
        await pilot.press("down", "down")
        before = view.selected
        stamp = view.loaded_at
        await pilot.press("r")
        await wait_for(pilot, lambda: view.loaded_at != stamp)
        assert view.filter_text == "yolo"
        assert view.selected == before
        assert isinstance(view.table, ResourceTable)


async def test_unreachable_endpoint_at_start(fleet: EmbeddedFleet) -> None:
    from hybridml.config import AwsSettings, Settings
    from hybridml.services import Services

    services = Services.build(
        Settings(aws=AwsSettings(connect_timeout_s=0.5, read_timeout_s=0.5, max_attempts=1, retry_mode="standard")),
        region="us-east-1",
        endpoint_url="http://127.0.0.1:9",
        static_credentials=("a", "b"),
    )
    app = HybridApp(services)
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_for(pilot, lambda: app.views["jobs"].error is not None)
        # the view's LoadFailed message reaches the app a moment after the error is set
        await wait_for(pilot, lambda: "cannot connect" in app.header.problem)
        assert app.is_running
        await command(pilot, "queues")
        assert app.current_kind == "queues"


async def test_keymap_from_config_rebinds_a_key(fleet: EmbeddedFleet) -> None:
    from hybridml.config import Settings
    from tests.conftest import TEST_AWS, make_services

    settings = Settings(aws=TEST_AWS, audit_log="", keymap={"app.refresh": "ctrl+r"})
    app = HybridApp(make_services(fleet, settings))
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "jobs"))
        app.refresh_timer.pause()
        view = app.active_view
        assert view is not None
        stamp = view.loaded_at
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: view.loaded_at != stamp)


async def test_command_palette_finds_views_and_batch_actions(app: HybridApp) -> None:
    from textual.command import CommandList, CommandPalette

    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "jobs"))
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*":queues")
        await wait_for(pilot, lambda: app.screen.query_one(CommandList).option_count > 0)  # searched in a worker
        await pilot.press("enter")
        await wait_for(pilot, lambda: loaded(app, "queues"))


async def test_header_shows_the_api_budget_at_80_columns(app: HybridApp) -> None:
    import re

    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "jobs"))
        app.tick_header()
        text = app.header.render().plain
        assert re.search(r"api \d+/300 ", text) and ":jobs" in text and len(text) <= 80
        app.services.session.budget.throttled()  # AWS said slow down: the cap halves and the header says so
        app.tick_header()
        assert "api" in app.header.render().plain and "/150 throttled" in app.header.render().plain


async def test_startup_reads_wait_for_the_first_paint_and_the_demo_fleet_refreshes_once(fleet: EmbeddedFleet) -> None:
    import threading

    from tests.conftest import make_services

    ready = threading.Event()
    order: list[str] = []

    app = HybridApp(make_services(fleet), fleet_ready=ready)
    probes = app.check_permissions

    def recording() -> object:
        view = app.active_view
        order.append("probes after rows" if view is not None and view.loaded_at is not None else "probes first")
        return probes()

    app.check_permissions = recording  # type: ignore[method-assign]
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "jobs"))
        await wait_for(pilot, lambda: bool(order))
        assert order == ["probes after rows"]
        resyncs = app.services.batch.sweeper.resyncs
        ready.set()  # the demo child seeded the rest of the fleet
        await wait_for(pilot, lambda: app.services.batch.sweeper.resyncs > resyncs)

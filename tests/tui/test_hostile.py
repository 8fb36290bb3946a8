"""A hostile fleet (markup, click actions, unbalanced tags, OSC 52 / 8 / 2, CSI, C1, bidi, newlines, 100 KB strings
in every field AWS lets anyone write) opens every view at 80x24: no crash, no markup effect, no click action or
link from the data, and no escape sequence but Textual's own reaches the terminal. The hostile text shows escaped.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input, LoadingIndicator

from hybridml.config import Settings
from hybridml.domain.launch import LaunchTarget
from hybridml.fleet.hostile import CORPUS, HOSTILE
from hybridml.services import Services
from hybridml.tui.app import HybridApp
from hybridml.tui.screens.endpoint_detail import EndpointDetailScreen
from hybridml.tui.screens.explain import ExplainScreen
from hybridml.tui.screens.job_detail import JobDetailScreen
from hybridml.tui.screens.json_view import JsonScreen
from hybridml.tui.screens.launch_result import LaunchResultScreen
from hybridml.tui.screens.log_view import LogScreen
from hybridml.tui.screens.submit_form import SubmitScreen
from hybridml.tui.screens.training_detail import TrainingDetailScreen
from hybridml.tui.widgets.plain import PlainInput
from tests.conftest import TEST_AWS
from tests.tui.helpers import wait_for
from tests.tui.screen_scan import assert_inert, frame

SIZE = (80, 24)


@pytest.fixture
async def hostile_services(hostile_fleet: Any, tmp_path: Path) -> AsyncIterator[Services]:
    settings = Settings(aws=TEST_AWS, audit_log="")
    services = Services.build(
        settings,
        region=hostile_fleet.region,
        endpoint_url=hostile_fleet.url,
        static_credentials=(hostile_fleet.access_key, hostile_fleet.secret_key),
        demo=True,
    )
    try:
        yield services
    finally:
        await services.close()


async def show(pilot: Any, app: HybridApp, command: str) -> Any:
    """`:command` and wait until its view has an answer (rows or an error)."""
    await pilot.press("colon", *command, "enter")
    kind = command.split()[0]
    await wait_for(pilot, lambda: app.current_kind == kind or app.active_view.kind == kind)  # type: ignore[union-attr]
    view = app.active_view
    assert view is not None
    await wait_for(pilot, lambda: view.loaded_at is not None or view.error is not None)
    await wait_for(pilot, lambda: not view.table.loading and not app.screen.query(LoadingIndicator))
    await pilot.pause()
    return view


async def select(pilot: Any, view: Any, name: str) -> None:
    """Put the cursor on the row of the item named `name`."""

    def named(item: Any) -> bool:
        return bool(getattr(item, "name", None) == name or view.display_name(item) == name)

    await wait_for(pilot, lambda: any(named(i) for i in view.items))
    key = next(view.row_key(i) for i in view.items if named(i))
    await wait_for(pilot, lambda: key in view.shown_keys)
    view.table.move_cursor(row=view.shown_keys.index(key), animate=False)
    await pilot.pause()


async def back_to_views(pilot: Any, app: HybridApp) -> None:
    while len(app.screen_stack) > 1:
        app.pop_screen()
        await pilot.pause()


def escaped_somewhere(text: str) -> bool:
    return "\\x1b" in text or "\\x07" in text or "\\u202e" in text or "\\n" in text


async def test_hostile_fleet_every_view_at_80x24(
    hostile_services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a screenshot action from the data would write here
    app = HybridApp(hostile_services)
    async with app.run_test(size=SIZE) as pilot:
        jobs = await show(pilot, app, "jobs hostile")
        await wait_for(pilot, lambda: len(jobs.shown_keys) >= len(HOSTILE))
        assert_inert(app, ":jobs")
        jobs.table.scroll_to(x=jobs.table.max_scroll_x, animate=False, immediate=True)
        await pilot.pause()
        shown = assert_inert(app, ":jobs scrolled to REASON")
        assert escaped_somewhere(shown.text)
        reasons = [jobs.table.get_cell(k, "REASON") for k in jobs.shown_keys]
        assert any("\\x1b]52;c;" in str(r) for r in reasons) and any("[@click=" in str(r) for r in reasons)
        await pilot.click(offset=(60, 5))  # a click on a hostile REASON cell: no action fires
        await pilot.click(offset=(60, 5))
        await wait_for(pilot, lambda: len(app.screen_stack) > 1)  # the double click opened the detail
        assert_inert(app, "job detail by click")
        await back_to_views(pilot, app)

        # enter: the job detail (reason, parameters, command, environment, tags)
        await select(pilot, jobs, "hostile-09-osc52-clipboard")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, JobDetailScreen))
        shown = assert_inert(app, "job detail")
        assert "\\x1b]52;c;aGFja2VkCg==\\x07" in shown.text
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, JsonScreen))
        assert_inert(app, "describe")
        await back_to_views(pilot, app)
        for name in ("hostile-16-newline-row", "hostile-05-unbalanced-close", "hostile-21-big"):
            await select(pilot, jobs, name)
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, JobDetailScreen))
            assert_inert(app, f"job detail {name}")
            await back_to_views(pilot, app)

        # t: explain (the finding quotes the reason)
        await select(pilot, jobs, "hostile-01-click-quit")
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ExplainScreen) and app.screen.loaded)
        assert_inert(app, "explain")
        await back_to_views(pilot, app)

        # c: the clone form, prefilled with the job's hostile parameters, command and environment
        await select(pilot, jobs, "hostile-10-osc2-title")
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, SubmitScreen))
        await pilot.pause()
        values = [field.value for field in app.screen.query(Input)]
        assert HOSTILE["osc2_title"] in values  # the value is what the job had, to be sent as it was
        assert_inert(app, "clone form")
        await back_to_views(pilot, app)

        # l: the log view paints every line escaped; wrap and search work on what is shown
        await select(pilot, jobs, "hostile-logs")
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, LogScreen))
        log_screen = app.screen
        assert isinstance(log_screen, LogScreen)
        await wait_for(pilot, lambda: log_screen.pane.buffer.visible_count >= len(CORPUS))
        messages = {log_screen.pane.buffer.event(i).message for i in range(len(log_screen.pane.buffer))}
        assert set(CORPUS) <= messages  # kept verbatim in memory
        await pilot.press("G")  # the corpus is the newest lines
        shown = assert_inert(app, "log view")
        assert escaped_somewhere(shown.text)
        await pilot.press("w")
        await pilot.press("slash", *"click", "enter")
        assert_inert(app, "log view wrapped, searching")
        await back_to_views(pilot, app)

        for command in ("queues", "ce", "jobdefs", "smjobs", "triage", "all"):
            await show(pilot, app, command)
            assert_inert(app, f":{command}")
        ce = await show(pilot, app, "ce hostile")
        await wait_for(pilot, lambda: len(ce.shown_keys) == 4)
        ce.table.scroll_to(x=ce.table.max_scroll_x, animate=False, immediate=True)
        await pilot.pause()
        assert escaped_somewhere(assert_inert(app, ":ce reasons").text)

        triage = await show(pilot, app, "triage hostile")
        await wait_for(pilot, lambda: bool(triage.shown_keys))
        assert_inert(app, ":triage hostile")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ExplainScreen) and app.screen.loaded)
        assert_inert(app, "triage explain")
        await back_to_views(pilot, app)

        endpoints = await show(pilot, app, "endpoints hostile")
        for name in ("hostile-ep-0", "hostile-ep-1", "hostile-ep-3"):
            await select(pilot, endpoints, name)
            assert_inert(app, f":endpoints {name}")
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, EndpointDetailScreen))
            shown = assert_inert(app, f"endpoint detail {name}")
            if name == "hostile-ep-3":
                assert "[Failed]" in shown.text  # the title keeps its status; the reason shows as written
            await back_to_views(pilot, app)

        training = await show(pilot, app, "training hostile")
        for name in ("hostile-train-0", "hostile-train-2", "hostile-train-3"):
            await select(pilot, training, name)
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, TrainingDetailScreen))
            assert_inert(app, f"training detail {name}")
            await back_to_views(pilot, app)

        assert app.is_running and app.return_code is None  # no [@click=app.quit] fired
    written = await asyncio.to_thread(lambda: list(tmp_path.iterdir()))
    assert not written  # no [@click=app.screenshot(...)] wrote a file


def hostile_report() -> dict[str, Any]:
    """A dogwatch report with the corpus in every string, and junk where numbers go."""
    return {
        "schema": "dogwatch.report/v1",
        "status": HOSTILE["click_quit"],
        "video": {"url": HOSTILE["osc8_link"], "width": "wide", "height": float("inf"), "duration_s": "x"},
        "device": HOSTILE["osc52_clipboard"],
        "frames_processed": True,
        "processing_fps": HOSTILE["style"],
        "detections": {
            HOSTILE["unbalanced_close"]: {"segments": [{"start_s": 1, "end_s": "2", "frames": 1e300}]},
            HOSTILE["newline_row"]: {"segments": [{"start_s": 0.5, "end_s": 1.5, "frames": 3, "max_confidence": 0.9}]},
        },
        "error": {"message": HOSTILE["csi_clear"] + HOSTILE["unbalanced_end"] + HOSTILE["big"]},
    }


async def test_hostile_callback_report_opens_launches_at_80x24(hostile_services: Services) -> None:
    app = HybridApp(hostile_services)
    async with app.run_test(size=SIZE) as pilot:
        launcher = app.launcher
        base = await launcher.start()
        run = launcher.registry.create(LaunchTarget.LOCAL_PROCESS, HOSTILE["link"])
        async with aiohttp.ClientSession() as http:  # an unauthenticated POST, as anyone on the network could
            async with http.post(f"{base}/callback/{run.run_id}", data=json.dumps(hostile_report())) as answer:
                assert answer.status == 200
            async with http.post(f"{base}/callback/{run.run_id}", data="[" * 100_000) as answer:
                assert answer.status == 400  # too deep: refused, not a crash
            async with http.post(f"{base}/callback/{run.run_id}", data='{"video": "not an object"}') as answer:
                assert answer.status == 400
        launcher.registry.add_output(run.run_id, HOSTILE["osc2_title"] + HOSTILE["bidi_override"])
        launches = await show(pilot, app, "launches")
        await wait_for(pilot, lambda: run.run_id in launches.shown_keys)
        shown = assert_inert(app, ":launches")
        launches.table.scroll_to(x=launches.table.max_scroll_x, animate=False, immediate=True)
        await pilot.pause()
        assert escaped_somewhere(assert_inert(app, ":launches MESSAGE").text)
        await select(pilot, launches, run.run_id)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, LaunchResultScreen))
        shown = assert_inert(app, "launch result")
        assert "\\x1b]52;c;" in shown.text or "\\x1b[2J" in shown.text
        assert app.is_running


async def test_notifications_and_the_header_never_parse_what_they_quote(hostile_services: Services) -> None:
    app = HybridApp(hostile_services)
    async with app.run_test(size=(200, 30)) as pilot:
        await wait_for(pilot, lambda: app.active_view is not None and app.active_view.loaded_at is not None)
        app.refresh_timer.pause()  # a load clears the header's problem: none comes while we look
        app.notify(HOSTILE["unbalanced_close"] + HOSTILE["osc52_clipboard"], title=HOSTILE["click_quit"])
        app.report_problem("AccessDenied: " + HOSTILE["unbalanced_end"] + HOSTILE["newline_row"])
        await pilot.pause()
        messages = [(n.message, n.title, n.markup) for n in app._notifications]
        assert ("[/data]\\x1b]52;c;aGFja2VkCg==\\x07", "[@click=app.quit]Q[/]", False) in messages
        await pilot.pause()
        shown = assert_inert(app, "header")
        assert "⚠ AccessDenied: UNBAL[/]first line\\nFORGED" in shown.text  # the header
        assert app.is_running


class InputApp(App[None]):
    def compose(self) -> ComposeResult:
        yield PlainInput(value=HOSTILE["osc52_clipboard"] + "|" + HOSTILE["bidi_override"] + "\ttab")


async def test_an_input_keeps_its_value_and_paints_controls_as_symbols() -> None:
    app = InputApp()
    async with app.run_test(size=(80, 5)) as pilot:
        field = app.query_one(PlainInput)
        field.focus()
        await pilot.press("end", "left", "left", "left", "x")
        assert field.value == HOSTILE["osc52_clipboard"] + "|" + HOSTILE["bidi_override"] + "\txtab"
        shown = assert_inert(app, "input")
        assert "␛]52;c;aGFja2VkCg==␇|�exe.txt�" in shown.text
        assert "x" in frame(app).text

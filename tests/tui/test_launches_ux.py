"""Issue 14.2, 14.3, 14.12 in the TUI at 80x24: a failed local launch shows its failure and its output as a log
(`l`); a Batch launch shows Batch's status, refreshes while its detail is open, and `t` explains it."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from textual.pilot import Pilot

from hybridml.config import LaunchSettings, Settings, UiSettings, WatchSettings
from hybridml.domain.launch import LaunchStatus
from hybridml.fleet.backends import batch_backend
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.tui.app import HybridApp
from hybridml.tui.screens.explain import ExplainScreen
from hybridml.tui.screens.launch_result import LaunchResultScreen
from hybridml.tui.screens.log_view import LogScreen
from tests.conftest import TEST_AWS, make_services
from tests.tui.helpers import plain, wait_for

FAILING_MAIN = """
import sys
print("start video=http://127.0.0.1:9/videos/nope.mp4 stride=1", flush=True)
print("error code=3 kind=download_failed", flush=True)
print("error: HTTP 404 Not Found fetching http://127.0.0.1:9/videos/nope.mp4", file=sys.stderr, flush=True)
sys.exit(3)
"""


def launch_app(fleet: EmbeddedFleet, tmp_path: Path, **launch: object) -> HybridApp:
    container = tmp_path / "container"
    (container / "src").mkdir(parents=True)
    (container / "src" / "main.py").write_text(FAILING_MAIN)
    settings = Settings(
        aws=TEST_AWS,
        audit_log="",
        ui=UiSettings(refresh_s=0.5),
        watches=WatchSettings(enabled=False),
        launch=LaunchSettings(
            **{"use_docker": "never", "container_dir": str(container), "python": sys.executable, **launch}
        ),  # type: ignore[arg-type]
    )
    return HybridApp(make_services(fleet, settings), start_view="launches")


def footer_keys(app: HybridApp) -> set[str]:
    return {key for key, active in app.screen.active_bindings.items() if active.binding.show}


async def test_a_failed_local_launch_shows_its_failure_and_its_output_as_a_log(
    fleet: EmbeddedFleet, tmp_path: Path
) -> None:
    app = launch_app(fleet, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.views["launches"]
        await wait_for(pilot, lambda: view.loaded_at is not None)
        run = await app.launcher.launch_local("http://127.0.0.1:9/videos/nope.mp4")
        runs = app.launcher.registry.runs
        await wait_for(pilot, lambda: runs[run.run_id].status.is_final)
        await wait_for(pilot, lambda: run.run_id in view.shown_keys and view.cells_of(run.run_id)[1] == "FAILED")
        cells = view.cells_of(run.run_id)
        assert cells[6] == "-" and cells[7] == "-"  # no dog segments, no fps: nothing was found
        assert cells[8].startswith("exit 3: HTTP 404 Not Found")
        assert "l" in footer_keys(app)  # offered: the run has output
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, LogScreen))
        screen = app.screen
        assert isinstance(screen, LogScreen)
        await wait_for(pilot, lambda: len(screen.pane.buffer) == 3 and screen.status.state == "ended")
        lines = [screen.pane.buffer.event(n).message for n in range(screen.pane.buffer.end - 3, screen.pane.buffer.end)]
        assert lines[-1] == "error: HTTP 404 Not Found fetching http://127.0.0.1:9/videos/nope.mp4"
        assert "exit 3" in str(screen.status)
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(app.screen_stack) == 1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, LaunchResultScreen))
        body = plain(app.screen.query_one("#result-body"))
        assert body.startswith("FAILED  exit 3 (video download failed)")
        assert "error: HTTP 404 Not Found" in body
        assert "None" not in body and "no dogs found" not in body and "frames processed" not in body


async def test_a_launch_that_never_started_does_not_offer_logs(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    app = launch_app(fleet, tmp_path, python=str(tmp_path / "missing" / "python"))
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.views["launches"]
        await wait_for(pilot, lambda: view.loaded_at is not None)
        run = await app.launcher.launch_local("http://127.0.0.1:9/videos/nope.mp4")
        await wait_for(pilot, lambda: run.run_id in view.shown_keys and view.selected is not None)
        await wait_for(pilot, lambda: "l" not in footer_keys(app))
        await pilot.press("l")  # not offered; the app says why instead of opening an empty log
        assert len(app.screen_stack) == 1
        await wait_for(pilot, lambda: any("wrote no output" in n.message for n in app._notifications))


async def stuck_batch_run(app: HybridApp, pilot: Pilot[object]) -> str:
    plan = await app.launcher.plan_batch("https://93.184.216.34/park.mp4", "gpu-inference")
    run = await app.launcher.send_batch(plan)
    view = app.views["launches"]
    await wait_for(pilot, lambda: run.run_id in view.shown_keys)
    return run.run_id


async def test_a_batch_launch_detail_follows_the_job_and_t_explains_it(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    app = launch_app(fleet, tmp_path, job_definition="yolo-ux-detail")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.views["launches"].loaded_at is not None)
        run_id = await stuck_batch_run(app, pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, LaunchResultScreen))
        screen = app.screen
        assert isinstance(screen, LaunchResultScreen)
        job = batch_backend()._jobs[app.launcher.registry.runs[run_id].job_id]
        job.status, job.job_stopped_reason = "RUNNABLE", "waiting for a g5 instance"
        # the detail screen polls while it is open (the view behind it does not refresh)
        await wait_for(pilot, lambda: "RUNNABLE" in plain(screen.query_one("#result-title")))
        assert app.launcher.registry.runs[run_id].status is LaunchStatus.RUNNABLE
        assert "waiting for a g5 instance" in plain(screen.query_one("#result-body"))
        await pilot.press("l")  # its container never started: no logs yet, and it says so
        await wait_for(pilot, lambda: any("has not started" in n.message for n in app._notifications))
        assert app.screen is screen
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ExplainScreen))
        assert app.screen.ident == app.launcher.registry.runs[run_id].job_id  # type: ignore[attr-defined]
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: len(app.screen_stack) == 1)
        view = app.views["launches"]
        view.table.move_cursor(row=view.shown_keys.index(run_id))
        await pilot.press("t")  # `t` on the row too
        await wait_for(pilot, lambda: isinstance(app.screen, ExplainScreen))


def painted(app: HybridApp, run_id: str) -> tuple[str, str]:
    """The launches table's header line and the run's row as painted now."""
    view = app.views["launches"]
    table = view.table
    row = view.store.index_of(run_id)
    assert row is not None
    table.move_cursor(row)
    header = "".join(s.text for s in table.render_line(0))
    line = "".join(s.text for s in table.render_line(row - table.first_row + 1))
    return header, line


async def test_launch_columns_follow_their_content_after_the_first_paint(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    """14.1: a row painted STARTING, aged seconds, then SUCCEEDED and minutes old: the columns widen (wide
    terminal), and at 80 columns STATUS and AGE stay whole while the message gives way."""
    from datetime import UTC, datetime, timedelta

    from hybridml.domain.launch import LaunchTarget

    app = launch_app(fleet, tmp_path)
    async with app.run_test(size=(200, 24)) as pilot:
        view = app.views["launches"]
        await wait_for(pilot, lambda: view.loaded_at is not None)
        registry = app.launcher.registry
        run = registry.create(LaunchTarget.LOCAL_PROCESS, "http://example.com/v.mp4", run_id="r1")
        await wait_for(pilot, lambda: "r1" in view.shown_keys)
        header, line = painted(app, "r1")
        assert "STARTING" in line
        created = datetime.now(UTC) - timedelta(minutes=1, seconds=5)
        registry.update(run.run_id, created_at=created, started_at=created, message="x" * 120)
        registry.update(run.run_id, status=LaunchStatus.SUCCEEDED)
        await wait_for(pilot, lambda: "SUCCEEDED" in painted(app, "r1")[1])
        await wait_for(pilot, lambda: "SUCCEEDED " in painted(app, "r1")[1])  # once painted, the column widened
        header, line = painted(app, "r1")
        assert re.search(r" SUCCEEDED +local-process +v\.mp4 +1m0\ds +1m0\ds ", line)  # AGE, DURATION whole
        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: len(painted(app, "r1")[1]) <= 80)
        header, line = painted(app, "r1")
        assert "AGE" in header and re.search(r" SUCCEEDED .* 1m0\ds +1m0\ds ", line) and line.rstrip().endswith("…")


async def test_an_empty_launches_view_says_which_key_launches(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    app = launch_app(fleet, tmp_path)
    app.services.settings.keymap["launch.new"] = "f2"  # rebound: the hint names the key as bound
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.views["launches"]
        await wait_for(pilot, lambda: view.loaded_at is not None)
        title = lambda: plain(view.query_one("#view-title")).strip()  # noqa: E731
        assert len(view.store) == 0 and title().endswith("no runs yet: f2 launches one")
        run = await app.launcher.launch_local("http://127.0.0.1:9/videos/nope.mp4")
        await wait_for(pilot, lambda: run.run_id in view.shown_keys)
        assert "no runs yet" not in title()

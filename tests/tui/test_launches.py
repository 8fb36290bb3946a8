"""`:launches`: a local launch in demo mode runs the real YOLO pipeline on a synthetic clip."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from hybridml.domain.launch import LaunchStatus
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.launch.local import CHECKOUT
from hybridml.tui.app import HybridApp
from hybridml.tui.screens.launch_form import LaunchForm
from hybridml.tui.screens.launch_result import LaunchResultScreen
from tests.conftest import make_services
from tests.tui.helpers import wait_for

CONTAINER_READY = (CHECKOUT / ".venv-gpu" / "bin" / "python").exists() and (
    CHECKOUT / "gpu_container" / "src" / "main.py"
).exists()


@pytest.mark.skipif(not CONTAINER_READY, reason="needs the container's environment: run `make gpu-venv`")
async def test_local_launch_runs_the_real_pipeline(fleet: EmbeddedFleet) -> None:
    app = HybridApp(make_services(fleet), start_view="launches")
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for(pilot, lambda: app.views["launches"].loaded_at is not None)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, LaunchForm))
        app.screen.query_one("#launch-extra", Input).value = "--imgsz 160 --max-frames 24"
        await pilot.press("ctrl+s")
        runs = app.launcher.registry.runs
        await wait_for(pilot, lambda: len(runs) == 1)
        run_id = next(iter(runs))
        await wait_for(pilot, lambda: runs[run_id].status.is_final)
        run = runs[run_id]
        assert run.status is LaunchStatus.SUCCEEDED, run.output[-5:]
        assert run.result is not None and run.result.frames_processed == 24
        assert run.result.video_url.endswith(".mp4")
        view = app.views["launches"]
        await wait_for(pilot, lambda: run_id in view.shown_keys)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, LaunchResultScreen))


async def test_launch_form_validates_the_url(fleet: EmbeddedFleet) -> None:
    services = make_services(fleet)
    services.demo = False
    app = HybridApp(services, start_view="launches")
    async with app.run_test(size=(120, 32)) as pilot:
        await wait_for(pilot, lambda: app.views["launches"].loaded_at is not None)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, LaunchForm))
        form = app.screen
        form.query_one("#launch-video", Input).value = "ftp://nope/video.mp4"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, LaunchForm)
        assert "http://" in str(form.query_one("#launch-error").render())
        assert form.query_one("#launch-video", Input).value == "ftp://nope/video.mp4"
        assert app.launcher.registry.runs == {}


async def test_a_batch_launch_confirms_what_it_will_send(fleet: EmbeddedFleet) -> None:
    from textual.widgets import RadioButton, Static

    from hybridml.tui.screens.confirm import ConfirmScreen
    from tests.tui.helpers import plain

    app = HybridApp(make_services(fleet), start_view="launches")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.views["launches"].loaded_at is not None)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, LaunchForm))
        form = app.screen
        form.query_one("#launch-video", Input).value = "https://93.184.216.34/park.mp4"
        form.query(RadioButton)[1].value = True  # AWS Batch
        form.query_one("#launch-queue", Input).value = "cpu-etl"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        dialog = app.screen
        assert dialog.title_text == "Launch a job that will NEVER run?"  # type: ignore[attr-defined]
        body = plain(dialog.query_one("#confirm-body", Static))
        assert "queue cpu-etl: will never run: needs 1 GPU" in body
        request = plain(dialog.query_one("#confirm-request", Static))
        assert "SubmitJob" in request and "https://93.184.216.34/park.mp4" in request
        assert dialog.focused is dialog.query_one("#confirm-cancel")
        await pilot.press("enter")  # the default: keep
        await wait_for(pilot, lambda: len(app.screen_stack) == 1)
        meter = app.services.session.meter.by_operation
        assert "SubmitJob" not in meter and "RegisterJobDefinition" not in meter
        assert app.launcher.registry.runs == {}

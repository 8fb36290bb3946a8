"""Pilot tests for :launches beyond local and Batch: a processing launch (confirm first, what reached the server,
the audit entry, read-only refusal), deploy / undeploy an endpoint, stop a processing run, and the comparison."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.widgets import Button, Input, RadioButton, Static

from hybridml.config import LaunchSettings, SageMakerSettings, Settings
from hybridml.domain.launch import DogSegment, LaunchResult, LaunchStatus, LaunchTarget
from hybridml.fleet.backends import sagemaker_backend
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.tui.app import HybridApp
from hybridml.tui.screens.comparison import ComparisonScreen
from hybridml.tui.screens.confirm import ConfirmScreen
from hybridml.tui.screens.deploy_form import DeployForm
from hybridml.tui.screens.launch_form import LaunchForm
from hybridml.tui.views.launches import LaunchesView
from tests.conftest import TEST_AWS, make_services
from tests.sagemaker_helpers import unique
from tests.tui.helpers import plain, wait_for

VIDEO = "https://93.184.216.34/park.mp4"


def settings(tmp_path: Path, **launch: object) -> Settings:
    return Settings(
        aws=TEST_AWS,
        audit_log=str(tmp_path / "audit.jsonl"),
        launch=LaunchSettings(**launch),  # type: ignore[arg-type]
        sagemaker=SageMakerSettings(endpoint_poll_s=0.05, endpoint_wait_s=20),
    )


async def launches(pilot: object, app: HybridApp) -> LaunchesView:
    await wait_for(pilot, lambda: "launches" in app.views and app.views["launches"].loaded_at is not None)  # type: ignore[arg-type]
    view = app.views["launches"]
    assert isinstance(view, LaunchesView)
    return view


async def open_processing_form(pilot: object, app: HybridApp) -> LaunchForm:
    await pilot.press("n")  # type: ignore[attr-defined]
    await wait_for(pilot, lambda: isinstance(app.screen, LaunchForm))  # type: ignore[arg-type]
    form = app.screen
    assert isinstance(form, LaunchForm)
    form.query_one("#launch-video", Input).value = VIDEO
    form.query(RadioButton)[2].value = True  # SageMaker processing
    await pilot.pause()  # type: ignore[attr-defined]
    assert form.query_one("#launch-processing-row").display and not form.query_one("#launch-batch-row").display
    return form


async def test_a_processing_launch_confirms_then_sends_once(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    app = HybridApp(make_services(fleet, settings(tmp_path)), start_view="launches")
    async with app.run_test(size=(120, 40)) as pilot:
        await launches(pilot, app)
        before = set(sagemaker_backend().processing_jobs)
        form = await open_processing_form(pilot, app)
        form.query_one("#launch-instance-type", Input).value = "ml.g4dn.xlarge"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        dialog = app.screen
        body = plain(dialog.query_one("#confirm-body", Static))
        assert "1 x ml.g4dn.xlarge" in body and "$0.736/h" in body
        request = plain(dialog.query_one("#confirm-request", Static))
        assert "CreateProcessingJob" in request and VIDEO in request
        assert dialog.focused is dialog.query_one("#confirm-cancel")
        await pilot.press("enter")  # the safe default: nothing is sent
        await wait_for(pilot, lambda: len(app.screen_stack) == 1)
        assert set(sagemaker_backend().processing_jobs) == before and app.launcher.registry.runs == {}
        await open_processing_form(pilot, app)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        app.screen.query_one("#confirm-ok", Button).press()
        await wait_for(pilot, lambda: len(app.services.audit_log.entries()) == 1)
        [run] = app.launcher.registry.runs.values()
        assert run.target is LaunchTarget.SAGEMAKER_PROCESSING and run.job_id in sagemaker_backend().processing_jobs
        assert set(sagemaker_backend().processing_jobs) - before == {run.job_id}  # sent once
        assert [e["action"] for e in app.services.audit_log.entries()] == ["launch.sagemaker.processing"]


async def test_a_processing_launch_is_refused_read_only(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    app = HybridApp(make_services(fleet, settings(tmp_path), read_only=True), start_view="launches")
    async with app.run_test(size=(120, 40)) as pilot:
        await launches(pilot, app)
        await open_processing_form(pilot, app)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(app.screen_stack) == 1)
        assert app.services.session.meter.by_operation.get("CreateProcessingJob") is None
        assert app.launcher.registry.runs == {}
        await pilot.press("D")  # deploying is refused before its form opens
        await pilot.pause()
        assert not isinstance(app.screen, DeployForm)


async def test_deploy_waits_for_in_service_and_undeploy_needs_the_typed_name(
    fleet: EmbeddedFleet, tmp_path: Path
) -> None:
    name = unique("tui-dep")
    app = HybridApp(make_services(fleet, settings(tmp_path, deployment=name)), start_view="launches")
    async with app.run_test(size=(120, 40)) as pilot:
        view = await launches(pilot, app)
        await pilot.press("D")
        await wait_for(pilot, lambda: isinstance(app.screen, DeployForm))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        request = plain(app.screen.query_one("#confirm-request", Static))
        assert "CreateModel" in request and f"{name}-model" in request
        body = plain(app.screen.query_one("#confirm-body", Static))
        assert f"endpoint config {name}-config: 1 x ml.g4dn.xlarge, real-time" in body and "used or not" in body
        app.screen.query_one("#confirm-ok", Button).press()
        progress = view.query_one("#launch-progress", Static)
        await wait_for(pilot, lambda: "InService" in plain(progress) and "✓" in plain(progress))
        assert name in sagemaker_backend().endpoints and app.launcher.last_deployment == name
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        dialog = app.screen
        await pilot.press(*name[:-1], "enter")
        assert isinstance(app.screen, ConfirmScreen) and "does not match" in plain(dialog.query_one("#confirm-error"))
        assert name in sagemaker_backend().endpoints
        dialog.query_one("#confirm-typed", Input).value = name
        await pilot.press("enter")
        await wait_for(pilot, lambda: f"{name}-model" not in sagemaker_backend()._models)
        assert name not in sagemaker_backend().endpoints
        actions = [e["action"] for e in app.services.audit_log.entries()]
        assert actions[:3] == [
            "launch.sagemaker.create-model",
            "launch.sagemaker.create-endpoint-config",
            "launch.sagemaker.create-endpoint",
        ]
        assert actions[3:] == [
            "launch.sagemaker.delete-endpoint",
            "launch.sagemaker.delete-endpoint-config",
            "launch.sagemaker.delete-model",
        ]


async def test_stop_a_processing_run(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    app = HybridApp(make_services(fleet, settings(tmp_path)), start_view="launches")
    async with app.run_test(size=(120, 40)) as pilot:
        view = await launches(pilot, app)
        plan = await app.launcher.plan_processing(VIDEO, callback_url="https://93.184.216.34/cb")
        run = await app.launcher.send_processing(plan)
        sagemaker_backend().processing_jobs[run.job_id].processing_job_status = "InProgress"  # as on AWS
        view.repaint_from_registry()
        await wait_for(pilot, lambda: view.selected is not None and view.selected.run_id == run.run_id)
        await pilot.press("ctrl+k")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "StopProcessingJob" in plain(app.screen.query_one("#confirm-request", Static))
        app.screen.query_one("#confirm-ok", Button).press()
        entries = app.services.audit_log.entries
        await wait_for(pilot, lambda: entries()[-1]["action"] == "launch.sagemaker.stop-processing")
        assert sagemaker_backend().processing_jobs[run.job_id].processing_job_status in ("Stopping", "Stopped")


async def test_the_comparison_shows_every_target_and_whether_they_agree(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    app = HybridApp(make_services(fleet, settings(tmp_path)), start_view="launches")
    async with app.run_test(size=(80, 24)) as pilot:
        view = await launches(pilot, app)
        registry = app.launcher.registry
        t0 = datetime.now(UTC) - timedelta(minutes=5)
        found = LaunchResult("ok", VIDEO, segments=(DogSegment("dog", 0.0, 2.97, 42, 0.93),))
        for target, wait, took, kind in (
            (LaunchTarget.LOCAL_PROCESS, 0.1, 15.0, ""),
            (LaunchTarget.BATCH, 4.0, 30.0, "g4dn.xlarge"),
            (LaunchTarget.SAGEMAKER_PROCESSING, 3.0, 20.0, "ml.g4dn.xlarge"),
            (LaunchTarget.SAGEMAKER_ENDPOINT, 0.0, 4.0, "ml.g4dn.xlarge"),
        ):
            run = registry.create(target, VIDEO)
            registry.update(
                run.run_id,
                created_at=t0,
                started_at=t0 + timedelta(seconds=wait),
                stopped_at=t0 + timedelta(seconds=wait + took),
                instance_type=kind,
                result=found,
                status=LaunchStatus.SUCCEEDED,
            )
        view.repaint_from_registry()
        await wait_for(pilot, lambda: view.selected is not None)
        await pilot.press("C")
        await wait_for(pilot, lambda: isinstance(app.screen, ComparisonScreen))
        screen = app.screen
        assert isinstance(screen, ComparisonScreen)
        shown = plain(screen.query_one("#compare-body", Static))
        for label in ("local", "batch", "processing", "endpoint", "every target agrees", "Which service?"):
            assert label in shown
        assert screen.comparison is not None and screen.comparison.agree is True
        assert screen.comparison.verdict.flip_per_day is not None
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(app.screen_stack) == 1)

"""Pilot tests for :training — list, detail with transitions and curves, stop with confirm, clone, :smjobs."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from hybridml.config import SageMakerSettings, Settings, TrainingTemplate
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.tui.app import HybridApp
from hybridml.tui.screens.clone_training import CloneTrainingScreen
from hybridml.tui.screens.confirm import ConfirmScreen
from hybridml.tui.screens.training_detail import TrainingDetailScreen
from hybridml.tui.views.training import TrainingJobsView
from tests.conftest import TEST_AWS, make_services
from tests.sagemaker_helpers import create_training_job, fast_settle, unique
from tests.tui.helpers import plain, wait_for

__all__ = ["fast_settle"]


def make_app(fleet: EmbeddedFleet, tmp_path: Path, *, read_only: bool = False) -> HybridApp:
    settings = Settings(
        aws=TEST_AWS,
        audit_log=str(tmp_path / "audit.jsonl"),
        sagemaker=SageMakerSettings(
            training_templates={"bigger": TrainingTemplate(instance_count=2, hyperparameters={"lr": "0.01"})}
        ),
    )
    return HybridApp(make_services(fleet, settings, read_only=read_only), start_view="training")


async def select(pilot: object, app: HybridApp, name: str) -> TrainingJobsView:
    await wait_for(pilot, lambda: "training" in app.views and name in app.views["training"].by_key)  # type: ignore[arg-type]
    view = app.views["training"]
    assert isinstance(view, TrainingJobsView)
    await pilot.press("slash", *f"^{name}$", "enter")  # type: ignore[attr-defined]
    assert view.selected is not None and view.selected.name == name
    return view


async def test_training_list_and_detail(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    app = make_app(fleet, tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        view = await select(pilot, app, "dogs-yolo11n-ft-1121")
        cells = view.cells_of("dogs-yolo11n-ft-1121")
        assert cells[1] == "Completed" and cells[3] == "ml.g5.2xlarge" and "train:loss=" in cells[8]
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TrainingDetailScreen))
        screen = app.screen
        assert isinstance(screen, TrainingDetailScreen)
        await wait_for(pilot, lambda: screen.metrics_loaded > 0)
        body = plain(screen.query_one("#detail-body", Static))
        assert "Secondary status transitions" in body and "Downloading" in body and "Uploading" in body
        curves = plain(screen.query_one("#detail-metrics", Static))
        assert "train:loss" in curves and any(ch in curves for ch in "▁▂▃▄▅▆▇█")


async def test_stop_confirms_and_job_stops(fleet: EmbeddedFleet, tmp_path: Path, fast_settle: None) -> None:
    name = create_training_job(fleet)
    app = make_app(fleet, tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        view = await select(pilot, app, name)
        await pilot.press("ctrl+k")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "InProgress (Training)  →  Stopping  →  Stopped" in plain(app.screen.query_one("#confirm-body", Static))
        await pilot.click("#confirm-ok")
        await wait_for(pilot, lambda: view.by_key[name].status in ("Stopping", "Stopped"))
        assert app.services.audit_log.entries()[-1]["action"] == "sagemaker.training.stop"
        # a finished job cannot be stopped: told so, nothing sent
        await pilot.press("escape", "slash", *"^resnet50-sweep-01$", "enter", "ctrl+k")
        assert len(app.screen_stack) == 1
        assert any("only InProgress jobs can be stopped" in n.message for n in app._notifications)


async def test_clone_with_template(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    source = create_training_job(fleet, status="Completed")
    new_name = unique("t-clone")
    app = make_app(fleet, tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        view = await select(pilot, app, source)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, CloneTrainingScreen))
        screen = app.screen
        name_input = screen.query_one("#clone-name", Input)
        assert name_input.value.startswith(source)
        name_input.value = "bad name!"
        await pilot.press("enter")
        assert "letters, digits and hyphens" in plain(screen.query_one("#clone-error", Static))
        name_input.value = new_name
        screen.query_one("#clone-template").value = "bigger"  # type: ignore[attr-defined]
        name_input.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        body = plain(app.screen.query_one("#confirm-body", Static))
        assert "template    bigger" in body and "lr          0.001  →  0.01" in body
        await pilot.click("#confirm-ok")
        await wait_for(pilot, lambda: new_name in view.by_key)
        job = await app.services.training.training_job(new_name)
        assert job.instance_count == 2 and dict(job.hyperparameters)["lr"] == "0.01"


async def test_read_only_refuses_stop_and_clone(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    name = create_training_job(fleet)
    app = make_app(fleet, tmp_path, read_only=True)
    async with app.run_test(size=(160, 50)) as pilot:
        await select(pilot, app, name)
        await pilot.press("ctrl+k", "c")
        assert len(app.screen_stack) == 1
        assert sum("read-only mode" in n.message for n in app._notifications) >= 1
        assert (await app.services.training.training_job(name)).status == "InProgress"


async def test_processing_and_transform_view(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    app = make_app(fleet, tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_for(pilot, lambda: "training" in app.views and app.views["training"].loaded_at is not None)
        await pilot.press("colon", *"smjobs", "enter")
        await wait_for(pilot, lambda: "smjobs" in app.views and app.views["smjobs"].loaded_at is not None)
        kinds = {item.kind for item in app.views["smjobs"].items}  # type: ignore[attr-defined]
        assert kinds == {"processing", "transform"}

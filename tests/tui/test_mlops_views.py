"""Pilot tests for the MLOps views' read side against the fleet: :pipelines -> :executions -> steps (t, l),
:tuning -> trials, :monitors (t: violations), :models -> :versions, :notebooks, A/B curves, denied panes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Static

from hybridml import clock
from hybridml.domain.logs import LogSourceKind
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.tui.app import HybridApp
from hybridml.tui.screens.endpoint_detail import EndpointDetailScreen
from hybridml.tui.screens.explain import ExplainScreen
from hybridml.tui.screens.log_view import LogScreen
from hybridml.tui.screens.monitor_detail import MonitorDetailScreen, ViolationsScreen
from hybridml.tui.screens.pipeline_execution import PipelineExecutionScreen
from hybridml.tui.screens.tuning_detail import TuningDetailScreen
from hybridml.tui.widgets.resource_view import ResourceView
from tests.conftest import make_services
from tests.tui.helpers import plain, wait_for
from tests.tui.sagemaker_pilot import settings


def make_app(fleet: EmbeddedFleet, tmp_path: Path, start: str, **kwargs: Any) -> HybridApp:
    return HybridApp(make_services(fleet, settings(tmp_path), **kwargs), start_view=start)


async def select(pilot: Any, app: HybridApp, kind: str, key: str, name: str = "") -> ResourceView[Any]:
    """Wait for `key` in the view, then filter down to it (by `name`, default the key) so it is selected."""
    await wait_for(pilot, lambda: kind in app.views and key in app.views[kind].by_key)
    view = app.views[kind]
    await pilot.press("slash", *f"^{name or key}$", "enter")
    assert view.selected is not None and view.row_key(view.selected) == key
    return view


async def test_pipeline_to_executions_to_failed_step_and_its_logs(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    app = make_app(fleet, tmp_path, "pipelines")
    async with app.run_test(size=(120, 40)) as pilot:
        view = await select(pilot, app, "pipelines", "dogs-detector-train")
        cells = cells_of(view, "dogs-detector-train")
        assert cells[1] == "Failed" and cells[4] == "Train" and cells[5] == "scheduled-run-1125"
        await pilot.press("enter")  # -> :executions pipeline=dogs-detector-train
        await wait_for(
            pilot, lambda: app.current_kind == "executions" and app.views["executions"].loaded_at is not None
        )
        executions = app.views["executions"]
        assert executions.scope is not None and str(executions.scope) == "pipeline=dogs-detector-train"
        assert [e.display_name for e in executions.items if executions.in_scope(e)] == [
            "scheduled-run-1125", "scheduled-run-1124", "manual-lr-0005",
        ]  # fmt: skip
        await pilot.press("enter")  # the newest run is selected: its steps
        await wait_for(pilot, lambda: isinstance(app.screen, PipelineExecutionScreen) and app.screen.loaded > 0)
        screen = app.screen
        assert isinstance(screen, PipelineExecutionScreen)
        body = plain(screen.query_one("#execution-body", Static))
        assert "First failed step: Train" in body and "CUDA out of memory" in body
        assert screen.selected_step is not None and screen.selected_step.name == "Train"  # cursor on the failure
        assert screen.query_one("#execution-steps", DataTable).row_count == 2
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, LogScreen))
        source = app.screen.source  # type: ignore[attr-defined]
        assert source.kind is LogSourceKind.TRAINING_JOB and source.name.endswith(screen.selected_step.job.name[-10:])


async def test_t_on_a_failed_pipeline_names_the_step_and_l_in_the_list_opens_its_logs(
    fleet: EmbeddedFleet, tmp_path: Path
) -> None:
    app = make_app(fleet, tmp_path, "pipelines")
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, app, "pipelines", "churn-features-daily")
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, PipelineExecutionScreen) and app.screen.loaded > 0)
        body = plain(app.screen.query_one("#execution-body", Static))
        assert "First failed step: Validate" in body and "null customer_id" in body
        await pilot.press("escape")
        await pilot.press("l")  # from the list: straight to the failed step's job logs
        await wait_for(pilot, lambda: isinstance(app.screen, LogScreen))
        source = app.screen.source  # type: ignore[attr-defined]
        assert source.kind is LogSourceKind.PROCESSING_JOB and "-Validate-" in source.name


async def test_tuning_list_and_trials_best_first(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    app = make_app(fleet, tmp_path, "tuning")
    async with app.run_test(size=(160, 40)) as pilot:
        view = await select(pilot, app, "tuning", "dogs-yolo-hpo-1125")
        cells = cells_of(view, "dogs-yolo-hpo-1125")
        assert cells[1:5] == ["InProgress", "validation:mAP50↑", "0.742", "6/3/1"]
        failing = cells_of(view, "embed-lr-sweep-1124")
        assert failing[4] == "0/1/4"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TuningDetailScreen) and app.screen.loaded > 0)
        screen = app.screen
        assert isinstance(screen, TuningDetailScreen)
        assert [t.objective_value for t in screen.trials[:3]] == [0.742, 0.719, 0.701]  # Maximize: best first
        assert "instance-hours" in plain(screen.query_one("#tuning-body", Static))
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, LogScreen))
        assert app.screen.source.name == screen.trials[0].name  # type: ignore[attr-defined]


async def test_monitors_show_violations_and_t_reads_the_report(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    app = make_app(fleet, tmp_path, "monitors")
    async with app.run_test(size=(160, 40)) as pilot:
        view = await select(pilot, app, "monitors", "yolo-dogs-prod-data-quality")
        cells = cells_of(view, "yolo-dogs-prod-data-quality")
        assert cells[2:5] == ["CompletedWithViolations", "3", "yolo-dogs-prod"]
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ViolationsScreen) and app.screen.report is not None)
        text = plain(app.screen.query_one("#violations-body", Static))
        assert "constraint_violations.json" in text and "3 violation(s)" in text
        assert "brightness_mean" in text and "baseline_drift_check" in text
        await pilot.press("escape", "slash", *"canary", "enter", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MonitorDetailScreen) and app.screen.loaded > 0)
        assert [r.status for r in app.screen.runs] == ["Failed", "Failed"]  # type: ignore[attr-defined]
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ViolationsScreen))
        await wait_for(pilot, lambda: "data capture" in plain(app.screen.query_one("#violations-body", Static)))


async def test_models_groups_then_versions(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    app = make_app(fleet, tmp_path, "models")
    async with app.run_test(size=(160, 40)) as pilot:
        view = await select(pilot, app, "models", "dogs-detector")
        cells = cells_of(view, "dogs-detector")
        assert cells[1:6] == ["4", "v4", "PendingManualApproval", "v3", "1"]
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.current_kind == "versions" and app.views["versions"].loaded_at is not None)
        versions = app.views["versions"]
        shown = [versions.by_key[k] for k in versions.shown_keys]
        assert [p.version for p in shown] == [4, 3, 2, 1] and {p.group for p in shown} == {"dogs-detector"}


async def test_notebooks_with_cost_and_running_total(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    app = make_app(fleet, tmp_path, "notebooks")
    async with app.run_test(size=(160, 40)) as pilot:
        view = await select(pilot, app, "notebooks", "instance/gpu-bob-finetune", "gpu-bob-finetune")
        cells = cells_of(view, "instance/gpu-bob-finetune")
        assert cells[1:3] == ["InService", "ml.p3.2xlarge"] and cells[4] == "3.825" and cells[6] == "instance"
        assert cells[3].startswith("2d") and float(cells[5].replace(",", "")) > 200  # 61 h at $3.825
        studio = next(k for k in view.by_key if k.startswith("studio/") and "/dave/" in k)
        dave = cells_of(view, studio)
        assert dave[:3] == ["dave/default", "InService", "ml.g5.2xlarge"] and dave[6:8] == ["JupyterLab", "d-ml-studio"]
        assert "running $" in plain(view.query_one("#view-title", Static))


async def test_ab_endpoint_detail_shows_variants_side_by_side(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    app = make_app(fleet, tmp_path, "endpoints")
    async with app.run_test(size=(120, 50)) as pilot:
        await select(pilot, app, "endpoints", "fraud-scorer")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EndpointDetailScreen) and app.screen.metrics_loaded > 0)
        text = plain(app.screen.query_one("#detail-metrics", Static))
        assert "Traffic by variant" in text, text
        champion = next(line for line in text.splitlines() if line.strip().startswith("Champion"))
        challenger = next(line for line in text.splitlines() if line.strip().startswith("Challenger"))
        assert "0.9 (90%)" in champion and "0.1 (10%)" in challenger
        assert sum(champion.count(ch) for ch in "▁▂▃▄▅▆▇█") == 24  # invocations and latency curves on one line


async def test_t_explains_a_tuning_job_whose_every_job_fails(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    app = make_app(fleet, tmp_path, "tuning")
    async with app.run_test(size=(160, 40)) as pilot:
        await select(pilot, app, "tuning", "embed-lr-sweep-1124")
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ExplainScreen) and app.screen.loaded)
        findings = app.screen.findings  # type: ignore[attr-defined]
        assert [f.cause for f in findings] == ["TUNING_EVERY_JOB_FAILING"]
        assert "Every training job it launched has failed (4 of 5)" in findings[0].summary


async def test_a_denied_pane_says_so(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    from hybridml.domain.triage import PaneAccess

    app = make_app(fleet, tmp_path, "jobs")
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: app.views["jobs"].loaded_at is not None)
        await wait_for(pilot, lambda: bool(app.services.permissions))
        app.services.permissions["sagemaker-registry"] = PaneAccess(
            "sagemaker-registry", False, "sagemaker:ListModelPackageGroups", "denied"
        )
        await pilot.press("colon", *"registry", "enter")
        await wait_for(pilot, lambda: "models" in app.views and app.views["models"].error is not None)
        title = plain(app.views["models"].query_one("#view-title", Static))
        assert "⛔" in title and "sagemaker:ListModelPackageGroups" in title


def plain_cell(cell: object) -> str:
    return cell.plain if hasattr(cell, "plain") else str(cell)


def cells_of(view: ResourceView[Any], key: str) -> list[str]:
    """The row a view renders for `key` now (shown or filtered out)."""
    return [plain_cell(c) for c in view.render_row(view.by_key[key], clock.utcnow())]

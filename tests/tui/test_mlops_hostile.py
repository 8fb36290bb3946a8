"""Hostile text in the MLOps views: what a container or a colleague can write (a step's or a tuning job's
FailureReason, a monitoring run's failure, a model version's description) shows escaped at 80x24 — no markup
effect, no click action, no escape sequence reaches the terminal."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hybridml.fleet.backends import sagemaker_backend
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.hostile import HOSTILE
from hybridml.fleet.patches_sagemaker_monitor import add_monitoring_execution
from hybridml.fleet.seed import boto3_client
from hybridml.tui.app import HybridApp
from hybridml.tui.screens.monitor_detail import ViolationsScreen
from hybridml.tui.screens.pipeline_execution import PipelineExecutionScreen
from hybridml.tui.screens.tuning_detail import TuningDetailScreen
from tests.conftest import make_services
from tests.sagemaker_helpers import ROLE, create_model_group, create_tuning_job, unique
from tests.tui.helpers import wait_for
from tests.tui.sagemaker_pilot import settings
from tests.tui.screen_scan import assert_inert

EVIL = " ".join(HOSTILE[k] for k in ("click_quit", "osc52_clipboard", "newline_row", "bidi_override", "c1_csi"))
# ModelPackageDescription admits letters, marks, separators, symbols, numbers and punctuation, not controls
EVIL_DESCRIPTION = HOSTILE["click_quit"] + " " + HOSTILE["link"] + " \u2028forged \u202eexe"


def hostile_pipeline(fleet: EmbeddedFleet) -> str:
    sm = boto3_client(fleet.url, "sagemaker")
    name = unique("t-evil")
    sm.create_pipeline(PipelineName=name, PipelineDefinition=json.dumps({"Steps": []}), RoleArn=ROLE)
    arn = sm.start_pipeline_execution(PipelineName=name)["PipelineExecutionArn"]
    execution: Any = sagemaker_backend().pipelines[name].pipeline_executions[arn]
    execution.pipeline_execution_status, execution.pipeline_execution_failure_reason = "Failed", EVIL
    start = datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=5)
    execution.hybridml_steps = [
        {
            "StepName": "Train",
            "StepStatus": "Failed",
            "StartTime": start,
            "EndTime": start,
            "FailureReason": EVIL,
            "Metadata": {"Fail": {"ErrorMessage": EVIL}},
        },
    ]
    return name


async def test_hostile_text_in_mlops_views_is_inert(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    pipeline = hostile_pipeline(fleet)
    tuning = create_tuning_job(fleet, [("Failed", None)])
    sagemaker_backend().training_jobs[f"{tuning}-000-abcdef01"].failure_reason = EVIL
    group, arns = create_model_group(fleet, ("PendingManualApproval",))
    sagemaker_backend().model_packages[arns[0]].model_package_description = EVIL_DESCRIPTION
    monitor = unique("t-evil-mon")
    boto3_client(fleet.url, "sagemaker").create_monitoring_schedule(
        MonitoringScheduleName=monitor,
        MonitoringScheduleConfig={"MonitoringType": "DataQuality", "MonitoringJobDefinitionName": "evil-def"},
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    add_monitoring_execution(
        sagemaker_backend(),
        {
            "MonitoringScheduleName": monitor,
            "ScheduledTime": now,
            "CreationTime": now,
            "LastModifiedTime": now,
            "MonitoringExecutionStatus": "Failed",
            "FailureReason": EVIL,
            "MonitoringType": "DataQuality",
        },
    )
    app = HybridApp(make_services(fleet, settings(tmp_path)), start_view="pipelines")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: pipeline in app.views["pipelines"].by_key)
        await pilot.press("slash", *pipeline, "enter")
        assert_inert(app, ":pipelines")
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, PipelineExecutionScreen) and app.screen.loaded > 0)
        shown = assert_inert(app, "execution diagnosis")
        assert "[@click=app.quit]Q[/]" in shown.text  # shown as the characters it is
        await pilot.press("escape", "colon", *f"tuning {tuning}", "enter")
        await wait_for(pilot, lambda: "tuning" in app.views and tuning in app.views["tuning"].by_key)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TuningDetailScreen) and app.screen.loaded > 0)
        assert_inert(app, "tuning trials")
        await pilot.press("escape", "colon", *f"versions {group}", "enter")
        await wait_for(pilot, lambda: "versions" in app.views and bool(app.views["versions"].shown_keys))
        app.views["versions"].table.scroll_to(x=app.views["versions"].table.max_scroll_x, animate=False, immediate=True)
        await pilot.pause()
        assert_inert(app, ":versions description")
        await pilot.press("colon", *f"monitors {monitor}", "enter")
        await wait_for(pilot, lambda: "monitors" in app.views and monitor in app.views["monitors"].by_key)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ViolationsScreen) and app.screen.report is not None)
        shown = assert_inert(app, "monitoring run explained")
        assert "\\x1b]52;c;" in shown.text
        assert app.is_running and app.return_code is None  # no [@click=app.quit] fired

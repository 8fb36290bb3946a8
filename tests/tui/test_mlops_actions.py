"""Pilot tests for the MLOps actions against the fleet: stop a tuning job, approve / reject a model version, shift
an endpoint's traffic (w), stop a notebook instance and a Studio app. Each goes through the one flow (confirm
first: nothing reaches the server while the dialog is up), is sent once through `Services.run` (the server's
state and the call count say so), audited under its action id, and refused in read-only mode before any dialog.
Every test acts on resources it created."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input, Static

from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.seed import boto3_client
from hybridml.tui.app import HybridApp
from hybridml.tui.screens.confirm import ConfirmScreen
from hybridml.tui.screens.weights_form import WeightsScreen
from tests.conftest import make_services
from tests.sagemaker_helpers import (
    ROLE,
    create_endpoint,
    create_model_group,
    create_tuning_job,
    fast_settle,
    unique,
)
from tests.tui.helpers import plain, wait_for
from tests.tui.sagemaker_pilot import progress, settings
from tests.tui.test_mlops_views import select

__all__ = ["fast_settle"]


def make_app(fleet: EmbeddedFleet, tmp_path: Path, start: str, *, read_only: bool = False) -> HybridApp:
    return HybridApp(make_services(fleet, settings(tmp_path), read_only=read_only), start_view=start)


def audited(app: HybridApp) -> list[str]:
    return [e["action"] for e in app.services.audit_log.entries()]


def sent(app: HybridApp, operation: str) -> int:
    """How many times this session called `operation` (reads and writes alike go through the meter)."""
    return app.services.session.meter.by_operation.get(operation, 0)


async def confirm_body(pilot: Any, app: HybridApp) -> str:
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    return plain(app.screen.query_one("#confirm-body", Static))


def shown_call(app: HybridApp) -> str:
    """The exact call the confirm dialog says it will send."""
    return plain(app.screen.query_one("#confirm-request", Static))


async def test_stop_tuning_job_confirms_and_stops_its_training_jobs(
    fleet: EmbeddedFleet, tmp_path: Path, fast_settle: None
) -> None:
    name = create_tuning_job(fleet, [("Completed", 0.4), ("InProgress", None)])
    app = make_app(fleet, tmp_path, "tuning")
    async with app.run_test(size=(160, 40)) as pilot:
        view = await select(pilot, app, "tuning", name)
        await pilot.press("ctrl+k")
        body = await confirm_body(pilot, app)
        assert "InProgress  →  Stopping  →  Stopped" in body and "1 completed, 1 running, 0 failed" in body
        assert "StopHyperParameterTuningJob" in shown_call(app) and name in shown_call(app)
        assert sent(app, "StopHyperParameterTuningJob") == 0 and audited(app) == []  # nothing before the confirm
        await pilot.click("#confirm-ok")
        await wait_for(pilot, lambda: view.by_key[name].status in ("Stopping", "Stopped"))
        entry = app.services.audit_log.entries()[-1]
        assert entry["action"] == "sagemaker.tuning.stop" and entry["result"] == "ok" and entry["target"] == name
        assert entry["request"] == {"HyperParameterTuningJobName": name}
        assert sent(app, "StopHyperParameterTuningJob") == 1
        running = await app.services.training.training_job(f"{name}-001-abcdef01")
        assert running.status in ("Stopping", "Stopped")  # the server stopped the job it was running
        await wait_for(pilot, lambda: view.by_key[name].status == "Stopped")
        await pilot.press("ctrl+k")  # a stopped job: told so, no dialog, nothing sent
        await wait_for(pilot, lambda: any("only an InProgress" in n.message for n in app._notifications))
        assert len(app.screen_stack) == 1 and sent(app, "StopHyperParameterTuningJob") == 1


async def test_cancel_sends_nothing(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    name = create_tuning_job(fleet, [("InProgress", None)])
    app = make_app(fleet, tmp_path, "tuning")
    async with app.run_test(size=(160, 40)) as pilot:
        await select(pilot, app, "tuning", name)
        await pilot.press("ctrl+k")
        await confirm_body(pilot, app)
        await pilot.press("enter")  # the focused (default) button is the safe one
        await wait_for(pilot, lambda: len(app.screen_stack) == 1)
        assert sent(app, "StopHyperParameterTuningJob") == 0 and audited(app) == []
        assert (await app.services.tuning.tuning_job(name)).status == "InProgress"


async def test_read_only_refuses_every_mlops_action(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    tuning = create_tuning_job(fleet, [("InProgress", None)])
    app = make_app(fleet, tmp_path, "tuning", read_only=True)

    async def refused(key: str, action_id: str) -> None:  # no dialog opened, and the notification names the action
        before = len(app._notifications)
        await pilot.press(key)
        await wait_for(pilot, lambda: len(app._notifications) > before)
        note = list(app._notifications)[-1].message
        assert len(app.screen_stack) == 1 and "read-only mode" in note and f"'{action_id}'" in note, note

    async with app.run_test(size=(160, 40)) as pilot:
        await select(pilot, app, "tuning", tuning)
        await refused("ctrl+k", "sagemaker.tuning.stop")
        await pilot.press("colon", *"versions", "enter")
        await wait_for(pilot, lambda: "versions" in app.views and app.views["versions"].items != [])
        await pilot.press("slash", *"Pending", "enter")
        await refused("a", "sagemaker.model_package.approve")
        await refused("x", "sagemaker.model_package.reject")
        await pilot.press("colon", *"notebooks", "enter")
        await wait_for(pilot, lambda: "notebooks" in app.views and bool(app.views["notebooks"].items))
        await pilot.press("slash", *"^gpu-bob-finetune$", "enter")
        await refused("ctrl+k", "sagemaker.notebook.stop")
        await pilot.press("colon", *"endpoints", "enter")
        await select(pilot, app, "endpoints", "fraud-scorer")
        await refused("w", "sagemaker.endpoint.weights")
        meter = app.services.session.meter.by_operation
        mutations = ("StopHyperParameterTuningJob", "UpdateModelPackage", "StopNotebookInstance", "DeleteApp",
                     "UpdateEndpointWeightsAndCapacities")  # fmt: skip
        assert audited(app) == [] and not any(meter.get(op) for op in mutations)
        assert (await app.services.tuning.tuning_job(tuning)).status == "InProgress"


async def test_approve_then_reject_a_model_version(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    group, arns = create_model_group(fleet, ("Approved", "PendingManualApproval"))
    sm = boto3_client(fleet.url, "sagemaker")
    app = make_app(fleet, tmp_path, "models")
    async with app.run_test(size=(160, 40)) as pilot:
        await select(pilot, app, "models", group)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.current_kind == "versions" and arns[1] in app.views["versions"].by_key)
        versions = app.views["versions"]
        assert versions.selected is not None and versions.selected.arn == arns[1]  # newest first
        await pilot.press("a")
        body = await confirm_body(pilot, app)
        assert "PendingManualApproval  →  Approved" in body and "UpdateModelPackage" in shown_call(app)
        assert sent(app, "UpdateModelPackage") == 0
        await pilot.click("#confirm-ok")
        await wait_for(pilot, lambda: versions.by_key[arns[1]].approval == "Approved")
        entry = app.services.audit_log.entries()[-1]
        assert entry["action"] == "sagemaker.model_package.approve" and entry["target"] == arns[1]
        assert entry["request"] == {"ModelPackageArn": arns[1], "ModelApprovalStatus": "Approved"}
        assert sm.describe_model_package(ModelPackageName=arns[1])["ModelApprovalStatus"] == "Approved"
        await pilot.press("x")
        body = await confirm_body(pilot, app)
        assert "Approved  →  Rejected" in body and "ApprovalDescription" in body
        await pilot.click("#confirm-ok")  # a rejection needs a reason: nothing sent yet
        assert isinstance(app.screen, ConfirmScreen)
        assert "a reason is required" in plain(app.screen.query_one("#confirm-error", Static))
        assert sent(app, "UpdateModelPackage") == 1
        app.screen.query_one("#confirm-reason", Input).focus()
        await pilot.press(*"mAP regressed on night frames", "enter")  # typed, then enter submits
        await wait_for(pilot, lambda: versions.by_key[arns[1]].approval == "Rejected")
        entry = app.services.audit_log.entries()[-1]
        assert entry["action"] == "sagemaker.model_package.reject" and entry["result"] == "ok"
        assert entry["request"]["ApprovalDescription"] == "mAP regressed on night frames"
        described = sm.describe_model_package(ModelPackageName=arns[1])
        assert described["ModelApprovalStatus"] == "Rejected"
        assert described["ApprovalDescription"] == "mAP regressed on night frames"
        assert sent(app, "UpdateModelPackage") == 2
        await pilot.press("x")  # already Rejected: told so
        await wait_for(pilot, lambda: any("already Rejected" in n.message for n in app._notifications))
        assert len(app.screen_stack) == 1 and sent(app, "UpdateModelPackage") == 2


async def test_w_shifts_traffic_between_variants(fleet: EmbeddedFleet, tmp_path: Path, fast_settle: None) -> None:
    name = create_endpoint(fleet, variants=("Blue", "Green"))
    app = make_app(fleet, tmp_path, "endpoints")
    async with app.run_test(size=(160, 40)) as pilot:
        view = await select(pilot, app, "endpoints", name)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, WeightsScreen))
        form = app.screen
        form.query_one("#weight-1", Input).value = "lots"
        await pilot.click("#weights-ok")
        assert "'lots' is not a number" in plain(form.query_one("#weights-error", Static))
        assert form.query_one("#weight-1", Input).value == "lots"  # kept for fixing
        form.query_one("#weight-0", Input).value = "0.8"
        second = form.query_one("#weight-1", Input)
        second.value = ""
        second.focus()
        await pilot.press(*"0.2")
        assert "Blue 80%, Green 20%" in plain(form.query_one("#weights-preview", Static))
        await pilot.press("enter")
        body = await confirm_body(pilot, app)
        assert "1 (50%)  →  0.8 (80%)" in body and "1 (50%)  →  0.2 (20%)" in body
        assert "UpdateEndpointWeightsAndCapacities" in shown_call(app)
        assert sent(app, "UpdateEndpointWeightsAndCapacities") == 0
        await pilot.click("#confirm-ok")
        await wait_for(pilot, lambda: progress(view).startswith("✓"))
        assert "Blue 0.8, Green 0.2" in progress(view)
        entry = app.services.audit_log.entries()[-1]
        assert entry["action"] == "sagemaker.endpoint.weights" and entry["result"] == "ok"
        assert entry["request"]["DesiredWeightsAndCapacities"] == [
            {"VariantName": "Blue", "DesiredWeight": 0.8},
            {"VariantName": "Green", "DesiredWeight": 0.2},
        ]
        assert sent(app, "UpdateEndpointWeightsAndCapacities") == 1
        weights = {v.name: v.current_weight for v in (await app.services.sagemaker.endpoint(name)).variants}
        assert weights == {"Blue": 0.8, "Green": 0.2}


async def test_w_on_a_single_variant_endpoint_says_so(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    name = create_endpoint(fleet)
    app = make_app(fleet, tmp_path, "endpoints")
    async with app.run_test(size=(160, 40)) as pilot:
        await select(pilot, app, "endpoints", name)
        await pilot.press("w")
        await wait_for(pilot, lambda: any("there is no traffic to shift" in n.message for n in app._notifications))
        assert len(app.screen_stack) == 1 and sent(app, "UpdateEndpointWeightsAndCapacities") == 0


async def test_stop_notebook_instance_and_studio_app(fleet: EmbeddedFleet, tmp_path: Path, fast_settle: None) -> None:
    assert fleet.seeded.mlops is not None
    sm = boto3_client(fleet.url, "sagemaker")
    instance, user = unique("t-nb"), unique("t-user")
    sm.create_notebook_instance(NotebookInstanceName=instance, InstanceType="ml.t3.medium", RoleArn=ROLE)
    domain = fleet.seeded.mlops.studio_domain
    sm.create_app(
        DomainId=domain,
        UserProfileName=user,
        AppType="JupyterLab",
        AppName="default",
        ResourceSpec={"InstanceType": "ml.g5.xlarge"},
    )
    app = make_app(fleet, tmp_path, "notebooks")
    async with app.run_test(size=(160, 40)) as pilot:
        view = await select(pilot, app, "notebooks", f"instance/{instance}", instance)
        await pilot.press("ctrl+k")
        body = await confirm_body(pilot, app)
        assert "InService  →  Stopping  →  Stopped" in body and "volume is kept" in body
        assert "StopNotebookInstance" in shown_call(app) and sent(app, "StopNotebookInstance") == 0
        await pilot.click("#confirm-ok")
        await wait_for(pilot, lambda: view.by_key[f"instance/{instance}"].status in ("Stopping", "Stopped"))
        entry = app.services.audit_log.entries()[-1]
        assert entry["action"] == "sagemaker.notebook.stop" and entry["request"] == {"NotebookInstanceName": instance}
        assert sent(app, "StopNotebookInstance") == 1
        status = sm.describe_notebook_instance(NotebookInstanceName=instance)["NotebookInstanceStatus"]
        assert status in ("Stopping", "Stopped")
        key = f"studio/{domain}/{user}/JupyterLab/default"
        await wait_for(pilot, lambda: key in view.by_key)
        await pilot.press("slash", *user, "enter", "ctrl+k")
        body = await confirm_body(pilot, app)
        assert "Deleting  →  Deleted" in body and "home directory" in body and "DeleteApp" in shown_call(app)
        await pilot.click("#confirm-ok")
        await wait_for(pilot, lambda: view.by_key[key].status in ("Deleting", "Deleted"))
        entry = app.services.audit_log.entries()[-1]
        assert entry["action"] == "sagemaker.notebook.stop" and entry["request"]["UserProfileName"] == user
        assert entry["target"] == key and sent(app, "DeleteApp") == 1


async def test_the_confirm_buttons_stay_on_screen_at_80x24(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    """A long confirm (what happens, the exact call, a reason to type) scrolls; its buttons are never pushed off."""
    group, arns = create_model_group(fleet, ("Approved",))
    app = make_app(fleet, tmp_path, "models")
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, app, "models", group)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.current_kind == "versions" and arns[0] in app.views["versions"].by_key)
        await pilot.press("x")
        await confirm_body(pilot, app)
        box = app.screen.query_one("#confirm-box")
        scroll = app.screen.query_one("#confirm-scroll")
        await wait_for(pilot, lambda: scroll.styles.max_height is not None and scroll.styles.max_height.value < 24)
        await pilot.pause()
        inside = box.content_region
        for button in ("#confirm-ok", "#confirm-cancel", "#confirm-reason"):
            region = app.screen.query_one(button).region
            assert inside.y <= region.y and region.bottom <= inside.bottom, (button, region, inside)
        assert scroll.max_scroll_y > 0  # the rest of the body is a scroll away

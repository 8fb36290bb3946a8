"""Pilot tests of compute environment and queue actions, and read-only refusal of every action."""

from __future__ import annotations

from textual.widgets import Input

from hybridml.actions.batch import ScaleComputeEnvironment, SetQueuePriority, SetQueueState
from hybridml.aws.batch_actions import ScaleChange
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.tui.app import HybridApp
from hybridml.tui.screens.confirm import ConfirmScreen
from hybridml.tui.screens.values_form import ValuesFormScreen
from tests.conftest import make_services
from tests.tui.helpers import wait_for


def loaded(app: HybridApp, kind: str) -> bool:
    view = app.views.get(kind)
    return app.current_kind == kind and view is not None and view.loaded_at is not None


async def command(pilot: object, text: str) -> None:
    await pilot.press("colon", *text, "enter")  # type: ignore[attr-defined]


async def test_scale_compute_environment_from_the_keyboard(fleet: EmbeddedFleet) -> None:
    app = HybridApp(make_services(fleet), start_view="ce")
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "ce"))
        view = app.views["ce"]
        await pilot.press("slash", *"gpu-ondemand", "enter")
        await wait_for(pilot, lambda: len(view.shown_keys) == 1)
        before = view.selected
        assert before is not None and before.resources is not None
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ValuesFormScreen))
        assert not app.screen.query("#v-desired_vcpus")  # Batch does not take a lower desiredvCpus: not offered
        app.screen.query_one("#v-max_vcpus", Input).value = "10"  # below desired 24: refused in the form
        await pilot.press("enter")
        assert isinstance(app.screen, ValuesFormScreen)
        assert "below the 24 vCPUs" in str(app.screen.query_one("#values-error").render())
        app.screen.query_one("#v-max_vcpus", Input).value = str(before.resources.max_vcpus + 64)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        body = str(app.screen.body)  # type: ignore[attr-defined]
        assert f"{before.resources.max_vcpus}  →  {before.resources.max_vcpus + 64}" in body
        assert '"maxvCpus": ' in str(app.screen.request)  # type: ignore[attr-defined]  # the exact call
        await pilot.click("#confirm-ok")
        await wait_for(pilot, lambda: "UpdateComputeEnvironment" in app.services.session.meter.by_operation)
        await wait_for(pilot, lambda: len(app.screen_stack) == 1)  # the progress dialog closes on success
        envs = {ce.name: ce for ce in await app.services.batch.compute_environments()}
        after = envs["gpu-ondemand"].resources
        assert after is not None and after.max_vcpus == before.resources.max_vcpus + 64
        restore = ScaleChange(max_vcpus=before.resources.max_vcpus)
        await app.services.run(ScaleComputeEnvironment(envs["gpu-ondemand"], restore))


async def test_queue_priority_and_state_from_the_keyboard(fleet: EmbeddedFleet) -> None:
    app = HybridApp(make_services(fleet), start_view="queues")
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "queues"))
        view = app.views["queues"]
        await pilot.press("slash", *"gpu-legacy", "enter")
        await wait_for(pilot, lambda: len(view.shown_keys) == 1)
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, ValuesFormScreen))
        app.screen.query_one("#v-priority", Input).value = "7"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm-ok")
        meter = app.services.session.meter.by_operation
        await wait_for(pilot, lambda: meter.get("UpdateJobQueue", 0) == 1 and len(app.screen_stack) == 1)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "→  DISABLED" in str(app.screen.body)  # type: ignore[attr-defined]
        await pilot.click("#confirm-ok")
        await wait_for(pilot, lambda: meter.get("UpdateJobQueue", 0) == 2 and len(app.screen_stack) == 1)
        queue = {q.name: q for q in await app.services.batch.job_queues()}["gpu-legacy"]
        assert (queue.priority, queue.state) == (7, "DISABLED")
        await app.services.run(SetQueueState(queue, enabled=True))
        await app.services.run(SetQueuePriority(queue, 5))


async def test_read_only_refuses_every_action_up_front(fleet: EmbeddedFleet) -> None:
    app = HybridApp(make_services(fleet, read_only=True))
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "jobs"))
        for key in ("n", "c", "ctrl+k"):
            await pilot.press(key)
            await pilot.pause()
            assert len(app.screen_stack) == 1, key
        await command(pilot, "ce")
        await wait_for(pilot, lambda: loaded(app, "ce"))
        for key in ("s", "e"):
            await pilot.press(key)
            await pilot.pause()
            assert len(app.screen_stack) == 1, key
        await command(pilot, "queues")
        await wait_for(pilot, lambda: loaded(app, "queues"))
        for key in ("n", "e", "p"):
            await pilot.press(key)
            await pilot.pause()
            assert len(app.screen_stack) == 1, key
        refusals = [n.message for n in app._notifications if n.message.startswith("read-only mode")]
        assert len(refusals) >= 6
        meter = app.services.session.meter.by_operation
        assert not {"SubmitJob", "CancelJob", "TerminateJob", "UpdateComputeEnvironment", "UpdateJobQueue"} & set(meter)


async def test_new_job_from_a_queue_prefills_the_queue(fleet: EmbeddedFleet) -> None:
    from hybridml.tui.screens.submit_form import SubmitScreen

    app = HybridApp(make_services(fleet), start_view="queues")
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "queues"))
        view = app.views["queues"]
        await pilot.press("slash", *"gpu-training", "enter")
        await wait_for(pilot, lambda: len(view.shown_keys) == 1)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, SubmitScreen) and app.screen.catalog_loaded)
        screen = app.screen
        assert isinstance(screen, SubmitScreen)
        assert screen.field("queue").value == "gpu-training"
        assert screen.focused is screen.field("job_definition")  # the first empty field has the focus
        await pilot.press(*"train-resnet50")
        await wait_for(pilot, lambda: screen.param_keys == ["epochs", "lr"])
        assert "train-resnet50:1" in str(screen.query_one("#hint-definition").render())

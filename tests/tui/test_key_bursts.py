"""Keys typed faster than the app reacts (one input chunk): handled in order, never by a screen not yet showing.

The driver parses a chunk such as `e\r` into key events all at once, before the app has handled the first;
`burst` posts them the same way. Each test asserts on what reached the server (request counts).
"""

from __future__ import annotations

from textual import events

from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.tui.app import HybridApp
from hybridml.tui.screens.confirm import ConfirmScreen
from tests.conftest import make_services
from tests.tui.helpers import wait_for

NAMES = {"\r": "enter", ":": "colon", "/": "slash", " ": "space", "\x1b": "escape"}


def burst(app: HybridApp, chunk: str) -> None:
    """Post every key of `chunk` before the app handles any (as the driver does with one read)."""
    for char in chunk:
        name = NAMES.get(char, char)
        app.post_message(events.Key(name, char if char.isprintable() else None))


def settled(app: HybridApp) -> bool:
    gate = app.key_gate
    return gate.in_flight is None and not gate.held and not gate.holds


def loaded(app: HybridApp, kind: str) -> bool:
    view = app.views.get(kind)
    return app.current_kind == kind and view is not None and view.loaded_at is not None and app.focused is view.table


def sent(app: HybridApp, *operations: str) -> int:
    meter = app.services.session.meter.by_operation
    return sum(meter.get(op, 0) for op in operations)


async def test_e_enter_in_one_chunk_never_confirms(fleet: EmbeddedFleet) -> None:
    for start in ("ce", "queues"):
        app = HybridApp(make_services(fleet), start_view=start)
        async with app.run_test(size=(120, 30)) as pilot:
            await wait_for(pilot, lambda: loaded(app, start))  # noqa: B023
            for _ in range(3):
                burst(app, "e\r")
                await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and settled(app))  # noqa: B023
                screen = app.screen
                assert isinstance(screen, ConfirmScreen)
                assert screen.focused is screen.query_one("#confirm-cancel")  # the safe default, from the start
                assert app.key_gate.dropped >= 1  # the enter typed with the `e` never reached it
                await pilot.press("escape")
                await wait_for(pilot, lambda: len(app.screen_stack) == 1)  # noqa: B023
            assert sent(app, "UpdateComputeEnvironment", "UpdateJobQueue") == 0


async def test_switching_views_by_typing_ahead_sends_nothing(fleet: EmbeddedFleet) -> None:
    app = HybridApp(make_services(fleet))
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "jobs"))
        for _ in range(3):
            burst(app, ":ce\r:queues\r")
            await wait_for(pilot, lambda: loaded(app, "queues") and settled(app))
            assert len(app.screen_stack) == 1 and app.is_running  # no dialog, no quit
            burst(app, ":jobs\r")
            await wait_for(pilot, lambda: loaded(app, "jobs") and settled(app))
        assert sent(app, "UpdateComputeEnvironment", "UpdateJobQueue", "CancelJob", "TerminateJob", "SubmitJob") == 0
        assert app.history[-2:] == [("ce", None), ("queues", None)]  # every view was visited, in order


async def test_typed_ahead_filter_reaches_the_new_view(fleet: EmbeddedFleet) -> None:
    app = HybridApp(make_services(fleet))
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "jobs"))
        burst(app, ":queues\r/gpu-legacy\r")
        await wait_for(pilot, lambda: loaded(app, "queues") and settled(app))
        view = app.views["queues"]
        await wait_for(pilot, lambda: view.filter_text == "gpu-legacy" and len(view.shown_keys) == 1)


async def test_a_key_typed_before_a_dialog_showed_is_dropped_but_later_ones_act(fleet: EmbeddedFleet) -> None:
    app = HybridApp(make_services(fleet), start_view="ce")
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "ce"))
        burst(app, "e\x1b")  # the escape came with the `e`: it does not close the dialog it never saw
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and settled(app))
        await pilot.press("escape")  # typed once the dialog showed: it acts
        await wait_for(pilot, lambda: len(app.screen_stack) == 1)
        assert sent(app, "UpdateComputeEnvironment") == 0

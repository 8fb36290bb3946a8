"""Issue 14.11 at 80x24: the invoke response pane gets the room (the form is compact and scrolls), and the submit
form keeps the focused field in view when its status pane grows."""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import Input, Static

from hybridml.config import Settings, WatchSettings
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.tui.app import HybridApp
from hybridml.tui.screens.invoke import InvokeScreen
from hybridml.tui.screens.submit_form import SubmitScreen
from tests.conftest import TEST_AWS, make_services
from tests.tui.helpers import plain, wait_for


def quiet(fleet: EmbeddedFleet) -> HybridApp:
    settings = Settings(aws=TEST_AWS, audit_log="", watches=WatchSettings(enabled=False))
    return HybridApp(make_services(fleet, settings), start_view="jobdefs")


def shown_within(widget: Widget, box: Widget) -> bool:
    """The widget is painted whole inside `box`'s visible region (not scrolled off, not under another pane)."""
    region = widget.region
    return region.height > 0 and box.region.contains_region(region)


async def test_invoke_at_80x24_shows_the_answer_and_every_field(fleet: EmbeddedFleet) -> None:
    app = quiet(fleet)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.views["jobdefs"].loaded_at is not None)
        screen = InvokeScreen(app.services, "text-embed")
        app.push_screen(screen)
        await wait_for(pilot, lambda: app.screen is screen and screen.is_mounted)
        box = screen.query_one("#invoke-response-box")
        assert box.region.height >= 9  # half the screen for the answer, not three lines
        seen: set[str] = set()
        for _ in range(8):  # every field, once focused, shows whole
            await pilot.press("tab")
            focused = app.focused
            assert focused is not None
            seen.add(focused.id or "")
            assert shown_within(focused, screen), focused.id
        assert {"invoke-content-type", "invoke-accept", "invoke-file", "invoke-body", "invoke-send"} <= seen
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.last is not None)
        assert "200 OK" in plain(screen.query_one("#invoke-response", Static))
        assert screen.query_one("#invoke-response").region.y < 24 - 2  # on screen, above the footer


async def test_submit_form_keeps_the_focused_field_in_view_when_errors_appear(fleet: EmbeddedFleet) -> None:
    app = quiet(fleet)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.views["jobdefs"].loaded_at is not None)
        screen = SubmitScreen(app.services)
        app.push_screen(screen)
        await wait_for(pilot, lambda: app.screen is screen and screen.catalog_loaded)
        form = screen.query_one("#submit-form")
        for key, value in (("queue", "nope"), ("job_definition", "nope"), ("vcpus", "abc"), ("timeout_s", "5")):
            screen.query_one(f"#f-{key}", Input).value = value
        last = screen.query_one("#f-depends_on", Input)
        last.focus()
        await wait_for(pilot, lambda: app.focused is last and shown_within(last, form))
        height = form.region.height
        await pilot.press("ctrl+s")  # not sent: the problems fill the status pane under the form
        await wait_for(pilot, lambda: form.region.height < height and "✖" in plain(screen.query_one("#submit-errors")))
        await wait_for(pilot, lambda: shown_within(last, form))  # the form scrolled to keep it in view
        assert app.focused is last and last.value == ""

"""Issue 14.16 at 80x24: mark every row shown (`A`, ctrl+space), invert (`I`), copy ids (`y`) or rows (`Y`) to
the clipboard through OSC 52, with a toast; what is copied is plain text whatever AWS returned."""

from __future__ import annotations

import base64
from typing import Any

from hybridml.render.clip import ids_text, rows_text
from hybridml.tui.app import HybridApp
from tests.tui.helpers import wait_for


async def jobs_view(pilot: Any, app: HybridApp) -> Any:
    await wait_for(pilot, lambda: app.active_view is not None and app.active_view.loaded_at is not None)
    app.refresh_timer.pause()
    return app.active_view


def osc52_writes(app: HybridApp, monkeypatch: Any) -> list[str]:
    """What the app writes to the terminal for the clipboard (the driver is headless under Pilot)."""
    writes: list[str] = []
    driver = app._driver
    assert driver is not None
    original = driver.write
    monkeypatch.setattr(driver, "write", lambda data: (writes.append(data), original(data))[1])
    return writes


async def test_mark_all_invert_and_copy(app: HybridApp, monkeypatch: Any) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        view = await jobs_view(pilot, app)
        writes = osc52_writes(app, monkeypatch)
        await pilot.press("slash", *"gpu", "enter")
        await wait_for(pilot, lambda: view.filter_text == "gpu" and view.store.settled)
        shown = view.shown_keys
        assert 1 < len(shown) < len(view.store.items)  # the filter hides some
        await pilot.press("A")
        assert view.marked == set(shown)  # every row shown, none hidden
        assert f"● {len(shown)} marked" in view.heading()
        await pilot.press("y")
        assert app.clipboard == "\n".join(shown)  # display order
        sent = [w for w in writes if w.startswith("\x1b]52;c;")]
        assert sent and base64.b64decode(sent[-1][len("\x1b]52;c;") : -1]).decode() == app.clipboard
        assert any(n.message.startswith(f"copied {len(shown)} job ids") for n in app._notifications)

        await pilot.press("down")
        await pilot.press("space")  # unmark the second row, then invert: only it is marked
        unmarked = shown[1]
        assert unmarked not in view.marked
        await pilot.press("I")
        assert view.marked == {unmarked}
        await pilot.press("Y")
        lines = app.clipboard.split("\n")
        assert lines[0].split("\t")[0] == "NAME" and "✓" not in lines[0]  # the header, without the mark column
        assert len(lines) == 2 and unmarked in lines[1]

        await pilot.press("U", "escape")
        await wait_for(pilot, lambda: view.filter_text == "" and view.store.settled)
        await pilot.press("ctrl+space")  # the other key: the filter is gone, so every row
        assert view.marked == set(view.store.items)


async def test_copy_without_marks_takes_the_row_under_the_cursor_in_any_view(app: HybridApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await jobs_view(pilot, app)
        await pilot.press("colon", *"queues", "enter")
        await wait_for(pilot, lambda: app.current_kind == "queues" and app.active_view.loaded_at is not None)
        view = app.active_view
        assert view is not None
        await pilot.press("y")
        assert app.clipboard == view.table.cursor_key
        assert any(n.message.startswith("copied 1 queue id ") for n in app._notifications)


def test_copied_text_is_plain_whatever_aws_returned() -> None:
    hostile = "evil\x1b]52;c;aGFja2Vk\x07\tname\nrow"
    text = ids_text([hostile, "ok"])
    assert "\x1b" not in text and "\x07" not in text and text.count("\n") == 1
    tsv = rows_text(["NAME", "STATUS"], [[hostile, "FAILED"]])
    assert "\x1b" not in tsv and tsv.count("\n") == 1 and tsv.split("\n")[1].count("\t") == 1

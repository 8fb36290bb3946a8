"""Log lines are data: kept verbatim (search, filter, the saved file), painted escaped (nothing reaches the
terminal), measured as painted (wrapping and horizontal scroll stay exact)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from hybridml.domain.logs import LogEvent, LogSource
from hybridml.fleet.hostile import HOSTILE
from hybridml.tui.app import HybridApp
from hybridml.tui.screens.log_view import open_logs
from hybridml.tui.widgets.log_pane import LogPane, shown
from tests.tui.helpers import wait_for
from tests.tui.screen_scan import assert_inert
from tests.tui.test_log_view import log_app, log_screen, messages, opened, running_job

__all__ = ["log_app"]

LINES = [
    "INFO plain line",
    HOSTILE["osc52_clipboard"] + " after the clipboard",
    HOSTILE["csi_clear"] + "ERROR after a clear",
    HOSTILE["click_quit"],
    "col1\tcol2\tcol3",
    HOSTILE["bidi_override"],
]


def test_painted_form_escapes_and_expands_tabs() -> None:
    assert shown(HOSTILE["osc52_clipboard"]) == "\\x1b]52;c;aGFja2VkCg==\\x07"
    assert shown("a\tb") == "a       b"
    pane = LogPane(100)
    text = pane.line_text(LogEvent(0, HOSTILE["csi_clear"] + "x"), 0)
    assert text.plain == "\\x1b[2J\\x1b[Hx"


async def test_hostile_lines_are_escaped_on_screen_and_verbatim_in_the_saved_file(
    log_app: HybridApp, tmp_path: Path
) -> None:
    job, _ = running_job(LINES)
    async with log_app.run_test(size=(80, 24)) as pilot:
        open_logs(log_app, LogSource.batch_job(job.job_id))
        await wait_for(pilot, lambda: opened(log_app))
        screen = log_screen(log_app)
        await wait_for(pilot, lambda: messages(screen) == LINES)  # kept as written
        await pilot.pause()
        frame = assert_inert(log_app, "log view")
        assert "\\x1b]52;c;aGFja2VkCg==\\x07 after the clipboard" in frame.text
        assert "[@click=app.quit]Q[/]" in frame.text and "col1    col2" in frame.text
        assert screen.pane.virtual_size.width >= len(shown(LINES[1]))  # measured as painted
        await pilot.press("slash", *"clipboard", "enter")
        assert screen.pane.current == 1
        await pilot.press("ampersand", *"ERROR", "enter")
        assert messages(screen) == [LINES[2]]
        screen.apply_filter("")
        await pilot.press("S")
        await wait_for(pilot, lambda: screen.saved_path is not None)
        assert screen.saved_path is not None
        saved = await asyncio.to_thread(screen.saved_path.read_text, encoding="utf-8")
        for line in LINES:
            assert line in saved  # the file holds what the program wrote, byte for byte
        assert log_app.is_running

"""What actually reaches the terminal: the screen's full update, as segments and as the raw bytes written."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from rich.console import Console
from textual.app import App

# The only escape sequences Textual itself writes for a frame: cursor moves and SGR styles.
OWN_SEQUENCE = re.compile(r"\x1b\[[0-9;:?]*[HmJKlh]")
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
HOSTILE_ACTIONS = ("app.screenshot", "app.quit", "simulate_key", "file:///", "evil.example")


@dataclass
class Frame:
    text: str  # the characters shown, one line per screen row
    raw: str  # the bytes a terminal would receive for a full repaint
    metas: list[str]  # every meta / link on any segment


def frame(app: App[object]) -> Frame:
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    assert update is not None
    console = Console(
        width=app.size.width, height=app.size.height, file=io.StringIO(), force_terminal=True,
        color_system="truecolor", legacy_windows=False,
    )  # fmt: skip
    rows: list[str] = []
    metas: list[str] = []
    for line in update.strips:  # type: ignore[attr-defined]
        row = []
        for strip in line:
            for segment in strip:
                if segment.control:
                    continue
                row.append(segment.text)
                style = segment.style
                if style is not None:
                    if style.link:
                        metas.append(str(style.link))
                    if style.meta:
                        metas.extend(f"{k}={v}" for k, v in style.meta.items())
        rows.append("".join(row))
    return Frame("\n".join(rows), update.render_segments(console), metas)  # type: ignore[attr-defined]


def assert_inert(app: App[object], where: str) -> Frame:
    """Nothing from the data can act: no raw control character in a cell, no escape sequence but Textual's own
    (cursor moves, SGR styles) in what the terminal receives, no click action or link from the data."""
    shown = frame(app)
    bad = RAW_CONTROL.search(shown.text)
    assert bad is None, f"{where}: raw {bad.group()!r} on screen"
    foreign = RAW_CONTROL.search(OWN_SEQUENCE.sub("", shown.raw))
    assert foreign is None, f"{where}: {shown.raw[max(0, foreign.start() - 5) : foreign.start() + 12]!r} written"
    acting = [m for m in shown.metas if any(h in m for h in HOSTILE_ACTIONS)]
    assert not acting, f"{where}: data became an action or link: {acting[:3]}"
    return shown

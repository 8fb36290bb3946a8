"""Pilot helpers: wait on app state, never on the wall clock.

`wait_for` lets the app run until a condition holds. Its only time limit is a hang guard (`HANG_GUARD_S`, the
same for every call), so a slow, loaded machine makes a test slower, never red.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.pilot import Pilot

from tests.conftest import HANG_GUARD_S


async def wait_for(pilot: Pilot[object], condition: Callable[[], object]) -> None:
    """Let the app run until `condition()` is truthy; fail only when it never becomes so (`HANG_GUARD_S`)."""
    deadline = time.monotonic() + HANG_GUARD_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within the {HANG_GUARD_S:.0f}s hang guard")
        await pilot.pause(0.05)


def plain(widget: object) -> str:
    """The text a Static shows (a str, rich Text or any rich renderable), without styles."""
    import io

    from rich.console import Console

    content = getattr(widget, "content", "")
    if isinstance(content, str):
        return content
    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    console.print(content)
    return console.export_text()

"""Pilot helpers: wait on app state with a deadline instead of sleeping."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.pilot import Pilot


async def wait_for(pilot: Pilot[object], condition: Callable[[], object], limit_s: float = 10.0) -> None:
    """Let the app run until `condition()` is truthy; fail after `limit_s` seconds."""
    deadline = time.monotonic() + limit_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {limit_s}s")
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

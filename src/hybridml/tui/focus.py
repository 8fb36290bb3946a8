"""Keep the focused field on screen at 80x24: when a form's status pane grows (errors, a fit check) or fields
appear above it, the form shrinks or shifts and Textual does not scroll again by itself."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen


def keep_focused_in_view(screen: Screen[Any]) -> None:
    """After the next layout: scroll the focused widget (and its scrolling parents) so it shows whole."""

    def scroll() -> None:
        focused = screen.focused
        if focused is not None and focused.is_attached:
            focused.scroll_visible(animate=False, immediate=True)

    screen.call_after_refresh(scroll)

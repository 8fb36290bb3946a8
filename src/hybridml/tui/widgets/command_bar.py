"""The `:` command / `/` filter prompt at the bottom: one Input, two modes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.binding import Binding
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Input

from hybridml.tui import keys
from hybridml.tui.console import console
from hybridml.tui.widgets.plain import PlainInput


class CommandBar(PlainInput):
    """Hidden until `:` or `/`; enter submits, escape cancels (and, for a filter, keeps it as typed).

    Enter and escape hold the keys typed after them until the app has put the focus back on a view: they are
    meant for the view (or the next `:`), never for this bar closing, nor for a view not yet focused."""

    BINDINGS: ClassVar[list[Binding]] = keys.bindings("command-bar")  # type: ignore[assignment]

    class Entered(Message):
        def __init__(self, mode: str, value: str) -> None:
            super().__init__()
            self.mode = mode
            self.value = value

    class Edited(Message):
        def __init__(self, mode: str, value: str) -> None:
            super().__init__()
            self.mode = mode
            self.value = value

    class Dismissed(Message):
        def __init__(self, mode: str) -> None:
            super().__init__()
            self.mode = mode

    def __init__(self, commands: Iterable[str] = (), **kwargs: object) -> None:
        super().__init__(suggester=SuggestFromList(sorted(commands), case_sensitive=False), **kwargs)  # type: ignore[arg-type]
        self.mode = "command"
        self.can_focus = False  # only while open: a hidden input must never swallow keys

    def open(self, mode: str, value: str = "") -> None:
        self.mode = mode
        self.placeholder = (
            "command (jobs, queues, ce, jobdefs … ; enter to go)" if mode == "command" else "filter (regex)"
        )
        self.value = value
        self.can_focus = True
        self.add_class("open")
        self.focus()
        self.cursor_position = len(value)

    def close(self) -> None:
        self.remove_class("open")
        self.can_focus = False

    async def action_submit(self) -> None:
        console(self).key_gate.hold("focus")  # released once the command has run and a view has the focus
        await super().action_submit()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Entered(self.mode, event.value.strip() if self.mode == "command" else event.value))
        self.close()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.has_class("open"):
            self.post_message(self.Edited(self.mode, event.value))

    def action_cancel(self) -> None:
        console(self).key_gate.hold("focus")
        self.close()
        self.post_message(self.Dismissed(self.mode))

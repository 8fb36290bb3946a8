"""The base of the small modal forms an action opens (values, scale, clone, launch): the safe key handling of
a dialog, ctrl+s / enter to go on, escape or the other button to close it with nothing sent."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Button, Input

from hybridml.tui import keys
from hybridml.tui.keygate import KeyGuard

R = TypeVar("R")


class FormScreen(KeyGuard, ModalScreen[R | None]):
    """Subclasses compose their fields and an `...-ok` button, and implement `_submit` (dismiss with the value,
    or show what is wrong and keep every typed value)."""

    BINDINGS: ClassVar[list[Binding]] = keys.bindings("form")  # type: ignore[assignment]

    def _submit(self) -> None:
        raise NotImplementedError

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def action_submit(self) -> None:
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if (event.button.id or "").endswith("-ok"):
            self._submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

"""A confirm dialog for mutating actions: shows what will happen (before/after), optionally asks for a
reason or for the resource's name to be typed. Dismisses with a `Confirmation`, or None when cancelled."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from hybridml.tui.widgets.plain import PlainInput, PlainLabel, PlainStatic


@dataclass(frozen=True)
class Confirmation:
    reason: str = ""


class ConfirmScreen(ModalScreen[Confirmation | None]):
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("escape", "cancel", "Cancel", id="confirm.cancel"),
    ]

    def __init__(
        self,
        title: str,
        body: str | Text,
        *,
        confirm_label: str = "Confirm",
        ask_reason: bool = False,
        default_reason: str = "",
        require_typed: str | None = None,
        danger: bool = True,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.confirm_label = confirm_label
        self.ask_reason = ask_reason
        self.default_reason = default_reason
        self.require_typed = require_typed
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield PlainLabel(self.title_text, id="confirm-title")
            # a str body is our own lines (kept); names and reasons in it are escaped like everywhere else
            yield PlainStatic(self.body if isinstance(self.body, Text) else Text(self.body), id="confirm-body")
            if self.ask_reason:
                yield PlainInput(value=self.default_reason, placeholder="reason (sent to AWS)", id="confirm-reason")
            if self.require_typed is not None:
                yield PlainLabel(f"Type {self.require_typed!r} to confirm:")
                yield PlainInput(placeholder=self.require_typed, id="confirm-typed")
            yield PlainStatic("", id="confirm-error")
            with Horizontal(id="confirm-buttons"):
                yield Button(self.confirm_label, variant="error" if self.danger else "primary", id="confirm-ok")
                yield Button("Cancel", id="confirm-cancel")

    def on_mount(self) -> None:
        first = self.query(Input).first() if self.query(Input) else None
        (first or self.query_one("#confirm-cancel", Button)).focus()

    def _submit(self) -> None:
        if self.require_typed is not None:
            typed = self.query_one("#confirm-typed", Input).value.strip()
            if typed != self.require_typed:
                self.query_one("#confirm-error", Static).update(
                    Text(f"'{typed}' does not match '{self.require_typed}'", style="bold red")
                )
                return
        reason = self.query_one("#confirm-reason", Input).value.strip() if self.ask_reason else ""
        if self.ask_reason and not reason:
            self.query_one("#confirm-error", Static).update(Text("a reason is required", style="bold red"))
            return
        self.dismiss(Confirmation(reason=reason))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm-ok":
            self._submit()
        else:
            self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def action_cancel(self) -> None:
        self.dismiss(None)

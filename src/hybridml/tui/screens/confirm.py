"""The confirm dialog of every mutating action: what will happen (before/after), the exact request, optionally a
reason or the resource's name to type. Dismisses with a `Confirmation`, or None when cancelled.

Its default is the safe button: focus starts on "keep" (or, when a name must be typed, on that field, where
Enter only checks what was typed), and keys typed before the dialog was shown never reach it (`KeyGuard`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from hybridml.tui import keys
from hybridml.tui.keygate import KeyGuard
from hybridml.tui.widgets.plain import PlainInput, PlainLabel, PlainStatic

BOX_SHARE = 0.9  # #confirm-box's max-height (app.tcss)
MAX_SCROLL_ROWS = 24
MIN_SCROLL_ROWS = 3


@dataclass(frozen=True)
class Confirmation:
    reason: str = ""


class ConfirmScreen(KeyGuard, ModalScreen[Confirmation | None]):
    BINDINGS: ClassVar[list[Binding]] = keys.bindings("confirm")  # type: ignore[assignment]
    # Textual focuses this as the screen is composed, before any key can reach it (the default, "*", would
    # pick the first button: the one that sends).
    AUTO_FOCUS = "#confirm-typed, #confirm-cancel"

    def __init__(
        self,
        title: str,
        body: str | Text,
        *,
        confirm_label: str = "Confirm",
        cancel_label: str = "Cancel",
        ask_reason: bool = False,
        default_reason: str = "",
        require_typed: str | None = None,
        danger: bool = True,
        request: str = "",
        warning: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.confirm_label = confirm_label
        self.cancel_label = cancel_label
        self.ask_reason = ask_reason
        self.default_reason = default_reason
        self.require_typed = require_typed
        self.danger = danger
        self.request = request  # the call(s) as they will be sent
        self.warning = warning

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield PlainLabel(self.title_text, id="confirm-title")
            with VerticalScroll(id="confirm-scroll"):
                if self.warning:
                    yield PlainStatic(Text(f"⚠ {self.warning}", style="bold yellow"), id="confirm-warning")
                # a str body is our own lines (kept); names and reasons in it are escaped like everywhere else
                body = self.body if isinstance(self.body, Text) else Text(self.body)
                yield PlainStatic(body, id="confirm-body")
                if self.request:
                    yield PlainStatic(Text(self.request, style="dim"), id="confirm-request")
            if self.ask_reason:
                yield PlainInput(value=self.default_reason, placeholder="reason (sent to AWS)", id="confirm-reason")
            if self.require_typed is not None:
                yield PlainLabel(f"Type {self.require_typed!r} to confirm:")
                yield PlainInput(placeholder=self.require_typed, id="confirm-typed")
            yield PlainStatic("", id="confirm-error")
            with Horizontal(id="confirm-buttons"):
                yield Button(self.confirm_label, variant="error" if self.danger else "primary", id="confirm-ok")
                yield Button(self.cancel_label, id="confirm-cancel")

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """Keep the buttons on screen: the scrolling part (what happens, the exact call) gets the rows the box has
        left after its title, inputs and buttons (at 80x24 a long body scrolls instead of pushing them off)."""
        if not self.is_mounted:
            return
        box = self.query_one("#confirm-box")
        scroll = self.query_one("#confirm-scroll")
        others = sum(c.outer_size.height + c.styles.margin.height for c in box.children if c is not scroll)
        room = int(self.size.height * BOX_SHARE) - box.styles.gutter.height - others
        scroll.styles.max_height = max(MIN_SCROLL_ROWS, min(MAX_SCROLL_ROWS, room))

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

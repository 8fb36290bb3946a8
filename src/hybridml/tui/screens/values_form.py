"""A small form of named integer values (CE vCPUs, queue priority) showing current -> new as you type.

Dismisses with the new values (only those that changed are not None), or None when cancelled; the caller
then asks for confirmation with the before/after.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from hybridml.tui.screens.form import FormScreen
from hybridml.tui.widgets.plain import PlainInput, PlainLabel, PlainStatic

Values = dict[str, int | None]
Check = Callable[[Values], str | None]  # a problem with the new values, or None


class ValuesFormScreen(FormScreen[Values]):
    CSS_PATH = "../batch_actions.tcss"

    def __init__(
        self, title: str, fields: Sequence[tuple[str, str, int]], check: Check | None = None, *, note: str = ""
    ) -> None:
        """`fields`: (key, label, current value); `note`: a line under the title."""
        super().__init__()
        self.title_text = title
        self.fields = list(fields)
        self.check = check
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="values-box"):
            yield PlainLabel(self.title_text, classes="form-section")
            if self.note:
                yield PlainStatic(Text(self.note, style="dim"), id="values-note")
            for key, label, current in self.fields:
                yield Horizontal(
                    PlainLabel(f"{label} ({current})", classes="form-label"),
                    PlainInput(value=str(current), id=f"v-{key}", type="integer"),
                    classes="form-row",
                )
            yield PlainStatic("", id="values-preview")
            yield PlainStatic("", id="values-error")
            with Horizontal(id="values-buttons"):
                yield Button("Next: confirm", variant="primary", id="values-ok")
                yield Button("Cancel", id="values-cancel")

    def on_mount(self) -> None:
        self.query(Input).first().focus()
        self._preview()

    def read(self) -> tuple[Values, str | None]:
        """New values (None where unchanged) and the first problem."""
        values: Values = {}
        for key, label, current in self.fields:
            text = self.query_one(f"#v-{key}", Input).value.strip()
            try:
                value = int(text)
            except ValueError:
                return {}, f"{label}: {text!r} is not a whole number"
            values[key] = None if value == current else value
        if all(v is None for v in values.values()):
            return values, "nothing changed"
        problem = self.check(values) if self.check else None
        return values, problem

    def _preview(self) -> None:
        values, problem = self.read()
        text = Text()
        for key, label, current in self.fields:
            new = values.get(key)
            text.append(f"{label:<16}{current:>8}")
            text.append(f"  →  {new}\n" if new is not None else "\n", style="bold yellow" if new is not None else "")
        self.query_one("#values-preview", Static).update(text)
        self.query_one("#values-error", Static).update(Text(problem or "", style="bold red"))

    @on(Input.Changed)
    def _changed(self) -> None:
        self._preview()

    def _submit(self) -> None:
        values, problem = self.read()
        if problem:
            self._preview()
            return
        self.dismiss(values)

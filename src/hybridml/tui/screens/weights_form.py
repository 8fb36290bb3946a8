"""`w` on an endpoint: the traffic weight of each production variant, with the resulting split shown live.

Bad input (not a number, negative, every weight 0) is shown under the form, which keeps what was typed."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from hybridml.domain.sagemaker import Endpoint
from hybridml.domain.traffic import WeightRequest, shares
from hybridml.tui.screens.form import FormScreen
from hybridml.tui.widgets.plain import PlainInput, PlainLabel, PlainStatic


class WeightsScreen(FormScreen[WeightRequest]):
    def __init__(self, endpoint: Endpoint) -> None:
        super().__init__()
        self.endpoint = endpoint

    def compose(self) -> ComposeResult:
        e = self.endpoint
        with Vertical(id="weights-box", classes="form-box"):
            yield PlainLabel(Text(f"Traffic of {e.name}  ({e.status})"), id="weights-title", classes="form-title")
            for i, v in enumerate(e.variants):
                with Horizontal(classes="form-row"):
                    yield PlainLabel(Text(f"{v.name}  ({v.current_instance_count or 0} x {v.instance_type or '-'})"))
                    yield PlainInput(value=f"{v.current_weight or 0:g}", id=f"weight-{i}", classes="weight-input")
            yield PlainStatic(self._preview(self._current()), id="weights-preview")
            yield PlainStatic("", id="weights-error", classes="form-error")
            with Horizontal(classes="form-buttons"):
                yield Button("Review", variant="primary", id="weights-ok")
                yield Button("Cancel", id="weights-cancel")

    def on_mount(self) -> None:
        self.query_one("#weight-0", Input).focus()

    def _current(self) -> dict[str, float]:
        return {v.name: v.current_weight or 0.0 for v in self.endpoint.variants}

    def _values(self) -> tuple[dict[str, float], list[str]]:
        values: dict[str, float] = {}
        errors: list[str] = []
        for i, v in enumerate(self.endpoint.variants):
            text = self.query_one(f"#weight-{i}", Input).value.strip()
            try:
                values[v.name] = float(text)
            except ValueError:
                errors.append(f"{v.name}: '{text}' is not a number")
        return values, errors

    @staticmethod
    def _preview(values: dict[str, float]) -> Text:
        split = shares(values)
        return Text("split: " + ", ".join(f"{name} {share:.0%}" for name, share in split.items()), style="dim")

    def on_input_changed(self, event: Input.Changed) -> None:
        values, errors = self._values()
        self.query_one("#weights-preview", Static).update(Text("") if errors else self._preview(values))

    def build_request(self) -> WeightRequest | list[str]:
        values, errors = self._values()
        if errors:
            return errors
        current = {v.name: v.current_weight or 0.0 for v in self.endpoint.variants}
        changed = tuple((name, w) for name, w in values.items() if w != current.get(name))
        request = WeightRequest(self.endpoint.name, changed)
        return request.problems(self.endpoint) or request

    def _submit(self) -> None:
        result = self.build_request()
        if isinstance(result, list):
            self.query_one("#weights-error", Static).update(Text("\n".join(result), style="bold red"))
            return
        self.dismiss(result)

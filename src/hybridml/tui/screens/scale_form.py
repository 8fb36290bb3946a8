"""`s` on an endpoint: desired instance count and autoscaling bounds for one variant.

Bad input (not a number, negative, min > max ...) is shown under the form, which keeps what was typed."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Select, Static

from hybridml.domain.sagemaker import Endpoint, ScaleRequest, parse_count
from hybridml.tui.screens.form import FormScreen
from hybridml.tui.widgets.plain import PlainInput, PlainLabel, PlainStatic


class ScaleScreen(FormScreen[ScaleRequest]):
    def __init__(self, endpoint: Endpoint) -> None:
        super().__init__()
        self.endpoint = endpoint
        first = endpoint.variant()
        self.variant_name = first.name if first else ""

    def compose(self) -> ComposeResult:
        e = self.endpoint
        with Vertical(id="scale-box", classes="form-box"):
            yield PlainLabel(f"Scale {e.name}  ({e.status})", id="scale-title", classes="form-title")
            if len(e.variants) > 1:
                yield Select(
                    [(v.name, v.name) for v in e.variants],
                    value=self.variant_name,
                    allow_blank=False,
                    id="scale-variant",
                )
            yield PlainStatic(self._current_text(), id="scale-current")
            yield PlainLabel("desired instances (empty: unchanged)")
            yield PlainInput(placeholder=self._placeholder("desired"), id="scale-desired")
            with Horizontal(classes="form-row"):
                with Vertical():
                    yield PlainLabel("autoscaling min")
                    yield PlainInput(placeholder=self._placeholder("min"), id="scale-min")
                with Vertical():
                    yield PlainLabel("autoscaling max")
                    yield PlainInput(placeholder=self._placeholder("max"), id="scale-max")
            yield PlainStatic("", id="scale-error", classes="form-error")
            with Horizontal(classes="form-buttons"):
                yield Button("Review", variant="primary", id="scale-ok")
                yield Button("Cancel", id="scale-cancel")

    def _placeholder(self, which: str) -> str:
        v = self.endpoint.variant(self.variant_name)
        value = None
        if v is not None:
            value = {"desired": v.desired_instance_count, "min": v.autoscaling_min, "max": v.autoscaling_max}[which]
        return f"now {value}" if value is not None else "not set"

    def _current_text(self) -> Text:
        v = self.endpoint.variant(self.variant_name)
        if v is None:
            return Text("no production variant", style="red")
        return Text(
            f"variant {v.name}: {v.instance_type}, {v.current_instance_count}/{v.desired_instance_count} instances "
            f"(current/desired), autoscaling {v.autoscaling}",
            style="dim",
        )

    def on_mount(self) -> None:
        self.query_one("#scale-desired", Input).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.variant_name = str(event.value)
        self.query_one("#scale-current", Static).update(self._current_text())
        for which in ("desired", "min", "max"):
            self.query_one(f"#scale-{which}", Input).placeholder = self._placeholder(which)

    def build_request(self) -> ScaleRequest | list[str]:
        """The request, or the problems to show."""
        errors: list[str] = []
        values: dict[str, int | None] = {}
        for which, label in (("desired", "instances"), ("min", "min"), ("max", "max")):
            try:
                values[which] = parse_count(self.query_one(f"#scale-{which}", Input).value, label)
            except ValueError as exc:
                errors.append(str(exc))
        if errors:
            return errors
        request = ScaleRequest(
            endpoint=self.endpoint.name,
            variant=self.variant_name,
            desired=values["desired"],
            min_capacity=values["min"],
            max_capacity=values["max"],
        )
        variant = self.endpoint.variant(self.variant_name)
        problems = request.problems(variant)
        if variant is not None and variant.serverless:
            problems.append(f"variant {variant.name} is serverless: it has no instance count to scale")
        if request.desired is not None and self.endpoint.status != "InService":
            problems.append(f"the endpoint is {self.endpoint.status}: the instance count can change once InService")
        return problems or request

    def _submit(self) -> None:
        result = self.build_request()
        if isinstance(result, list):
            self.query_one("#scale-error", Static).update(Text("\n".join(result), style="bold red"))
            return
        self.dismiss(result)

"""Enter on an endpoint: variants, config, and CloudWatch curves (Invocations, ModelLatency, 4xx/5xx)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from hybridml.aws.errors import NotFound, translate
from hybridml.aws.metrics import endpoint_metric_specs
from hybridml.domain.metrics import WINDOWS, MetricSeries
from hybridml.domain.sagemaker import Endpoint
from hybridml.render.sagemaker import endpoint_detail, metrics_block
from hybridml.render.traffic import variant_traffic
from hybridml.tui.widgets.plain import PlainStatic

if TYPE_CHECKING:
    from hybridml.services import Services
    from hybridml.tui.views.endpoints import EndpointsView


class EndpointDetailScreen(Screen[None]):
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("escape,q", "app.pop_screen", "Back", id="endpoint.back"),
        Binding("d", "describe", "Describe", id="endpoint.describe"),
        Binding("r", "reload", "Refresh", id="endpoint.refresh"),
        Binding("s", "scale", "Scale", id="endpoint.scale"),
        Binding("i", "invoke", "Invoke", id="endpoint.invoke"),
        Binding("w", "weights", "Weights", id="endpoint.weights"),
        Binding("ctrl+k", "delete", "Delete", id="endpoint.delete"),
        Binding("1", "window('1h')", "1h", id="endpoint.window_1h"),
        Binding("6", "window('6h')", "6h", id="endpoint.window_6h"),
        Binding("2", "window('24h')", "24h", id="endpoint.window_24h"),
    ]

    def __init__(self, services: Services, endpoint: Endpoint, view: EndpointsView | None = None) -> None:
        super().__init__()
        self.services = services
        self.endpoint = endpoint
        self.view = view
        self.window = services.settings.sagemaker.metrics_window
        self.gone = False
        self.metrics_loaded = 0

    def compose(self) -> ComposeResult:
        yield PlainStatic(f"endpoint {self.endpoint.name}", classes="view-title", id="detail-title")
        yield PlainStatic("", id="detail-progress", classes="progress-line")
        with VerticalScroll():
            yield PlainStatic(endpoint_detail(self.endpoint, datetime.now(UTC)), id="detail-body")
            yield PlainStatic(Text("loading metrics …", style="dim"), id="detail-metrics")
        yield Footer()

    def show_progress(self, message: str | Text) -> None:
        if self.is_mounted:
            self.query_one("#detail-progress", Static).update(message)
            if str(message).startswith("✓"):
                self.load_endpoint()

    def on_mount(self) -> None:
        self.action_reload()
        self.set_interval(self.services.settings.ui.refresh_s, self.action_reload)

    def action_reload(self) -> None:
        self.load_endpoint()
        self.load_metrics()

    def action_window(self, window: str) -> None:
        if window in WINDOWS:
            self.window = window  # type: ignore[assignment]
            self.query_one("#detail-metrics", Static).update(Text(f"loading {window} …", style="dim"))
            self.load_metrics()

    @work(exclusive=True, group="endpoint-detail", exit_on_error=False)
    async def load_endpoint(self) -> None:
        try:
            endpoint = await self.services.sagemaker.endpoint(self.endpoint.name)
        except NotFound:
            self.gone = True
            self.query_one("#detail-title", Static).update(
                Text(f"endpoint {self.endpoint.name} — deleted (no longer found in SageMaker)", style="bold red")
            )
            return
        except Exception as exc:
            self.notify(str(translate(exc)), title="refresh failed", severity="error")
            return
        self.gone = False
        self.endpoint = endpoint
        self.query_one("#detail-title", Static).update(f"endpoint {endpoint.name}  [{endpoint.status}]")
        self.query_one("#detail-body", Static).update(endpoint_detail(endpoint, datetime.now(UTC)))

    @work(exclusive=True, group="endpoint-metrics", exit_on_error=False)
    async def load_metrics(self) -> None:
        """The curves of every variant (labelled by variant when there are several), in one request."""
        variants = self.endpoint.variants
        if not variants:
            self.query_one("#detail-metrics", Static).update(Text("no variant: no metrics", style="dim"))
            return
        specs = []
        for v in variants:
            for spec in endpoint_metric_specs(self.endpoint.name, v.name):
                specs.append(replace(spec, label=f"{v.name} {spec.label}") if len(variants) > 1 else spec)
        try:
            series = await self.services.metrics.series(specs, WINDOWS[self.window])
        except Exception as exc:
            self.query_one("#detail-metrics", Static).update(
                Text(f"metrics unavailable: {translate(exc)}", style="red")
            )
            return
        self.metrics_loaded += 1
        hint = Text(
            "  keys: 1 = 1h, 6 = 6h, 2 = 24h" + (", w = shift traffic" if len(variants) > 1 else ""), style="dim"
        )
        parts: list[RenderableType] = []
        if len(variants) > 1:  # A/B: each variant's traffic and latency side by side first
            by_variant: dict[str, dict[str, MetricSeries]] = {}
            for s in series:
                name, _, label = s.label.partition(" ")
                by_variant.setdefault(name, {})[label] = s
            parts += [variant_traffic(self.endpoint, by_variant), Text("")]
        self.query_one("#detail-metrics", Static).update(Group(*parts, metrics_block(series, self.window), hint))

    @work(exclusive=True, group="endpoint-describe", exit_on_error=False)
    async def action_describe(self) -> None:
        from hybridml.tui.screens.json_view import JsonScreen

        try:
            body = await self.services.sagemaker.endpoint_json(self.endpoint.name)
        except Exception as exc:
            self.notify(str(translate(exc)), title="describe failed", severity="error")
            return
        self.app.push_screen(JsonScreen(f"endpoint {self.endpoint.name}", body))

    def _act(self, action: str) -> None:
        if self.gone:
            self.notify(f"endpoint {self.endpoint.name} no longer exists", severity="warning")
            return
        if self.view is None:
            return
        if action == "delete":
            self.app.pop_screen()  # the list is where the result shows
        getattr(self.view, f"action_{action}")(self.endpoint)

    def action_scale(self) -> None:
        self._act("scale")

    def action_invoke(self) -> None:
        self._act("invoke")

    def action_delete(self) -> None:
        self._act("delete")

    def action_weights(self) -> None:
        self._act("weights")

"""Enter on an endpoint: variants, config, and CloudWatch curves (Invocations, ModelLatency, 4xx/5xx)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar, Protocol

from rich.console import Group, RenderableType
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from hybridml import clock
from hybridml.aws.errors import AwsError, NotFound
from hybridml.aws.metrics import endpoint_metric_specs
from hybridml.domain.metrics import WINDOWS, MetricSeries
from hybridml.domain.sagemaker import Endpoint
from hybridml.render.sagemaker import endpoint_detail, metrics_block
from hybridml.render.traffic import variant_traffic
from hybridml.tui import keys
from hybridml.tui.errors import ReportsWorkerErrors
from hybridml.tui.screens import flows
from hybridml.tui.widgets.plain import PlainStatic

if TYPE_CHECKING:
    from hybridml.services import Services


class EndpointActions(Protocol):
    """What the endpoints view does for this screen (the flows, and the progress line it keeps)."""

    progress_listeners: set[Callable[[str | Text], None]]

    async def scale(self, endpoint: Endpoint) -> None: ...

    async def invoke(self, endpoint: Endpoint) -> None: ...

    async def delete(self, endpoint: Endpoint) -> None: ...

    async def weights(self, endpoint: Endpoint) -> None: ...


class EndpointDetailScreen(ReportsWorkerErrors, Screen[None]):
    BINDINGS: ClassVar[list[Binding]] = keys.bindings("endpoint-detail")  # type: ignore[assignment]

    def __init__(self, services: Services, endpoint: Endpoint, view: EndpointActions | None = None) -> None:
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
            yield PlainStatic(endpoint_detail(self.endpoint, clock.utcnow()), id="detail-body")
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
        if self.view is not None:
            self.view.progress_listeners.add(self.show_progress)

    def on_unmount(self) -> None:
        if self.view is not None:
            self.view.progress_listeners.discard(self.show_progress)

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
        except AwsError as exc:
            self.notify(str(exc), title="refresh failed", severity="error")
            return
        self.gone = False
        self.endpoint = endpoint
        self.query_one("#detail-title", Static).update(f"endpoint {endpoint.name}  [{endpoint.status}]")
        self.query_one("#detail-body", Static).update(endpoint_detail(endpoint, clock.utcnow()))

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
        except AwsError as exc:
            self.query_one("#detail-metrics", Static).update(Text(f"metrics unavailable: {exc}", style="red"))
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
        except AwsError as exc:
            self.notify(str(exc), title="describe failed", severity="error")
            return
        self.app.push_screen(JsonScreen(f"endpoint {self.endpoint.name}", body))

    # -- actions: the endpoints view runs them (its progress line shows here) ----------------------------
    def action_act(self, action_id: str) -> None:
        flows.act(self, action_id)

    def _available(self) -> EndpointActions | None:
        if self.gone:
            self.notify(f"endpoint {self.endpoint.name} no longer exists", severity="warning")
            return None
        return self.view

    async def act_sagemaker_endpoint_scale(self) -> None:
        if (view := self._available()) is not None:
            await view.scale(self.endpoint)

    async def act_sagemaker_endpoint_invoke(self) -> None:
        if (view := self._available()) is not None:
            await view.invoke(self.endpoint)

    async def act_sagemaker_endpoint_delete(self) -> None:
        if (view := self._available()) is not None:
            self.app.pop_screen()  # the list is where the result shows
            await view.delete(self.endpoint)

    async def act_sagemaker_endpoint_weights(self) -> None:
        if (view := self._available()) is not None:
            await view.weights(self.endpoint)

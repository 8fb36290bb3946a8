"""`:endpoints` — SageMaker endpoints: status, capacity, autoscaling, traffic; `s` scale, `i` invoke, `w` shift A/B
traffic weights, `ctrl+k` delete."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from hybridml.aws.errors import AwsError
from hybridml.aws.metrics import traffic_specs
from hybridml.domain.logs import LogSource
from hybridml.domain.metrics import MetricSeries, summed
from hybridml.domain.sagemaker import Endpoint
from hybridml.render.sagemaker import ENDPOINT_COLUMNS, Cell, endpoint_row
from hybridml.tui import keys
from hybridml.tui.console import console
from hybridml.tui.screens import mlops_flows, sagemaker_flows
from hybridml.tui.widgets.plain import PlainStatic
from hybridml.tui.widgets.resource_view import ResourceView

TRAFFIC_WINDOW_S = 3600
PROGRESS_KEEP_S = 30.0  # a finished scale's line stays this long


def plain_text(widget: Static) -> str:
    content = widget.content
    return content.plain if isinstance(content, Text) else str(content)


class EndpointsView(ResourceView[Endpoint]):
    kind: ClassVar[str] = "endpoints"
    title: ClassVar[str] = "SageMaker endpoints"
    columns: ClassVar[tuple[str, ...]] = ENDPOINT_COLUMNS
    service: ClassVar[str] = "sagemaker"
    column_min: ClassVar[dict[str, int]] = {"NAME": 18, "STATUS": 9, "$/H": 6}
    # first to go at 80 columns (the detail screen and `d` have them): names and what they cost stay readable
    drop_order: ClassVar[tuple[str, ...]] = ("VARIANTS", "MODIFIED", "AUTOSCALING", "REASON")

    BINDINGS: ClassVar[list[Binding]] = keys.bindings("endpoints")  # type: ignore[assignment]

    def log_source(self, item: Endpoint) -> LogSource:
        return LogSource.endpoint(item.name)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scaling: set[str] = set()  # endpoints with a scale flow open or waiting
        self.progress_listeners: set[Callable[[str | Text], None]] = set()  # open detail screens
        self.traffic: dict[str, tuple[MetricSeries, MetricSeries]] = {}

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield PlainStatic("", id="ep-progress", classes="progress-line")

    async def fetch(self) -> list[Endpoint]:
        endpoints = await self.services.sagemaker.endpoints()
        await self._load_traffic(endpoints)
        return endpoints

    async def _load_traffic(self, endpoints: list[Endpoint]) -> None:
        """Invocations and 5xx over the last hour for every endpoint, summed over its production variants (SageMaker
        publishes them per variant: an A/B endpoint's traffic is split between them), in one GetMetricData; a
        failure here only blanks the column."""
        pairs = [(e.name, v.name) for e in endpoints for v in e.variants]
        try:
            found = await self.services.metrics.series(traffic_specs(pairs), TRAFFIC_WINDOW_S, period=300)
        except AwsError:
            self.traffic = {}
            return
        per_endpoint: dict[str, tuple[list[MetricSeries], list[MetricSeries]]] = {}
        for invocations, errors in zip(found[::2], found[1::2], strict=True):
            name = invocations.label.split("|")[0]
            invocation_parts, error_parts = per_endpoint.setdefault(name, ([], []))
            invocation_parts.append(invocations)
            error_parts.append(errors)
        self.traffic = {
            name: (summed(invocations, f"{name}|inv"), summed(errors, f"{name}|5xx"))
            for name, (invocations, errors) in per_endpoint.items()
        }

    def row_key(self, item: Endpoint) -> str:
        return item.name

    def render_row(self, item: Endpoint, now: datetime) -> tuple[Cell, ...]:
        return endpoint_row(item, now, self.traffic.get(item.name))

    def sort_value(self, column: str, item: Endpoint, cells: tuple[Cell, ...], now: datetime) -> Any:
        if column == "TRAFFIC 1h":  # by invocations in the hour, not by the sparkline's characters
            found = self.traffic.get(item.name)
            return (0, found[0].total if found else -1.0, "")
        if column == "$/H":  # the dearest first, by the figure (not by its text)
            return (0, -(item.price_per_hour or 0.0), "")
        if column in ("AGE", "MODIFIED"):
            when = item.created_at if column == "AGE" else item.modified_at
            return (0, -(when.timestamp() if when else 0.0), "")
        return super().sort_value(column, item, cells, now)

    async def describe_json(self, item: Endpoint) -> str:
        return await self.services.sagemaker.endpoint_json(item.name)

    def drill(self, item: Endpoint) -> None:
        from hybridml.tui.screens.endpoint_detail import EndpointDetailScreen

        self.app.push_screen(EndpointDetailScreen(self.services, item, self))  # the view acts for it

    # -- helpers ----------------------------------------------------------------------------------
    def progress(self, message: str | Text) -> None:
        """The scale progress line, here and on an open endpoint detail (which covers this view)."""
        self.query_one("#ep-progress", Static).update(message)
        for show in list(self.progress_listeners):
            show(message)

    def _clear_progress(self, line: str) -> None:
        """Clear a finished flow's line, unless another flow has written since."""
        if plain_text(self.query_one("#ep-progress", Static)) == line:
            self.progress("")

    def _target(self) -> Endpoint | None:
        item = self.selected
        if item is None:
            self.notify("no endpoint selected", severity="warning")
        return item

    # -- actions (flows.act runs them in a worker) ---------------------------------------------------
    async def act_sagemaker_endpoint_scale(self) -> None:
        target = self._target()
        if target is not None:
            await self.scale(target)

    async def act_sagemaker_endpoint_invoke(self) -> None:
        target = self._target()
        if target is not None:
            await self.invoke(target)

    async def act_sagemaker_endpoint_delete(self) -> None:
        target = self._target()
        if target is not None:
            await self.delete(target)

    async def act_sagemaker_endpoint_weights(self) -> None:
        target = self._target()
        if target is not None:
            await self.weights(target)

    async def invoke(self, endpoint: Endpoint) -> None:
        from hybridml.tui.screens.invoke import InvokeScreen

        await self.app.push_screen(InvokeScreen(self.services, endpoint.name))

    async def delete(self, endpoint: Endpoint) -> None:
        if await sagemaker_flows.delete_endpoint_flow(self, endpoint):
            self.notify(f"endpoint {endpoint.name} deleted", title="deleted")
            self.progress("")
        self.reload()

    async def scale(self, endpoint: Endpoint) -> None:
        """Form, confirm, send, then wait for InService. Several endpoints may be scaled at once."""
        if endpoint.name in self.scaling:
            self.notify(f"{endpoint.name} is already being scaled: wait for it to be InService", severity="warning")
            return
        self.scaling.add(endpoint.name)
        try:
            await self._scale(endpoint)
        finally:
            self.scaling.discard(endpoint.name)

    async def _scale(self, endpoint: Endpoint) -> None:
        label = f"scaling {endpoint.name}"
        started = time.monotonic()
        request = await sagemaker_flows.scale_endpoint_flow(self, endpoint)
        if request is None:
            return
        self.reload()
        if request.desired is None:
            self.progress(Text(f"✓ {label}: autoscaling bounds updated", style="green"))
            self.notify(f"{endpoint.name}: autoscaling bounds updated", title="scaled")
            return
        label = f"scaling {endpoint.name}/{request.variant}"

        def on_status(current: Endpoint, elapsed: float) -> None:
            v = current.variant(request.variant)
            cur = "-" if v is None else v.current_instance_count
            self.progress(f"⟳ {label}: {current.status}  current {cur}, desired {request.desired}  {int(elapsed)}s")

        settings = self.services.settings.sagemaker
        self.progress(f"⟳ {label}: sent, waiting for InService …")
        try:
            done = await self.services.sagemaker.wait_in_service(
                endpoint.name,
                timeout_s=settings.endpoint_wait_s,
                poll_s=settings.endpoint_poll_s,
                on_status=on_status,
                expect={request.variant: request.desired},
            )
        except AwsError as exc:
            self.progress(Text(f"✗ {label}: {exc}", style="bold red"))
            console(self).report_problem(str(exc))
            self.reload()
            return
        took = time.monotonic() - started
        v = done.variant(request.variant)
        count = v.current_instance_count if v is not None else "?"
        done_line = f"✓ {endpoint.name} InService with {count} instances ({took:.0f}s)"
        self.progress(Text(done_line, style="green"))
        self.set_timer(PROGRESS_KEEP_S, lambda: self._clear_progress(done_line))
        self.notify(f"{endpoint.name} is InService with {count} instances", title="scaled")
        self.reload()

    async def weights(self, endpoint: Endpoint) -> None:
        """`w`: the weights form, confirm (every variant's share before -> after), send, then follow the endpoint
        back to InService on the progress line. One flow per endpoint at a time (it shares `scaling`)."""
        if endpoint.name in self.scaling:
            self.notify(f"{endpoint.name} is already being changed: wait for it to be InService", severity="warning")
            return
        self.scaling.add(endpoint.name)
        try:
            await self._weights(endpoint)
        finally:
            self.scaling.discard(endpoint.name)

    async def _weights(self, endpoint: Endpoint) -> None:
        started = time.monotonic()
        sent = await mlops_flows.weights_flow(self, endpoint)
        if sent is None:
            return
        self.reload()
        label = f"weights of {endpoint.name}"
        settings = self.services.settings.sagemaker

        def on_status(current: Endpoint, elapsed: float) -> None:
            self.progress(f"⟳ {label}: {current.status}  {int(elapsed)}s")

        self.progress(f"⟳ {label}: sent, waiting for InService …")
        try:
            done = await self.services.sagemaker.wait_in_service(
                endpoint.name, timeout_s=settings.endpoint_wait_s, poll_s=settings.endpoint_poll_s, on_status=on_status
            )
        except AwsError as exc:
            self.progress(Text(f"✗ {label}: {exc}", style="bold red"))
            console(self).report_problem(str(exc))
            self.reload()
            return
        split = ", ".join(f"{v.name} {v.current_weight:g}" for v in done.variants if v.current_weight is not None)
        done_line = f"✓ {endpoint.name} InService: {split} ({time.monotonic() - started:.0f}s)"
        self.progress(Text(done_line, style="green"))
        self.set_timer(PROGRESS_KEEP_S, lambda: self._clear_progress(done_line))
        self.notify(f"{endpoint.name}: traffic now {split}", title="weights")
        self.reload()

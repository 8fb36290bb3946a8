"""`:endpoints` — SageMaker endpoints: status, capacity, autoscaling; `s` scale, `i` invoke, `ctrl+k` delete."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from hybridml.aws.errors import AwsError, NotFound, translate
from hybridml.aws.metrics import traffic_specs
from hybridml.domain.logs import LogSource
from hybridml.domain.metrics import MetricSeries
from hybridml.domain.sagemaker import Endpoint, ScaleRequest
from hybridml.render.sagemaker import ENDPOINT_COLUMNS, Cell, endpoint_row
from hybridml.services import ReadOnlyRefused
from hybridml.tui.screens.confirm import ConfirmScreen
from hybridml.tui.widgets.plain import PlainStatic
from hybridml.tui.widgets.resource_view import ResourceView

TRAFFIC_WINDOW_S = 3600
PROGRESS_KEEP_S = 30.0  # a finished scale's line stays this long


def plain_text(widget: Static) -> str:
    content = widget.content
    return content.plain if isinstance(content, Text) else str(content)


def scale_body(endpoint: Endpoint, request: ScaleRequest) -> Text:
    """The confirm dialog's before -> after lines."""
    v = endpoint.variant(request.variant)
    text = Text()
    text.append(f"{endpoint.name} / {request.variant}  ({endpoint.status})\n\n", style="bold")
    if request.desired is not None:
        before = "-" if v is None or v.desired_instance_count is None else str(v.desired_instance_count)
        text.append(f"instances     {before}  →  {request.desired}\n")
    if request.min_capacity is not None or request.max_capacity is not None:
        before = v.autoscaling if v is not None else "-"
        lo = request.min_capacity if request.min_capacity is not None else (v.autoscaling_min if v else None)
        hi = request.max_capacity if request.max_capacity is not None else (v.autoscaling_max if v else None)
        text.append(f"autoscaling   {before}  →  {lo}..{hi}\n")
    for warning in request.warnings(v):
        text.append(f"\n⚠ {warning}", style="yellow")
    text.append("\n\nThe endpoint goes to Updating and serves on the old instances until InService again.", style="dim")
    return text


class EndpointsView(ResourceView[Endpoint]):
    kind: ClassVar[str] = "endpoints"
    title: ClassVar[str] = "SageMaker endpoints"
    columns: ClassVar[tuple[str, ...]] = ENDPOINT_COLUMNS
    service: ClassVar[str] = "sagemaker"

    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("s", "scale", "Scale", id="endpoints.scale"),
        Binding("i", "invoke", "Invoke", id="endpoints.invoke"),
        Binding("w", "weights", "Weights", id="endpoints.weights"),
        Binding("ctrl+k", "delete", "Delete", id="endpoints.delete"),
        Binding("l", "app.open_logs", "Logs", id="endpoints.logs"),
    ]

    def log_source(self, item: Endpoint) -> LogSource:
        return LogSource.endpoint(item.name)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scaling: set[str] = set()  # endpoints with a scale flow open or waiting
        self.traffic: dict[str, tuple[MetricSeries, MetricSeries]] = {}

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield PlainStatic("", id="ep-progress", classes="progress-line")

    async def fetch(self) -> list[Endpoint]:
        endpoints = await self.services.sagemaker.endpoints()
        await self._load_traffic(endpoints)
        return endpoints

    async def _load_traffic(self, endpoints: list[Endpoint]) -> None:
        """Invocations and 5xx over the last hour for every endpoint, in one GetMetricData; a failure here
        only blanks the column."""
        pairs = [(e.name, v.name) for e in endpoints if (v := e.variant()) is not None]
        try:
            found = await self.services.metrics.series(traffic_specs(pairs), TRAFFIC_WINDOW_S, period=300)
        except AwsError:
            self.traffic = {}
            return
        self.traffic = {
            invocations.label.split("|")[0]: (invocations, errors)
            for invocations, errors in zip(found[::2], found[1::2], strict=True)
        }

    def row_key(self, item: Endpoint) -> str:
        return item.name

    def render_row(self, item: Endpoint, now: datetime) -> tuple[Cell, ...]:
        return endpoint_row(item, now, self.traffic.get(item.name))

    def sort_value(self, column: str, item: Endpoint, cells: tuple[Cell, ...], now: datetime) -> Any:
        if column == "TRAFFIC 1h":  # by invocations in the hour, not by the sparkline's characters
            found = self.traffic.get(item.name)
            return (0, found[0].total if found else -1.0, "")
        if column in ("AGE", "MODIFIED"):
            when = item.created_at if column == "AGE" else item.modified_at
            return (0, -(when.timestamp() if when else 0.0), "")
        return super().sort_value(column, item, cells, now)

    async def describe_json(self, item: Endpoint) -> str:
        return await self.services.sagemaker.endpoint_json(item.name)

    def drill(self, item: Endpoint) -> None:
        from hybridml.tui.screens.endpoint_detail import EndpointDetailScreen

        self.app.push_screen(EndpointDetailScreen(self.services, item, self))

    # -- helpers ----------------------------------------------------------------------------------
    def progress(self, message: str | Text) -> None:
        """The scale progress line, here and on an open endpoint detail (which covers this view)."""
        self.query_one("#ep-progress", Static).update(message)
        for screen in self.app.screen_stack:
            show = getattr(screen, "show_progress", None)
            if callable(show):
                show(message)

    def _clear_progress(self, line: str) -> None:
        """Clear a finished flow's line, unless another flow has written since."""
        if plain_text(self.query_one("#ep-progress", Static)) == line:
            self.progress("")

    def _writable(self, action: str) -> bool:
        try:
            self.services.check_writable(action)
        except ReadOnlyRefused as exc:
            self.notify(str(exc), title="read-only", severity="error")
            return False
        return True

    def _target(self) -> Endpoint | None:
        item = self.selected
        if item is None:
            self.notify("no endpoint selected", severity="warning")
        return item

    def _problem(self, exc: BaseException) -> None:
        error = translate(exc)
        report = getattr(self.app, "report_problem", None)
        if callable(report):
            report(str(error))
        else:
            self.notify(str(error), severity="error")

    # -- actions ----------------------------------------------------------------------------------
    def action_scale(self, endpoint: Endpoint | None = None) -> None:
        target = endpoint or self._target()
        if target is None or not self._writable("scale endpoint"):
            return
        if target.name in self.scaling:
            self.notify(f"{target.name} is already being scaled: wait for it to be InService", severity="warning")
            return
        self.scale_flow(target)

    def action_invoke(self, endpoint: Endpoint | None = None) -> None:
        from hybridml.tui.screens.invoke import InvokeScreen

        target = endpoint or self._target()
        if target is not None and self._writable("invoke endpoint"):
            self.app.push_screen(InvokeScreen(self.services, target.name))

    def action_weights(self, endpoint: Endpoint | None = None) -> None:
        """`w`: shift traffic between the endpoint's variants (A/B), before -> after, then wait for InService."""
        from hybridml.tui import mlops_actions

        target = endpoint or self._target()
        if target is None or not self._writable("shift endpoint traffic"):
            return
        if len(target.variants) < 2:
            self.notify(f"{target.name} has one variant: there is no traffic to shift", severity="warning")
            return
        mlops_actions.flow(self, mlops_actions.shift_weights(self, target), "endpoint-weights")

    def action_delete(self, endpoint: Endpoint | None = None) -> None:
        target = endpoint or self._target()
        if target is not None and self._writable("delete endpoint"):
            self.delete_flow(target)

    @work(group="endpoint-scale", exit_on_error=False)
    async def scale_flow(self, endpoint: Endpoint) -> None:
        """Form, confirm, send, then wait for InService. Several endpoints may be scaled at once."""
        self.scaling.add(endpoint.name)
        try:
            await self._scale(endpoint)
        finally:
            self.scaling.discard(endpoint.name)

    async def _scale(self, endpoint: Endpoint) -> None:
        from hybridml.tui.screens.scale_form import ScaleScreen

        try:
            endpoint = await self.services.sagemaker.endpoint(endpoint.name)  # decide on fresh numbers
        except AwsError as exc:
            self._problem(exc)
            return
        request = await self.app.push_screen_wait(ScaleScreen(endpoint))
        if request is None:
            return
        confirmed = await self.app.push_screen_wait(
            ConfirmScreen(
                f"Scale endpoint {endpoint.name}?", scale_body(endpoint, request), confirm_label="Scale", danger=False
            )
        )
        if confirmed is None:
            self.progress("")
            return
        label = f"scaling {endpoint.name}/{request.variant}"
        self.progress(f"⟳ {label}: sending …")
        started = time.monotonic()
        try:
            await self.services.sagemaker.scale(self.services, request)
        except (AwsError, ReadOnlyRefused) as exc:
            self.progress(Text(f"✗ {label}: {exc}", style="bold red"))
            self._problem(exc)
            return
        self.reload()
        if request.desired is None:
            self.progress(Text(f"✓ {label}: autoscaling bounds updated", style="green"))
            self.notify(f"{endpoint.name}: autoscaling bounds updated", title="scaled")
            return

        def on_status(current: Endpoint, elapsed: float) -> None:
            v = current.variant(request.variant)
            cur = "-" if v is None else v.current_instance_count
            self.progress(f"⟳ {label}: {current.status}  current {cur}, desired {request.desired}  {int(elapsed)}s")

        settings = self.services.settings.sagemaker
        try:
            done = await self.services.sagemaker.wait_in_service(
                endpoint.name, timeout_s=settings.endpoint_wait_s, poll_s=settings.endpoint_poll_s, on_status=on_status
            )
        except AwsError as exc:
            self.progress(Text(f"✗ {label}: {exc}", style="bold red"))
            self._problem(exc)
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

    @work(exclusive=True, group="endpoint-delete", exit_on_error=False)
    async def delete_flow(self, endpoint: Endpoint) -> None:
        body = Text.assemble(
            (f"Delete endpoint {endpoint.name}?\n\n", "bold"),
            f"status {endpoint.status}, {endpoint.current_instances or 0} instance(s)",
            f" of {endpoint.instance_type or '-'}\n",
            f"config {endpoint.config_name} and its models are kept.\n\n",
            ("Requests to this endpoint fail from now on. This cannot be undone.", "red"),
        )
        confirmed = await self.app.push_screen_wait(
            ConfirmScreen(f"Delete endpoint {endpoint.name}", body, confirm_label="Delete", require_typed=endpoint.name)
        )
        if confirmed is None:
            return
        try:
            await self.services.sagemaker.delete_endpoint(self.services, endpoint.name)
        except NotFound:
            self.notify(f"endpoint {endpoint.name} was already deleted", severity="warning")
        except (AwsError, ReadOnlyRefused) as exc:
            self._problem(exc)
            return
        else:
            self.notify(f"endpoint {endpoint.name} deleted", title="deleted")
        self.progress("")
        self.reload()

"""SageMaker domain objects -> table rows, detail text and sparklines (rich allowed, textual not).

Rich parses a `str` table cell as markup, so every value in a detail table is a `Text` from `render.safe`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from hybridml.domain.metrics import MetricSeries
from hybridml.domain.sagemaker import BatchJobSummary, Endpoint, Invocation, TrainingJob
from hybridml.render.fmt import age, human_duration, per_hour, status_text, truncate
from hybridml.render.safe import TEXT_LIMIT, safe_str, safe_text

Cell = str | Text

ENDPOINT_COLUMNS = (
    "NAME",
    "STATUS",
    "VARIANTS",
    "INSTANCE TYPE",
    "INSTANCES",
    "$/H",
    "AUTOSCALING",
    "TRAFFIC 1h",
    "5XX 1h",
    "AGE",
    "MODIFIED",
    "REASON",
)
TRAINING_COLUMNS = (
    "NAME",
    "STATUS",
    "SECONDARY",
    "INSTANCE TYPE",
    "N",
    "DURATION",
    "BILLABLE",
    "AGE",
    "METRICS",
    "REASON",
)
SMJOB_COLUMNS = ("KIND", "NAME", "STATUS", "AGE", "DURATION", "REASON")
BARS = "▁▂▃▄▅▆▇█"
FINAL_SECONDARY = ("Completed", "Failed", "Stopped", "MaxRuntimeExceeded", "MaxWaitTimeExceeded", "Interrupted")


def spark(values: Sequence[float], width: int = 60) -> str:
    """A one-line sparkline of the last `width` values, scaled to their own min..max."""
    tail = list(values)[-width:]
    if not tail:
        return ""
    lo, hi = min(tail), max(tail)
    if hi - lo < 1e-12:
        return BARS[0 if hi == 0 else 3] * len(tail)
    return "".join(BARS[min(len(BARS) - 1, int((v - lo) / (hi - lo) * (len(BARS) - 1) + 0.5))] for v in tail)


def number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    if unit == "us":
        return f"{value / 1000:.1f}ms"
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if abs(value) >= 10_000:
        return f"{value / 1000:.1f}k"
    return f"{value:.4g}" if value != int(value) else str(int(value))


def counts(endpoint: Endpoint) -> Text:
    cur, want = endpoint.current_instances, endpoint.desired_instances
    shown = f"{'-' if cur is None else cur}/{'-' if want is None else want}"
    return Text(shown, style="yellow" if cur is not None and want is not None and cur != want else "")


def endpoint_row(
    e: Endpoint, now: datetime, traffic: tuple[MetricSeries, MetricSeries] | None = None
) -> tuple[Cell, ...]:
    bounds = ",".join(v.autoscaling for v in e.variants) or "-"
    invocations, errors = traffic if traffic is not None else (None, None)
    trend: Cell = Text(spark(invocations.values, 12), style="cyan") if invocations and invocations.values else "-"
    failed = errors.total if errors is not None else None
    return (
        e.name,
        status_text(e.status),
        str(len(e.variants)),
        truncate(e.instance_type or "-", 24),
        counts(e),
        per_hour(e.price_per_hour),
        bounds,
        trend,
        Text(number(failed), style="bold red") if failed else ("0" if failed == 0 else "-"),
        age(e.created_at, now),
        age(e.modified_at, now),
        truncate(e.failure_reason, 60),
    )


def endpoint_detail(e: Endpoint, now: datetime) -> RenderableType:
    head = _fields()
    _field(head, "Endpoint", e.name)
    _field(head, "Status", status_text(e.status))
    if e.failure_reason:
        _field(head, "Failure", safe_text(e.failure_reason, "red", limit=TEXT_LIMIT))
    _field(head, "Config", e.config_name or "-")
    _field(head, "Created", f"{e.created_at:%Y-%m-%d %H:%M:%S} ({age(e.created_at, now)} ago)" if e.created_at else "-")
    _field(
        head, "Modified", f"{e.modified_at:%Y-%m-%d %H:%M:%S} ({age(e.modified_at, now)} ago)" if e.modified_at else "-"
    )
    _field(head, "ARN", e.arn)
    variants = Table(title="Production variants", title_justify="left", expand=False)
    for col in ("VARIANT", "MODEL", "INSTANCE TYPE", "CURRENT", "DESIRED", "WEIGHT", "AUTOSCALING"):
        variants.add_column(col)
    for v in e.variants:
        variants.add_row(
            *(
                safe_text(value)
                for value in (
                    v.name,
                    v.model_name or "-",
                    v.instance_type or "-",
                    "-" if v.current_instance_count is None else str(v.current_instance_count),
                    "-" if v.desired_instance_count is None else str(v.desired_instance_count),
                    "-" if v.current_weight is None else f"{v.current_weight:g}",
                    v.autoscaling,
                )
            )
        )
    return Group(head, Text(""), variants)


def _fields() -> Table:
    """A two-column grid of labelled values (the head of a detail view)."""
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    return head


def _field(table: Table, label: str, value: str | Text) -> None:
    """One labelled value; a str is sanitised (Rich would parse it as markup)."""
    table.add_row(Text(label), value if isinstance(value, Text) else safe_text(value, limit=TEXT_LIMIT))


def metrics_block(series: Sequence[MetricSeries], window: str, width: int = 60) -> RenderableType:
    title = f"Metrics, last {window}" if window[:1].isdigit() else f"Metrics, {window}" if window else "Metrics"
    table = Table(title=title, title_justify="left", box=None)
    table.add_column("METRIC", style="bold")
    table.add_column("TREND")
    table.add_column("LATEST", justify="right")
    table.add_column("PEAK", justify="right")
    for s in series:
        label = safe_text(s.label, limit=60)  # training metric names are the job's own MetricDefinitions
        if not s.values:
            table.add_row(label, Text("no data in this window", style="dim"), "-", "-")
            continue
        style = "red" if "error" in s.label.lower() and (s.peak or 0) > 0 else "cyan"
        table.add_row(
            label,
            Text(spark(s.values, width), style=style),
            Text(number(s.latest, s.unit_hint)),
            Text(number(s.peak, s.unit_hint)),
        )
    return table


def training_metrics(job: TrainingJob) -> str:
    return ", ".join(f"{name}={value:.4g}" for name, value in job.final_metrics)


def training_row(j: TrainingJob, now: datetime) -> tuple[Cell, ...]:
    return (
        j.name,
        status_text(j.status),
        j.secondary_status,
        j.instance_type or "-",
        str(j.instance_count) if j.instance_count else "-",
        human_duration(j.duration_s(now)),
        human_duration(j.billable_seconds) if j.billable_seconds is not None else "-",
        age(j.created_at, now),
        truncate(training_metrics(j), 30),
        truncate(j.failure_reason, 60),
    )


def training_detail(j: TrainingJob, now: datetime) -> RenderableType:
    head = _fields()
    _field(head, "Training job", j.name)
    _field(head, "Status", Text.assemble(status_text(j.status), f"  ({safe_str(j.secondary_status)})"))
    if j.failure_reason:
        _field(head, "Failure", safe_text(j.failure_reason, "red", limit=TEXT_LIMIT))
    _field(head, "Instances", f"{j.instance_count} x {j.instance_type}" + (" (spot)" if j.spot else ""))
    _field(head, "Duration", human_duration(j.duration_s(now)))
    _field(head, "Billable", human_duration(j.billable_seconds) if j.billable_seconds is not None else "-")
    _field(head, "Max runtime", human_duration(j.max_runtime_s) if j.max_runtime_s else "-")
    _field(head, "Image", j.image or "-")
    _field(head, "Output", j.output_path or "-")
    _field(head, "Final metrics", training_metrics(j) or "-")
    if j.hyperparameters:
        _field(head, "Hyperparameters", ", ".join(f"{k}={v}" for k, v in j.hyperparameters))
    _field(head, "ARN", j.arn)
    steps = Table(title="Secondary status transitions", title_justify="left")
    for col in ("STATUS", "START", "END", "TOOK", "MESSAGE"):
        steps.add_column(col)
    for t in j.transitions:
        final = t.status in FINAL_SECONDARY and t.end is None  # a terminal state has no end and takes no time
        took = (t.end or now) - t.start if t.start and not final else None
        steps.add_row(
            status_text(t.status),
            Text(f"{t.start:%m-%d %H:%M:%S}" if t.start else "-"),
            Text(f"{t.end:%m-%d %H:%M:%S}" if t.end else ("-" if final else "…")),
            Text(human_duration(took.total_seconds()) if took is not None else "-"),
            safe_text(truncate(t.message, 60)),
        )
    return Group(head, Text(""), steps)


def smjob_row(j: BatchJobSummary, now: datetime) -> tuple[Cell, ...]:
    took = ((j.ended_at or now) - j.created_at).total_seconds() if j.created_at else None
    return (
        j.kind,
        j.name,
        status_text(j.status),
        age(j.created_at, now),
        human_duration(took),
        truncate(j.failure_reason, 60),
    )


def invocation_text(result: Invocation) -> RenderableType:
    import json

    head = safe_text(
        f"  {result.latency_ms:.1f} ms  content-type: {result.content_type or '-'}  {len(result.body)} bytes"
        + (f"  variant: {result.invoked_variant}" if result.invoked_variant else "")
    )
    head = Text.assemble(("200 OK", "bold green"), head)
    body = result.text()
    if "json" in result.content_type.lower():
        try:
            body = json.dumps(json.loads(body), indent=2)
        except ValueError:
            pass
    return Group(head, Text(""), safe_text(body, newlines=True, tabsize=8, limit=1_000_000))

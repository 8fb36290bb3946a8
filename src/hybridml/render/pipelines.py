"""Pipelines, executions and steps -> table rows and detail text (rich allowed, textual not).

Every AWS string becomes a `Text` (never markup)."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from hybridml.domain.pipelines import ExecutionDiagnosis, Pipeline, PipelineExecution, PipelineStep
from hybridml.render.fmt import age, human_duration, status_text, truncate
from hybridml.render.safe import escape_text, safe_text

Cell = str | Text

PIPELINE_COLUMNS = ("NAME", "LAST RUN", "STARTED", "DURATION", "FAILED STEP", "RUN NAME", "REASON")
EXECUTION_COLUMNS = ("PIPELINE", "RUN NAME", "STATUS", "STARTED", "DURATION", "FAILED STEP", "EXECUTION", "REASON")
STEP_COLUMNS = ("STEP", "STATUS", "STARTED", "DURATION", "JOB", "REASON")
STATUS_EXTRA = {
    "Executing": "bold green",
    "Succeeded": "green4",
    "CompletedWithFailures": "bold red",
    "Starting": "cyan",
}


def run_status(status: str) -> Text:
    return safe_text(status, style=STATUS_EXTRA[status]) if status in STATUS_EXTRA else status_text(status)


def pipeline_row(p: Pipeline, now: datetime) -> tuple[Cell, ...]:
    e = p.latest
    if e is None:
        return (safe_text(p.name), safe_text("never run", style="dim"), "-", "-", "-", "-", "")
    return (
        safe_text(p.name),
        run_status(e.status),
        age(e.started_at, now),
        human_duration(e.duration_s(now)),
        safe_text(e.failed_step or "-", style="bold red" if e.failed_step else ""),
        safe_text(e.display_name or e.execution_id),
        safe_text(truncate(e.failure_reason, 60)),
    )


def execution_row(e: PipelineExecution, now: datetime) -> tuple[Cell, ...]:
    return (
        safe_text(e.pipeline),
        safe_text(e.display_name or "-"),
        run_status(e.status),
        age(e.started_at, now),
        human_duration(e.duration_s(now)),
        safe_text(e.failed_step or "-", style="bold red" if e.failed_step else ""),
        safe_text(e.execution_id),
        safe_text(truncate(e.failure_reason, 60)),
    )


def step_row(s: PipelineStep, now: datetime) -> tuple[Cell, ...]:
    job = s.job
    what = f"{job.kind}: {job.name}" if job is not None else (s.detail or "-")
    return (
        safe_text(s.display_name or s.name),
        run_status(s.status) if not s.cache_hit else safe_text(f"{s.status} (cached)", style="dim"),
        age(s.started_at, now),
        human_duration(s.duration_s(now)),
        safe_text(truncate(what, 70)),
        safe_text(truncate(s.failure_reason, 80), style="red" if s.failure_reason else ""),
    )


def _when(value: datetime | None, now: datetime) -> str:
    return f"{value:%Y-%m-%d %H:%M:%S} UTC ({age(value, now)} ago)" if value else "-"


def execution_header(e: PipelineExecution, now: datetime) -> RenderableType:
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    head.add_row("Pipeline", safe_text(e.pipeline))
    head.add_row("Run", safe_text(f"{e.display_name or '-'}  ({e.execution_id})"))
    head.add_row("Status", run_status(e.status))
    if e.failure_reason:
        head.add_row("Failure", safe_text(e.failure_reason, style="red"))
    head.add_row("Started", _when(e.started_at, now))
    head.add_row("Duration", human_duration(e.duration_s(now)))
    head.add_row("ARN", safe_text(e.arn))
    return head


def diagnosis_text(d: ExecutionDiagnosis, now: datetime) -> RenderableType:
    """`t` on an execution / `hybridml pipeline diagnose`: the first failed step, its reason and its job."""
    e, step = d.execution, d.failed_step
    out = Text()
    out.append(f"{e.pipeline} / {e.display_name or e.execution_id}: ", style="bold")
    out.append_text(run_status(e.status))
    out.append(f"  (started {age(e.started_at, now)} ago, ran {human_duration(e.duration_s(now))})\n\n")
    if step is None:
        if e.failed:
            out.append("No step reports Failed", style="yellow")
            out.append(f"; the execution says: {e.failure_reason or 'no reason given'}\n")
        else:
            out.append("Nothing failed in this execution.\n", style="green")
        return escape_text(out, newlines=True)
    out.append("First failed step: ", style="bold")
    out.append(step.display_name or step.name, style="bold red")
    out.append(f"  (started {age(step.started_at, now)} ago, ran {human_duration(step.duration_s(now))}")
    out.append(f", attempt {step.attempts})\n" if step.attempts else ")\n")
    out.append("FailureReason: ", style="bold")
    out.append(f"{step.failure_reason or 'none given'}\n", style="red")
    if step.job is not None:
        out.append(f"It ran {step.job.kind} job ", style="bold")
        out.append(f"{step.job.name}\n")
        if step.job.log_source is not None:
            out.append(f"Logs: press l (or `hybridml logs {step.job.log_source}`)\n", style="cyan")
    later = [s for s in d.steps if s is not step and s.status == "Failed"]
    if later:
        out.append(f"\nAlso failed: {', '.join(s.name for s in later)}\n", style="dim")
    return escape_text(out, newlines=True)


def steps_table(steps: tuple[PipelineStep, ...], now: datetime) -> RenderableType:
    """The steps as a rich table (for non-interactive output)."""
    table = Table(title="Steps", title_justify="left")
    for col in STEP_COLUMNS:
        table.add_column(col)
    for s in sorted(steps, key=lambda s: s.started_at.timestamp() if s.started_at else 0.0):
        table.add_row(*step_row(s, now))
    return Group(table)

"""Tuning jobs and the training jobs they launched -> rows and detail text."""

from __future__ import annotations

from datetime import datetime

from rich.table import Table
from rich.text import Text

from hybridml.domain.prices import cost
from hybridml.domain.tuning import TuningJob, TuningTrainingJob, instance_seconds
from hybridml.render.fmt import age, human_duration, status_text, truncate
from hybridml.render.safe import safe_text

Cell = str | Text

# JOBS: training jobs completed / running / failed
TUNING_COLUMNS = ("NAME", "STATUS", "OBJECTIVE", "BEST", "JOBS", "RUNTIME", "$/h", "BEST JOB", "AGE", "STRATEGY")
TRIAL_COLUMNS = ("RANK", "TRAINING JOB", "STATUS", "OBJECTIVE", "DURATION", "HYPERPARAMETERS", "REASON")


def objective_label(job: TuningJob) -> str:
    if not job.objective_metric:
        return "-"
    arrow = {"Maximize": "↑", "Minimize": "↓"}.get(job.objective_type, "")
    return f"{job.objective_metric}{arrow}"


def value(v: float | None) -> str:
    return "-" if v is None else f"{v:.4g}"


def money(v: float | None) -> str:
    return "-" if v is None else f"{v:,.2f}"


def tuning_row(j: TuningJob, now: datetime) -> tuple[Cell, ...]:
    failing = j.every_job_failing and not j.finished
    jobs = safe_text(f"{j.completed}/{j.in_progress}/")
    jobs.append(str(j.failed), style="bold red" if failing else ("yellow" if j.failed else ""))
    return (
        safe_text(j.name),
        status_text(j.status),
        safe_text(objective_label(j)),
        value(j.best_value),
        jobs,
        human_duration(j.duration_s(now)),
        money(j.price_per_hour) if j.in_progress else "-",
        safe_text(j.best_training_job or "-"),
        age(j.created_at, now),
        safe_text(j.strategy or "-"),
    )


def tuning_header(j: TuningJob, trials: list[TuningTrainingJob], now: datetime) -> Table:
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    head.add_row("Tuning job", safe_text(j.name))
    head.add_row("Status", Text.assemble(status_text(j.status), f"  ({j.strategy or '-'})"))
    if j.failure_reason:
        head.add_row("Failure", safe_text(j.failure_reason, style="red"))
    head.add_row(
        "Objective", safe_text(f"{objective_label(j)}  best {value(j.best_value)} ({j.best_training_job or '-'})")
    )
    limits = f" of max {j.max_jobs}" if j.max_jobs else ""
    parallel = f", {j.max_parallel} at a time" if j.max_parallel else ""
    head.add_row(
        "Training jobs",
        safe_text(
            f"{j.completed} completed, {j.in_progress} running, {j.failed} failed, {j.stopped} stopped"
            f"{limits}{parallel}",
            style="bold red" if j.every_job_failing else "",
        ),
    )
    used = instance_seconds(trials, now, j.instance_count)
    spent = cost(j.instance_type, used)
    head.add_row("Instances", safe_text(f"{max(1, j.instance_count)} x {j.instance_type or '-'} per training job"))
    head.add_row(
        "Consumed",
        f"{human_duration(j.duration_s(now))} wall clock, {used / 3600:.1f} instance-hours"
        + (f" (~${spent:,.2f} on demand)" if spent is not None else ""),
    )
    if j.in_progress and j.price_per_hour is not None:
        head.add_row("Burning now", safe_text(f"${j.price_per_hour:,.2f}/h ({j.in_progress} running)", style="yellow"))
    head.add_row("ARN", safe_text(j.arn))
    return head


def trial_row(rank: int | None, t: TuningTrainingJob, now: datetime) -> tuple[Cell, ...]:
    return (
        str(rank) if rank is not None else "-",
        safe_text(t.name),
        status_text(t.status),
        value(t.objective_value),
        human_duration(t.duration_s(now)),
        safe_text(truncate(", ".join(f"{k}={v}" for k, v in t.tuned), 50)),
        safe_text(truncate(t.failure_reason, 80), style="red" if t.failure_reason else ""),
    )

"""Model Monitor schedules, executions and violation reports -> rows and detail text."""

from __future__ import annotations

from datetime import datetime

from rich.table import Table
from rich.text import Text

from hybridml.domain.monitoring import MonitoringExecution, MonitoringSchedule, ViolationReport
from hybridml.render.fmt import age, human_duration, status_text, truncate
from hybridml.render.safe import escape_text, safe_text

Cell = str | Text

MONITOR_COLUMNS = ("NAME", "LAST RUN", "RESULT", "VIOL", "ENDPOINT", "TYPE", "STATUS", "SCHEDULE", "REASON")
MONITOR_EXECUTION_COLUMNS = ("SCHEDULED", "RESULT", "VIOL", "TOOK", "PROCESSING JOB", "REASON")
RESULT_STYLES = {"CompletedWithViolations": "bold yellow", "Completed": "green4", "Failed": "bold red"}
SCHEDULE_STYLES = {"Scheduled": "green", "Pending": "cyan", "Failed": "bold red", "Stopped": "grey62"}


def result_text(status: str) -> Text:
    return safe_text(status, style=RESULT_STYLES[status]) if status in RESULT_STYLES else status_text(status)


def violations_cell(execution: MonitoringExecution | None) -> Text:
    if execution is None or execution.violations is None:
        return safe_text("-")
    return safe_text(str(execution.violations), style="bold yellow" if execution.violations else "")


def monitor_row(s: MonitoringSchedule, now: datetime) -> tuple[Cell, ...]:
    last = s.last
    reason = s.failure_reason or (last.failure_reason if last else "")
    return (
        safe_text(s.name),
        age(last.scheduled_at, now) if last else "-",
        result_text(last.status) if last else safe_text("no run yet", style="dim"),
        violations_cell(last),
        safe_text(s.endpoint or "-"),
        safe_text(s.monitoring_type or "-"),
        safe_text(s.status, style=SCHEDULE_STYLES.get(s.status, "")),
        safe_text(s.schedule_expression or "-"),
        safe_text(truncate(reason, 60), style="red" if reason else ""),
    )


def monitor_execution_row(e: MonitoringExecution, now: datetime) -> tuple[Cell, ...]:
    took = (e.modified_at - e.created_at).total_seconds() if e.finished and e.modified_at and e.created_at else None
    return (
        age(e.scheduled_at, now),
        result_text(e.status),
        violations_cell(e),
        human_duration(took),
        safe_text(e.processing_job or "-"),
        safe_text(truncate(e.failure_reason, 80), style="red" if e.failure_reason else ""),
    )


def monitor_header(s: MonitoringSchedule, now: datetime) -> Table:
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    head.add_row("Schedule", safe_text(s.name))
    head.add_row("Status", safe_text(s.status, style=SCHEDULE_STYLES.get(s.status, "")))
    head.add_row("Endpoint", safe_text(s.endpoint or "-"))
    head.add_row("Type", safe_text(s.monitoring_type or "-"))
    head.add_row("Cron", safe_text(s.schedule_expression or "-"))
    if s.failure_reason:
        head.add_row("Failure", safe_text(s.failure_reason, style="red"))
    head.add_row("Created", f"{age(s.created_at, now)} ago")
    head.add_row("ARN", safe_text(s.arn))
    return head


def report_text(e: MonitoringExecution, report: ViolationReport | None, now: datetime) -> Text:
    """`t` on a monitoring execution: why it failed, or where its violations report is and the first ones."""
    out = Text()
    out.append(f"{e.schedule}: run scheduled {age(e.scheduled_at, now)} ago — ", style="bold")
    out.append_text(result_text(e.status))
    out.append("\n\n")
    if e.status == "Failed":
        out.append("FailureReason: ", style="bold")
        out.append(f"{e.failure_reason or 'none given'}\n", style="red")
        if "no data" in e.failure_reason.lower():
            out.append(
                "The endpoint captured no requests in the analysed window: check that data capture is enabled on "
                f"{e.endpoint or 'the endpoint'} (EnableCapture in its endpoint config) and that it served traffic.\n",
                style="cyan",
            )
        if e.processing_job:
            out.append(f"Logs: press l (processing job {e.processing_job})\n", style="cyan")
        return escape_text(out, newlines=True)
    if report is None:
        out.append("reading the violations report …\n", style="dim")
        return escape_text(out, newlines=True)
    if report.location:
        out.append("Report: ", style="bold")
        out.append(f"{report.location}\n")
    if report.error:
        out.append(f"cannot read it: {report.error}\n", style="red")
        return escape_text(out, newlines=True)
    if not report.total:
        out.append("No violations.\n", style="green")
        return escape_text(out, newlines=True)
    shown = len(report.violations)
    out.append(f"{report.total} violation(s)" + (f", the first {shown}:" if shown < report.total else ":") + "\n\n")
    for v in report.violations:
        out.append(f"• {v.feature or '(dataset)'}", style="bold")
        out.append(f"  {v.check_type}\n", style="yellow")
        out.append(f"  {v.description}\n")
    return escape_text(out, newlines=True)

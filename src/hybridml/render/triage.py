"""Findings and workloads -> table rows and a readable explanation (rich only)."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from hybridml.domain.triage import Finding, Severity, Workload
from hybridml.render.fmt import age, per_hour, status_text, truncate
from hybridml.render.safe import TEXT_LIMIT, safe_text

Cell = str | Text

SEVERITY_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
FINDING_COLUMNS = ("SEV", "KIND", "NAME", "CAUSE", "SUMMARY", "FIX KEY")
# COST/H before the wide WHERE column: on screen at 80 columns
WORKLOAD_COLUMNS = ("KIND", "NAME", "STATUS", "AGE", "COST/H", "WHERE", "INSTANCE TYPE", "DETAIL")


def severity_text(severity: Severity) -> Text:
    return Text(severity.label, style=SEVERITY_STYLES[severity])


def finding_row(f: Finding) -> tuple[Cell, ...]:
    return (
        severity_text(f.severity),
        f.resource_kind,
        f.resource_name,
        f.cause,
        truncate(f.summary, 80),
        f"a: {f.action.label}" if f.action else "",
    )


def finding_sort_key(column: str, f: Finding) -> object:
    if column == "SEV":
        return -int(f.severity)
    return {
        "KIND": f.resource_kind,
        "NAME": f.resource_name.lower(),
        "CAUSE": f.cause,
        "SUMMARY": f.summary,
        "FIX KEY": f.action is None,
    }.get(column, f.resource_name)


def workload_row(w: Workload, now: datetime) -> tuple[Cell, ...]:
    return (
        w.kind,
        w.name,
        status_text(w.status),
        age(w.created_at, now),
        per_hour(w.hourly),
        truncate(w.where, 40),
        truncate(w.instance_type, 36) if w.instance_known else Text(truncate(w.instance_type, 36), style="dim"),
        truncate(w.detail, 50),
    )


def workload_sort_key(column: str, w: Workload, now: datetime) -> object:
    if column == "AGE":
        return w.age_s(now) or 0.0
    return {
        "KIND": w.kind,
        "NAME": w.name.lower(),
        "STATUS": w.status,
        "WHERE": w.where,
        "INSTANCE TYPE": w.instance_type,
        "COST/H": -(w.hourly or 0.0),  # the dearest first
        "DETAIL": w.detail,
    }.get(column, w.name)


def explanation(findings: list[Finding], selected: int = -1) -> Text:
    """Each finding: severity and cause, what is wrong, the evidence read, the fix and its key."""
    out = Text()

    def line(value: Text) -> None:
        out.append_text(value)
        out.append("\n")

    if not findings:
        out.append("No problem found", style="bold green")
        out.append(": nothing in Batch or SageMaker explains a stuck state right now.\n")
        return out
    for i, f in enumerate(findings):
        marker = "▶ " if i == selected else "  "
        out.append(marker)
        out.append(f"{f.severity.label.upper():<8}", style=SEVERITY_STYLES[f.severity])
        line(safe_text(f.cause, "bold"))
        line(safe_text(f"    {f.summary}", limit=TEXT_LIMIT))
        for key, value in f.evidence:  # evidence quotes AWS: one escaped line each
            out.append_text(safe_text(f"      {key}: ", "dim"))
            line(safe_text(value, limit=TEXT_LIMIT))
        out.append("    fix: ", style="bold green")
        line(safe_text(f.fix, limit=TEXT_LIMIT))
        if f.action is not None:
            out.append("    press a", style="bold magenta")
            line(safe_text(f" to {f.action.label}" + (" (selected)" if i == selected else "")))
        out.append("\n")
    return out

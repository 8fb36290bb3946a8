"""Model package groups and versions -> rows."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from hybridml.domain.registry import ModelPackage, ModelPackageGroup
from hybridml.render.fmt import age, status_text, truncate
from hybridml.render.safe import safe_text

Cell = str | Text

GROUP_COLUMNS = ("GROUP", "VERSIONS", "LATEST", "LATEST STATUS", "APPROVED", "PENDING", "AGE", "DESCRIPTION")
PACKAGE_COLUMNS = ("GROUP", "VERSION", "APPROVAL", "STATUS", "AGE", "DESCRIPTION")
APPROVAL_STYLES = {"Approved": "bold green", "Rejected": "grey62", "PendingManualApproval": "bold yellow"}


def approval_text(approval: str) -> Text:
    return safe_text(approval or "-", style=APPROVAL_STYLES.get(approval, ""))


def group_row(g: ModelPackageGroup, now: datetime) -> tuple[Cell, ...]:
    latest, approved = g.latest, g.latest_approved
    return (
        safe_text(g.name),
        str(len(g.versions)),
        f"v{latest.version}" if latest and latest.version is not None else "-",
        approval_text(latest.approval) if latest else safe_text("-"),
        f"v{approved.version}" if approved and approved.version is not None else "-",
        safe_text(str(g.pending), style="bold yellow" if g.pending else ""),
        age(g.created_at, now),
        safe_text(truncate(g.description, 60)),
    )


def package_row(p: ModelPackage, now: datetime) -> tuple[Cell, ...]:
    return (
        safe_text(p.group),
        str(p.version) if p.version is not None else "-",
        approval_text(p.approval),
        status_text(p.status),
        age(p.created_at, now),
        safe_text(truncate(p.description, 60)),
    )

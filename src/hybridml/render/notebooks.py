"""Notebook instances and Studio apps -> rows (with what they cost)."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from hybridml.domain.notebooks import STUDIO, Notebook
from hybridml.render.fmt import age, human_duration, status_text
from hybridml.render.safe import safe_text

Cell = str | Text

NOTEBOOK_COLUMNS = ("NAME", "STATUS", "INSTANCE TYPE", "RUNNING", "$/h", "SO FAR", "KIND", "DOMAIN", "AGE")


def notebook_row(n: Notebook, now: datetime, idle_after_h: float = 0.0) -> tuple[Cell, ...]:
    running = n.running_s(now)
    long = bool(idle_after_h) and running is not None and running >= idle_after_h * 3600
    price, spent = n.price_per_hour, n.cost_so_far(now)
    return (
        safe_text(n.label),
        status_text(n.status),
        safe_text(n.instance_type or "-"),
        safe_text(human_duration(running), style="bold yellow" if long else "") if running is not None else "-",
        f"{price:.3f}" if price is not None and n.running else "-",
        f"{spent:,.2f}" if spent is not None else "-",
        safe_text(n.app_type if n.kind == STUDIO else "instance"),
        safe_text(n.domain_id or "-"),
        age(n.created_at, now),
    )

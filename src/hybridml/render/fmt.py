"""Durations, ages, sizes and status colours."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from hybridml.render.safe import safe_text

STATUS_STYLES: dict[str, str] = {
    # Batch
    "SUBMITTED": "grey62",
    "PENDING": "khaki1",
    "RUNNABLE": "yellow",
    "STARTING": "cyan",
    "RUNNING": "bold green",
    "SUCCEEDED": "green4",
    "FAILED": "bold red",
    # states of CEs / queues
    "ENABLED": "green",
    "DISABLED": "grey50",
    "VALID": "green",
    "INVALID": "bold red",
    "CREATING": "cyan",
    "UPDATING": "cyan",
    "DELETING": "magenta",
    # SageMaker
    "InService": "bold green",
    "Creating": "cyan",
    "Updating": "cyan",
    "SystemUpdating": "cyan",
    "RollingBack": "yellow",
    "OutOfService": "yellow",
    "Deleting": "magenta",
    "Failed": "bold red",
    "InProgress": "bold green",
    "Completed": "green4",
    "Stopping": "yellow",
    "Stopped": "grey62",
}


def status_text(status: str) -> Text:
    """A status in its colour; an unknown one (whatever a server sent) is plain, sanitised text."""
    style = STATUS_STYLES.get(status)
    return Text(status, style=style) if style is not None else safe_text(status, limit=64)


def human_duration(seconds: float | None) -> str:
    """`42s`, `3m12s`, `5h07m`, `2d03h` — k9s style, fits a narrow column."""
    if seconds is None:
        return "-"
    s = int(max(0, seconds))
    if s < 60:
        return f"{s}s"
    m, s = divmod(s, 60)
    if m < 60:
        return f"{m}m{s:02d}s"
    h, m = divmod(m, 60)
    if h < 48:
        return f"{h}h{m:02d}m"
    d, h = divmod(h, 24)
    return f"{d}d{h:02d}h"


def age(when: datetime | None, now: datetime) -> str:
    return "-" if when is None else human_duration((now - when).total_seconds())


def mib(value: int) -> str:
    if value <= 0:
        return "-"
    return f"{value / 1024:.1f}G" if value >= 1024 else f"{value}M"


def vcpus(value: float) -> str:
    if value <= 0:
        return "-"
    return f"{value:g}"


def truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"

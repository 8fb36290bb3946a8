"""Durations, ages, sizes and status colours."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from hybridml.domain.units import human_duration, mib, vcpus
from hybridml.render.safe import safe_text

__all__ = ["STATUS_STYLES", "age", "human_duration", "mib", "status_text", "truncate", "vcpus"]

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


def age(when: datetime | None, now: datetime) -> str:
    return "-" if when is None else human_duration((now - when).total_seconds())


def truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def per_hour(value: float | None) -> str:
    """`$1.47` an hour; `-` when it is not running or has no catalogue price."""
    return "-" if value is None else f"${value:,.2f}" if value >= 1 else f"${value:.3f}"

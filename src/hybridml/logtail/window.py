"""Time windows for logs: `--since 10m` / `1h` / `2d` / `start`, and line formatting shared by the views."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

from hybridml.domain.logs import LogEvent

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhd])$", re.IGNORECASE)
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}
START = ("start", "all", "beginning", "0")


def parse_since(text: str | None, now_ms: int | None = None) -> int | None:
    """Epoch ms to read from; None = from the start of the streams. Raises ValueError with a clear message."""
    if text is None:
        return None
    value = text.strip()
    if value.lower() in START:
        return None
    now = int(time.time() * 1000) if now_ms is None else now_ms
    match = _DURATION.match(value)
    if match:
        return now - int(float(match.group(1)) * _UNIT_S[match.group(2).lower()] * 1000)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"--since '{text}': use e.g. 30s, 10m, 1h, 2d, start, or an ISO time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def stamp(ms: int) -> str:
    """`2026-11-24T09:18:05.123Z`"""
    moment = datetime.fromtimestamp(ms / 1000.0, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def plain_line(event: LogEvent, *, timestamps: bool, tags: bool) -> str:
    parts = []
    if timestamps:
        parts.append(stamp(event.timestamp_ms))
    if tags and event.label:
        parts.append(event.label)
    parts.append(event.message)
    return " ".join(parts)

"""CloudWatch Logs events."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LogEvent:
    timestamp_ms: int
    message: str
    stream: str = ""
    ingestion_ms: int = 0
    event_id: str = ""

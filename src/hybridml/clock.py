"""The wall clock, read in one place: views, detail screens and age bounds call `utcnow()` through this module,
so a test can pin it (`monkeypatch.setattr(clock, "utcnow", ...)`) and ages render the same on every run."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)

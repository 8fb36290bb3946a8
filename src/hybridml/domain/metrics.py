"""CloudWatch metric series as frozen dataclasses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

WINDOWS: dict[str, int] = {"1h": 3600, "6h": 6 * 3600, "24h": 24 * 3600}  # key -> seconds
POINTS = 60  # one period per sparkline cell, roughly


def period_for(window_s: int, points: int = POINTS) -> int:
    """A CloudWatch period giving about `points` values over the window: 60 s, or a multiple of 300 s
    (the resolution 5-minute metrics are kept at) for longer windows."""
    raw = window_s / points
    if raw <= 60:
        return 60
    return max(300, round(raw / 300) * 300)


@dataclass(frozen=True, slots=True)
class MetricSpec:
    """One metric to fetch: namespace, name, dimensions and the statistic."""

    label: str
    namespace: str
    name: str
    dimensions: tuple[tuple[str, str], ...]
    stat: str = "Sum"
    unit_hint: str = ""


@dataclass(frozen=True, slots=True)
class MetricSeries:
    label: str
    timestamps: tuple[datetime, ...]
    values: tuple[float, ...]
    stat: str = ""
    unit_hint: str = ""

    @property
    def latest(self) -> float | None:
        return self.values[-1] if self.values else None

    @property
    def peak(self) -> float | None:
        return max(self.values) if self.values else None

    @property
    def total(self) -> float:
        return float(sum(self.values))


def summed(parts: Sequence[MetricSeries], label: str) -> MetricSeries:
    """Series of a Sum statistic added point by point (a timestamp missing from one part counts 0 there): e.g. an
    endpoint's Invocations over all its production variants, which SageMaker publishes per variant."""
    totals: dict[datetime, float] = {}
    for part in parts:
        for when, value in zip(part.timestamps, part.values, strict=False):
            totals[when] = totals.get(when, 0.0) + value
    first = parts[0] if parts else None
    points = sorted(totals.items())
    return MetricSeries(
        label=label,
        timestamps=tuple(when for when, _ in points),
        values=tuple(value for _, value in points),
        stat=first.stat if first else "Sum",
        unit_hint=first.unit_hint if first else "",
    )

"""Durations, sizes and vCPU counts in words: what triage explains and render shows (one definition)."""

from __future__ import annotations


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


def mib(value: int) -> str:
    if value <= 0:
        return "-"
    return f"{value / 1024:.1f}G" if value >= 1024 else f"{value}M"


def vcpus(value: float) -> str:
    if value <= 0:
        return "-"
    return f"{value:g}"


def short_duration(seconds: float | None) -> str:
    """`4.2s` under ten seconds (an invocation, a demo queue wait), else `human_duration`."""
    if seconds is not None and seconds < 10:
        return f"{max(0.0, seconds):.1f}s"
    return human_duration(seconds)


def usd(value: float | None) -> str:
    """`$0.0012`, `$3.45`, `$1,234`: a cost estimate."""
    if value is None:
        return "-"
    if value >= 100:
        return f"${value:,.0f}"
    return f"${value:.2f}" if value >= 1 else f"${value:.4f}"

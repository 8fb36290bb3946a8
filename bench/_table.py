"""Printing bench figures as one aligned table: metric, value, target, verdict."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    metric: str
    value: str
    target: str = ""
    ok: bool | None = None  # None: no target
    peer: str = ""  # what the peers (or the spread) measured in the same run


def print_table(title: str, rows: list[Row]) -> None:
    width = max(len(r.metric) for r in rows)
    vwidth = max(len(r.value) for r in rows)
    twidth = max((len(r.target) for r in rows), default=0)
    print(f"\n== {title} ==")
    for r in rows:
        verdict = "" if r.ok is None else ("ok" if r.ok else "MISSED")
        line = f"  {r.metric:<{width}}  {r.value:>{vwidth}}  {r.target:<{twidth}}  {verdict:<6}  {r.peer}"
        print(line.rstrip())


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM), in MiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

"""Fleet scale over a slow link: the figures of issue 18, each beside its target and, where there is one, the
peers measured in the same run. Every call goes through a fault proxy that adds 50 ms, and the fleet answers
with AWS's documented page sizes (fleet/patches_paging.py). Two fleets, seeded in their own process:

- BIG: 10,000 Batch jobs in 12 queues, 200 endpoints, 1,000 training jobs: first rows of the real TUI (pty),
  one full refresh (calls and wall time) against a sequential CLI-style loop and a threaded boto3 script with
  the app's concurrency, and 3 minutes of the TUI idle on `:jobs` counted at the proxy, with staleness;
- HUGE: 100,000 jobs in 12 queues: first rows (pty), then in a Pilot-driven app (bench/_app_probe.py) cursor
  keys, typing a filter and clearing it while the app refreshes, peak RSS and idle CPU.

`python -m bench --quick` (or HYBRIDML_BENCH_QUICK=1) uses 2,000 / 20,000 jobs and shorter windows, for
development only: its figures are not the ones to report.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

from bench import _fleet
from bench._pty import first_rows_s
from bench._reads import Peer, app_refresh
from bench._table import Row, print_table

QUICK = os.environ.get("HYBRIDML_BENCH_QUICK") == "1" or "--quick" in sys.argv
BIG, HUGE = (2_000, 20_000) if QUICK else (10_000, 100_000)
QUEUES, ENDPOINTS, TRAINING, LATENCY_S = 12, 200, 1000, 0.05
IDLE_S = 30.0 if QUICK else 180.0
IDLE_CPU_S = 10.0 if QUICK else 60.0
PTY_RUNS = 2 if QUICK else 5
REGION = "us-east-1"
CONCURRENCY = 8  # [aws] max_concurrency's default: the threaded peer gets the same


def build_services(url: str, **settings: Any) -> Any:
    from hybridml.config import Settings
    from hybridml.fleet.server import DEMO_ACCESS_KEY, DEMO_SECRET_KEY
    from hybridml.services import Services

    return Services.build(
        Settings(audit_log="", **settings),
        region=REGION,
        endpoint_url=url,
        static_credentials=(DEMO_ACCESS_KEY, DEMO_SECRET_KEY),
    )


def keys() -> tuple[str, str]:
    from hybridml.fleet.server import DEMO_ACCESS_KEY, DEMO_SECRET_KEY

    return DEMO_ACCESS_KEY, DEMO_SECRET_KEY


def pty_first_rows(url: str) -> list[float]:
    access, secret = keys()
    with tempfile.TemporaryDirectory() as home:  # no developer config, no audit log in $HOME
        env = {
            "AWS_ACCESS_KEY_ID": access,
            "AWS_SECRET_ACCESS_KEY": secret,
            "AWS_REGION": REGION,
            "XDG_CONFIG_HOME": home,
            "HOME": home,
        }
        return [first_rows_s(["--endpoint-url", url], env) for _ in range(PTY_RUNS)]


async def _app_refreshes(url: str, runs: int) -> dict[str, Any]:
    services = build_services(url)
    meter = services.session.requests
    try:
        cold_sent, started = meter.total, time.perf_counter()
        counts = await app_refresh(services)  # the first screen's reads: caches fill
        cold = (time.perf_counter() - started, meter.total - cold_sent)
        times, calls = [], []
        for _ in range(runs):
            sent, started = meter.total, time.perf_counter()
            counts = await app_refresh(services)
            times.append(time.perf_counter() - started)
            calls.append(meter.total - sent)
        return {"s": statistics.median(times), "calls": statistics.median(calls), "cold": cold, "counts": counts}
    finally:
        await services.close()


def full_refresh(fleet: _fleet.FleetProcess) -> dict[str, Any]:
    import asyncio

    app = asyncio.run(_app_refreshes(fleet.proxy, 3))
    peers = {}
    for name, workers, runs in (("threaded", CONCURRENCY, 3), ("sequential", 1, 1)):
        times, calls, counts = [], [], {}
        for _ in range(runs):
            peer = Peer(fleet.proxy, REGION, keys(), workers)
            started = time.perf_counter()
            counts = peer.refresh()
            times.append(time.perf_counter() - started)
            calls.append(peer.calls)
        peers[name] = {"s": statistics.median(times), "calls": statistics.median(calls), "counts": counts}
    return {"app": app, **peers}


def idle(fleet: _fleet.FleetProcess) -> dict[str, Any]:
    """The TUI idle on :jobs for IDLE_S, its requests counted at the proxy (after its first load)."""
    probe = subprocess.Popen(
        [sys.executable, "-m", "bench._idle_probe", fleet.proxy, fleet.moto, "--seconds", str(IDLE_S)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert probe.stdout is not None
    line = probe.stdout.readline()
    if line.strip() != "LOADED":
        probe.wait()
        raise RuntimeError(f"idle probe failed before loading: {line!r}")
    fleet.reset()
    started = time.perf_counter()
    line = probe.stdout.readline()
    elapsed = time.perf_counter() - started
    calls = fleet.calls()
    probe.wait()
    figures: dict[str, Any] = json.loads(line)
    figures["per_min"] = calls["total"] * 60 / elapsed
    figures["by_operation"] = calls["by_operation"]
    return figures


def app_probe(fleet: _fleet.FleetProcess) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench._app_probe", fleet.proxy, "--idle-cpu-s", str(IDLE_CPU_S)],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if done.returncode != 0:
        print(done.stdout, done.stderr, file=sys.stderr)
        raise SystemExit(f"app probe failed ({done.returncode})")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def spread(values: list[float]) -> str:
    return f"min {min(values):.2f} / max {max(values):.2f} s"


def main() -> None:
    loads = [os.getloadavg()[0]]
    print(f"seeding {BIG:,} jobs, {QUEUES} queues, {ENDPOINTS} endpoints, {TRAINING:,} training jobs", flush=True)
    fleet = _fleet.start(BIG, QUEUES, ENDPOINTS, TRAINING, LATENCY_S)
    try:
        big_paint = pty_first_rows(fleet.proxy)
        refresh = full_refresh(fleet)
        quiet = idle(fleet)
    finally:
        fleet.stop()
    loads.append(os.getloadavg()[0])
    print(f"seeding {HUGE:,} jobs ...", flush=True)
    fleet = _fleet.start(HUGE, QUEUES, ENDPOINTS, TRAINING, LATENCY_S)
    try:
        huge_paint = pty_first_rows(fleet.proxy)
        tui = app_probe(fleet)
    finally:
        fleet.stop()
    loads.append(os.getloadavg()[0])

    app, threaded, sequential = refresh["app"], refresh["threaded"], refresh["sequential"]
    target_paint = 1.5
    ms50 = "<= 50 ms"
    fewer = app["calls"] < min(threaded["calls"], sequential["calls"])
    rows = [
        Row(f"fleets (+{LATENCY_S * 1000:.0f} ms a call, documented page sizes)", f"{BIG:,} / {HUGE:,} jobs",
            peer=f"{QUEUES} queues, {ENDPOINTS} endpoints, {TRAINING:,} training jobs"),
        Row(f"first rows drawn, {BIG // 1000}k jobs (pty, median of {PTY_RUNS})",
            f"{statistics.median(big_paint):.2f} s", f"<= {target_paint} s",
            statistics.median(big_paint) <= target_paint, spread(big_paint)),
        Row(f"first rows drawn, {HUGE // 1000}k jobs (pty, median of {PTY_RUNS})",
            f"{statistics.median(huge_paint):.2f} s", f"<= {target_paint} s",
            statistics.median(huge_paint) <= target_paint, spread(huge_paint)),
        Row(f"  (Pilot) all {tui['rows']:,} rows loaded", f"{tui['full_load_s']:.1f} s"),
        Row(f"cursor key -> repaint p95, {HUGE // 1000}k, refreshing", f"{tui['cursor_p95_ms']:.0f} ms", ms50,
            tui["cursor_p95_ms"] <= 50, f"p50 {tui['cursor_p50_ms']:.0f} / max {tui['cursor_max_ms']:.0f} ms, "
            f"n={tui['cursor_n']:.0f}"),
        Row(f"filter keystroke -> result p95, {HUGE // 1000}k, refreshing", f"{tui['filter_p95_ms']:.0f} ms", ms50,
            tui["filter_p95_ms"] <= 50 and tui["filter_n"] > 0,
            f"p50 {tui['filter_p50_ms']:.0f} / max {tui['filter_max_ms']:.0f} ms, n={tui['filter_n']:.0f}, "
            f"{tui['filter_matches']} rows match"),
        Row("clear the filter -> all rows back", f"{tui['clear_p95_ms']:.0f} ms", ms50,
            0 <= tui["clear_p95_ms"] <= 50),
        Row("  share of key samples taken during a refresh", f"{tui['share_of_keys_during_refresh']:.0%}",
            peer=f"full GC passes {tui['gc_full_passes']}, longest {tui['gc_longest_ms']:.0f} ms"),
        Row(f"peak RSS, {HUGE // 1000}k jobs", f"{tui['rss_mb']:.0f} MB", "<= 300 MB", tui["rss_mb"] <= 300),
        Row(f"idle TUI CPU, {HUGE // 1000}k jobs ({IDLE_CPU_S:.0f} s)", f"{tui['idle_cpu_pct']:.1f} %", "<= 5 %",
            tui["idle_cpu_pct"] <= 5),
        Row(f"idle requests/min on :jobs at the proxy ({IDLE_S / 60:.0f} min, {QUEUES} queues, {BIG // 1000}k)",
            f"{quiet['per_min']:.0f}/min", "<= 192/min", quiet["per_min"] <= 192,
            f"budget {quiet['budget']}/min; header peak {quiet['peak_api_per_min']}"),
        Row("  never above the budget (header's last-minute peak)", f"{quiet['peak_api_per_min']}/min",
            f"<= {quiet['budget']}/min", quiet["peak_api_per_min"] <= quiet["budget"]),
        Row("  staleness: change at the server -> row changed", f"p50 {quiet['staleness_p50_s']:.1f} s",
            peer=f"p95 {quiet['staleness_p95_s']:.1f} s over {quiet['seen']}/{quiet['changes']} changes"),
        Row("full refresh: requests", f"{app['calls']:.0f}", "fewer than either peer", fewer,
            f"threaded {threaded['calls']:.0f}, sequential {sequential['calls']:.0f} "
            f"(app's first, cold: {app['cold'][1]})"),
        Row("full refresh: wall time", f"{app['s']:.2f} s", "<= threaded", app["s"] <= threaded["s"],
            f"threaded {threaded['s']:.2f} s, sequential {sequential['s']:.2f} s (app cold {app['cold'][0]:.2f} s)"),
    ]  # fmt: skip
    print_table(f"fleet scale{' (QUICK: not for reporting)' if QUICK else ''}", rows)
    print(f"  rows seen: app {app['counts']}, threaded {threaded['counts']}, sequential {sequential['counts']}")
    print(f"  idle requests by operation: {quiet['by_operation']}")
    print(
        f"  load average at start / between fleets / end: {' / '.join(f'{x:.1f}' for x in loads)} on "
        f"{os.cpu_count()} CPUs (other work on the machine slows every figure)"
    )


if __name__ == "__main__":
    main()

"""`python -m bench._demo_probe`: the `hybridml --demo` start-up path under Textual's Pilot, in a fresh process.

Prints one JSON line as soon as the jobs view has its first rows: seconds since this process started
(interpreter start-up included), and the split: demo fleet ready for Batch, app import, app start -> rows.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from typing import Any

STARTED = time.perf_counter()


def process_age_s() -> float:
    """Seconds since this process was created (from /proc), interpreter start-up included."""
    with open("/proc/self/stat", encoding="ascii") as stat:
        start_ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime", encoding="ascii") as uptime:
        up = float(uptime.read().split()[0])
    return up - start_ticks / os.sysconf("SC_CLK_TCK")


async def main_async() -> dict[str, float]:
    from hybridml import cli

    early = cli.early_demo_fleet(["--demo"]) if hasattr(cli, "early_demo_fleet") else None
    from hybridml.cli import _services, _settings, build_parser

    args = build_parser().parse_args(["--demo"])
    if early is not None:
        fleet: Any = early
    elif hasattr(cli, "start_demo_fleet"):
        fleet = cli.start_demo_fleet(args)
    else:  # `--baseline`: the code before the child-process demo fleet (seed everything, then start)
        from hybridml.fleet.embedded import EmbeddedFleet

        fleet = EmbeddedFleet.start(jobs=args.demo_jobs, simulate=True)
    fleet_s = time.perf_counter() - STARTED  # in-process: seeded; child process: started
    try:
        services = _services(args, _settings(args), fleet)
        if hasattr(cli, "hold_for_demo"):
            cli.hold_for_demo(services, fleet)
        before_import = time.perf_counter()
        from hybridml.tui.app import HybridApp

        import_s = time.perf_counter() - before_import
        app = HybridApp(services)
        app_started = time.perf_counter()
        async with app.run_test(size=(160, 48)) as pilot:
            while (view := app.active_view) is None or view.loaded_at is None:
                await pilot.pause(0.005)
            painted = time.perf_counter()
            figures = {
                "total_s": process_age_s(),
                "fleet_s": fleet_s,
                "import_s": import_s,
                "app_to_rows_s": painted - app_started,
                "rows": float(view.table.row_count),
            }
            print(json.dumps(figures), flush=True)
        return figures
    finally:
        fleet.stop()


if __name__ == "__main__":
    asyncio.run(main_async())

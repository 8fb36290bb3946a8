"""Start-up: time to the first rows of `hybridml --demo` under a real pseudo-terminal, and import times.

- Terminal (the figure): `python -m hybridml --demo` at 120x40; the clock stops when a job row is drawn
  (bench/_pty.py), median of RUNS, min and max beside it.
- Pilot (the split): the same start-up path under Textual's Pilot in one fresh process: fleet child started,
  TUI import, app start -> rows.
- Core import: `import hybridml.aws.batch, hybridml.domain` in a fresh interpreter, minus a bare one.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time

from bench._pty import first_rows_s
from bench._table import Row, print_table

RUNS = 5
TARGET_S = 1.5


def pilot_run() -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "bench._demo_probe"], capture_output=True, text=True, timeout=120, check=True
    )
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def interpreter_s(code: str, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def importtime_ms(module: str) -> float:
    """`-X importtime`'s cumulative figure for `module` (what importing it costs, its imports included)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"], capture_output=True, text=True, check=True
    )
    for line in done.stderr.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1]) / 1000
    return float("nan")


def main() -> None:
    load_before = os.getloadavg()[0]
    runs = [first_rows_s(["--demo"]) for _ in range(RUNS)]
    median = statistics.median(runs)
    pilot = pilot_run()
    core = interpreter_s("import hybridml.aws.batch, hybridml.domain") - interpreter_s("pass")
    spread = f"min {min(runs):.2f} / max {max(runs):.2f}"
    rows = [
        Row(f"(1) --demo -> first rows drawn, real pty (median of {RUNS})", f"{median:.2f} s",
            f"<= {TARGET_S} s", median <= TARGET_S, spread),
        Row("    Pilot split: demo fleet child started", f"{pilot['fleet_s']:.2f} s"),
        Row("    Pilot split: TUI import", f"{pilot['import_s']:.2f} s"),
        Row("    Pilot split: app start -> rows", f"{pilot['app_to_rows_s']:.2f} s"),
        Row("    import hybridml.aws.batch + domain (wall)", f"{core * 1000:.0f} ms"),
        Row("    -X importtime hybridml.aws.batch", f"{importtime_ms('hybridml.aws.batch'):.0f} ms"),
        Row("    -X importtime hybridml.tui.app", f"{importtime_ms('hybridml.tui.app'):.0f} ms"),
    ]  # fmt: skip
    print_table("start-up (hybridml --demo)", rows)
    print(
        f"  load average: {load_before:.1f} before, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} CPUs "
        "(other work on the machine slows every figure)"
    )


if __name__ == "__main__":
    main()

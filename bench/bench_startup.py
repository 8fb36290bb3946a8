"""Start-up: (1) time to the first painted jobs view of `hybridml --demo`, and the import time of the core.

- Pilot: a fresh process runs the `--demo` start-up path under Textual's Pilot and reports when the jobs
  view has its first rows (seconds since that process was created, interpreter start-up included).
- Terminal: the real `python -m hybridml --demo` under a pseudo-terminal (120x40); the clock stops when
  the jobs view's title shows a non-zero row count on the terminal.
- Core import: `import hybridml.aws.batch, hybridml.domain` in a fresh interpreter, minus a bare one.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time
from fcntl import ioctl

from bench._table import Row, print_table

RUNS = 3
TARGET_S = 1.5
TARGET = f"<= {TARGET_S} s"
PAINTED = re.compile(rb"Jobs\s+\[[1-9]\d*\]")


def pilot_run() -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "bench._demo_probe"], capture_output=True, text=True, timeout=120, check=True
    )
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def terminal_run(timeout_s: float = 60.0) -> float:
    """Seconds from spawning `hybridml --demo` under a pty until the jobs view shows rows."""
    master, slave = pty.openpty()
    ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor"}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "hybridml", "--demo"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    seen = b""
    try:
        while time.perf_counter() - started < timeout_s:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    seen += os.read(master, 65536)
                except OSError:
                    break
                if PAINTED.search(seen):
                    return time.perf_counter() - started
            elif process.poll() is not None:
                break
        raise RuntimeError(f"no jobs painted within {timeout_s}s; last output: {seen[-300:]!r}")
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the app and its demo fleet child
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        os.close(master)


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
    pilot = [pilot_run() for _ in range(RUNS)]
    total = statistics.median(p["total_s"] for p in pilot)
    try:
        terminal: float | None = statistics.median(terminal_run() for _ in range(RUNS))
    except (OSError, RuntimeError) as exc:
        print(f"  terminal run failed: {exc}")
        terminal = None
    core = interpreter_s("import hybridml.aws.batch, hybridml.domain") - interpreter_s("pass")
    rows = [
        Row(
            "(1) demo -> first jobs rows, Pilot (median of 3)", f"{total:.2f} s", f"<= {TARGET_S} s", total <= TARGET_S
        ),
        Row("    of which: app start -> rows", f"{statistics.median(p['app_to_rows_s'] for p in pilot):.2f} s"),
        Row("    of which: TUI import", f"{statistics.median(p['import_s'] for p in pilot):.2f} s"),
    ]
    if terminal is not None:
        rows.append(
            Row(
                "(1) demo -> first jobs rows, real pty (median)",
                f"{terminal:.2f} s",
                f"<= {TARGET_S} s",
                terminal <= TARGET_S,
            )
        )
    rows += [
        Row("(1) import hybridml.aws.batch + domain (wall)", f"{core * 1000:.0f} ms"),
        Row("    -X importtime hybridml.aws.batch", f"{importtime_ms('hybridml.aws.batch'):.0f} ms"),
        Row("    -X importtime hybridml.tui.app", f"{importtime_ms('hybridml.tui.app'):.0f} ms"),
    ]
    print_table("start-up (hybridml --demo)", rows)
    print(f"  load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (other work slows every figure)")


if __name__ == "__main__":
    main()

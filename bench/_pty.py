"""Time to the first rows of the real `hybridml` under a pseudo-terminal, as a person at a terminal sees it.

The clock starts when the process is spawned and stops when the terminal output holds a drawn table row (a
job name such as `etl-parquet-00042`): the rows themselves, not the heading's count, which is painted in the
same frame only when the table is.
"""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from fcntl import ioctl

ROW = re.compile(rb"[a-z]+(?:-[a-z0-9]+)*-\d{5}")  # a seeded job's name in a row


def first_rows_s(args: list[str], env: dict[str, str] | None = None, timeout_s: float = 90.0) -> float:
    """Seconds from spawning `python -m hybridml ARGS` at 120x40 until a job row is on the terminal."""
    master, slave = pty.openpty()
    ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    environment = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor", **(env or {})}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "hybridml", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=environment,
        start_new_session=True,
    )
    os.close(slave)
    seen = b""
    try:
        while time.perf_counter() - started < timeout_s:
            ready, _, _ = select.select([master], [], [], 0.02)
            if ready:
                try:
                    seen += os.read(master, 65536)
                except OSError:
                    break
                if ROW.search(seen):
                    return time.perf_counter() - started
            elif process.poll() is not None:
                break
        raise RuntimeError(f"no rows within {timeout_s}s; last output: {seen[-300:]!r}")
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the app (and a demo fleet child)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        os.close(master)

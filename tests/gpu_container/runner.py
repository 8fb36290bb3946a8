"""Run `src/main.py` in this process or as a subprocess and parse what it printed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTAINER_SRC = ROOT / "gpu_container" / "src"
MAIN = CONTAINER_SRC / "main.py"
NETGUARD = Path(__file__).resolve().parent / "_netguard"
TEST_ENV = {
    "YOLO_OFFLINE": "1",
    "YOLO_VERBOSE": "False",
    "YOLO_CONFIG_DIR": tempfile.mkdtemp(prefix="dogwatch-tests-yolo-"),
    "DOGWATCH_NETGUARD_LOG": tempfile.mkstemp(prefix="dogwatch-netguard-", suffix=".log")[1],
    "NO_PROXY": "127.0.0.1,localhost",
    "no_proxy": "127.0.0.1,localhost",
}


@dataclass(frozen=True)
class Run:
    code: int
    lines: list[str]
    stderr: str

    @property
    def report(self) -> dict[str, Any]:
        """The last stdout line, which is always the JSON report."""
        assert self.lines, f"no stdout; stderr: {self.stderr}"
        return dict(json.loads(self.lines[-1]))

    def events(self, name: str) -> list[dict[str, str]]:
        """`name key=value ...` progress lines, parsed (values JSON-unquoted where quoted)."""
        out = []
        for line in self.lines[:-1]:
            head, _, rest = line.partition(" ")
            if head == name:
                out.append(parse_fields(rest))
        return out


def parse_fields(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    while text:
        key, _, text = text.partition("=")
        if text.startswith('"'):
            value, end = json.JSONDecoder().raw_decode(text)
            text = text[end:].lstrip()
        else:
            value, _, text = text.partition(" ")
        fields[key.strip()] = str(value)
    return fields


def fast_args(*extra: str) -> list[str]:
    """Flags that keep a CPU run small and a failing callback quick."""
    return [
        "--imgsz", "160", "--progress-every", "0", "--allow-private-urls",
        "--callback-attempts", "3", "--callback-backoff", "0.01", "--callback-timeout", "2",
        *extra,
    ]  # fmt: skip


def run_inprocess(argv: Sequence[str], capsys: pytest.CaptureFixture[str]) -> Run:
    from dogwatch.cli import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return Run(code, out.splitlines(), err)


def run_subprocess(argv: Sequence[str], timeout_s: float = 120) -> Run:
    env = {**os.environ, **TEST_ENV, "PYTHONPATH": str(NETGUARD)}
    proc = subprocess.run(
        [sys.executable, str(MAIN), *argv],
        capture_output=True,
        text=True,
        timeout=timeout_s,
        env=env,
        cwd=ROOT,
    )
    return Run(proc.returncode, proc.stdout.splitlines(), proc.stderr)

"""`hybridml logs`: in-process with a stop condition, and as a subprocess against the fleet's endpoint
(ctrl-c and a closed pipe end it cleanly)."""

from __future__ import annotations

import io
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

from hybridml.cli import main
from hybridml.domain.logs import LogSource
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.headless.logs import print_logs
from hybridml.services import Services
from tests.conftest import HANG_GUARD_S
from tests.logtail.conftest import now_ms, put, unique

ROOT = Path(__file__).resolve().parents[2]


def training(name: str, lines: list[str], stream: str = "algo-1-1", start_ms: int | None = None) -> None:
    put("/aws/sagemaker/TrainingJobs", f"{name}/{stream}", lines, start_ms=start_ms)


async def test_follow_prints_new_lines_until_stopped(services: Services) -> None:
    name = unique("cli-train")
    training(name, ["epoch=0 loss=2.0", "epoch=0 loss=1.9"])
    out, err = io.StringIO(), io.StringIO()
    put_more = {"done": False}

    def until() -> bool:
        text = out.getvalue()
        if "loss=1.9" in text and not put_more["done"]:
            training(name, ["epoch=1 loss=1.2", "ERROR nan loss"])
            put_more["done"] = True
        return "ERROR nan loss" in text

    code = await print_logs(
        services, LogSource.training_job(name), out=out, err=err, follow=True, poll_s=0.2, until=until
    )
    assert code == 0
    assert out.getvalue().splitlines() == ["epoch=0 loss=2.0", "epoch=0 loss=1.9", "epoch=1 loss=1.2", "ERROR nan loss"]


async def test_filter_tags_and_timestamps(services: Services) -> None:
    name = unique("cli-tags")
    training(name, ["a loss=1", "a info"], stream="algo-1-1")
    training(name, ["b loss=2"], stream="algo-2-1")
    out, err = io.StringIO(), io.StringIO()
    code = await print_logs(
        services, LogSource.training_job(name), out=out, err=err, filter_text="LOSS", timestamps=True
    )
    assert code == 0
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and all(line.startswith("20") for line in lines)
    assert {line.split(" ", 2)[1] for line in lines} == {"algo-1-1", "algo-2-1"}


async def test_invalid_filter_is_matched_literally_with_a_warning(services: Services) -> None:
    name = unique("cli-badre")
    training(name, ["value=[1,2]", "other"])
    out, err = io.StringIO(), io.StringIO()
    assert await print_logs(services, LogSource.training_job(name), out=out, err=err, filter_text="=[") == 0
    assert out.getvalue() == "value=[1,2]\n"
    assert "invalid regex" in err.getvalue()


def test_bad_arguments_exit_2_with_a_message(fleet: EmbeddedFleet, capsys: object) -> None:
    base = ["--endpoint-url", fleet.url, "--region", "us-east-1", "logs"]
    assert main([*base, "job", "--since", "soon"]) == 2
    assert main([*base, "training/"]) == 2
    assert main([*base, "no-such-job-id"]) == 1
    captured = capsys.readouterr()  # type: ignore[attr-defined]
    assert "--since 'soon'" in captured.err and "missing the training name" in captured.err
    assert "Batch job no-such-job-id not found" in captured.err


def _spawn(fleet: EmbeddedFleet, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    env.update(AWS_ACCESS_KEY_ID=fleet.access_key, AWS_SECRET_ACCESS_KEY=fleet.secret_key)
    command = [sys.executable, "-m", "hybridml", "--endpoint-url", fleet.url, "--region", fleet.region, "logs", *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _reader(proc: subprocess.Popen[str]) -> queue.Queue[str]:
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line.rstrip("\n"))

    threading.Thread(target=pump, daemon=True).start()
    return lines


def _next(lines: queue.Queue[str]) -> str:
    return lines.get(timeout=HANG_GUARD_S)


def test_subprocess_follow_sees_new_lines_and_exits_cleanly_on_ctrl_c(fleet: EmbeddedFleet) -> None:
    name = unique("cli-sub")
    training(name, ["hello from the start"])
    proc = _spawn(fleet, f"training/{name}", "--follow", "--poll", "0.2")
    try:
        lines = _reader(proc)
        assert _next(lines) == "hello from the start"
        training(name, ["a line put while following"])
        assert _next(lines) == "a line put while following"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=HANG_GUARD_S) == 130
        assert proc.stderr is not None and "Traceback" not in proc.stderr.read()
    finally:
        proc.kill()


def test_subprocess_closed_pipe_ends_quietly(fleet: EmbeddedFleet) -> None:
    name = unique("cli-pipe")
    training(name, [f"line {i}" for i in range(20_000)], start_ms=now_ms() - 60_000)
    proc = _spawn(fleet, f"training/{name}", "--follow", "--poll", "0.2")
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first == "line 0\n"
        proc.stdout.close()  # like `| head -1`: the next write finds the pipe closed
        training(name, ["one more line"])
        assert proc.wait(timeout=HANG_GUARD_S) == 0
        assert proc.stderr is not None and "Traceback" not in proc.stderr.read()
    finally:
        proc.kill()

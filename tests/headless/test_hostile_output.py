"""Headless text output against the hostile fleet: one line per record whatever a field holds, no raw control
character or escape sequence on stdout/stderr; `--json` is exact; `--raw` logs are verbatim."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from hybridml.cli import build_parser, main
from hybridml.config import Settings
from hybridml.fleet.hostile import CORPUS, HOSTILE, HOSTILE_QUEUE
from hybridml.services import Services
from tests.conftest import HANG_GUARD_S, TEST_AWS

RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")  # all but \n
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def hostile(hostile_fleet: Any) -> AsyncIterator[Services]:
    built = Services.build(
        Settings(aws=TEST_AWS, audit_log=""),
        region=hostile_fleet.region,
        endpoint_url=hostile_fleet.url,
        static_credentials=(hostile_fleet.access_key, hostile_fleet.secret_key),
        demo=True,
    )
    try:
        yield built
    finally:
        await built.close()


async def run(services: Services, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    args = build_parser().parse_args(list(argv))
    code: int = await args.func(args, services)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_clean(*streams: str) -> None:
    for stream in streams:
        bad = RAW.search(stream)
        assert bad is None, f"raw {bad.group()!r} in {stream[max(0, bad.start() - 30) : bad.start() + 10]!r}"


async def test_jobs_one_line_per_job_and_exact_json(hostile: Services, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = await run(hostile, capsys, "jobs", "--queue", HOSTILE_QUEUE)
    assert code == 0
    assert_clean(out, err)
    lines = out.splitlines()
    assert len(lines) == 1 + len(HOSTILE) + 1  # header, one per hostile job, hostile-logs
    assert all(re.match(r"[0-9a-f-]{36}  hostile-", line) for line in lines[1:])  # no forged row
    assert "\\x1b]52;c;aGFja2VkCg==\\x07" in out and "first line\\nFORGED-ROW" in out
    code, out, _ = await run(hostile, capsys, "jobs", "--queue", HOSTILE_QUEUE, "--json")
    reasons = {job["status_reason"] for job in json.loads(out)}
    assert set(CORPUS) <= reasons  # --json is exact, 100 KB and all


async def test_endpoints_training_and_triage_text_is_inert(
    hostile: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (("endpoints",), ("training",), ("triage",), ("triage", "--min-severity", "info")):
        code, out, err = await run(hostile, capsys, *argv)
        assert code in (0, 3), argv
        assert_clean(out, err)
        assert "hostile" in out
    code, out, _ = await run(hostile, capsys, "training", "--json")
    assert {HOSTILE["click_screenshot"], HOSTILE["bidi_override"]} <= {j["failure_reason"] for j in json.loads(out)}


async def test_logs_are_escaped_unless_raw(hostile: Services, capsys: pytest.CaptureFixture[str]) -> None:
    job = next(j for j in await hostile.batch.jobs([HOSTILE_QUEUE]) if j.name == "hostile-logs")
    code, out, err = await run(hostile, capsys, "logs", job.job_id)
    assert code == 0
    assert_clean(out, err)
    assert "\\x1b]52;c;aGFja2VkCg==\\x07" in out and "\\x1b[2J" in out
    code, raw, _ = await run(hostile, capsys, "logs", job.job_id, "--raw")
    assert code == 0 and all(line in raw for line in CORPUS if "\n" not in line)  # verbatim, for files
    assert raw.count("\n") == out.count("\n") + 1  # the one corpus line that holds a newline


async def test_logs_of_a_source_that_exists_nowhere_exit_1(
    hostile: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (("logs", "training/nope"), ("logs", "endpoint/nope", "--follow")):
        code, out, err = await run(hostile, capsys, *argv)
        assert code == 1 and out == ""
        assert "not found" in err and "no log stream" in err


async def test_yolo_run_refuses_file_and_metadata_urls_before_submitting(
    hostile: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["yolo", "run", "--batch", "--video-url", "file:///etc/passwd", "--callback-url", "http://169.254.169.254/"]
    submits = hostile.session.meter.by_operation.get("SubmitJob", 0)
    code, _, err = await run(hostile, capsys, *argv)  # the one error line and exit code of every command
    assert code == 1 and "http:// or https://" in err
    argv[4] = "https://videos.example.com/park.mp4"
    code, _, err = await run(hostile, capsys, *argv, "--allow-private-urls")
    assert code == 1 and "metadata endpoint: never allowed" in err
    assert hostile.session.meter.by_operation.get("SubmitJob", 0) == submits  # nothing was sent


def test_closed_pipe_after_the_first_line_exits_0_quietly(hostile_fleet: Any) -> None:
    """`hybridml jobs --json | head -1`: the output (over 100 KB here) meets a closed pipe."""
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    env.update(AWS_ACCESS_KEY_ID=hostile_fleet.access_key, AWS_SECRET_ACCESS_KEY=hostile_fleet.secret_key)
    command = [sys.executable, "-m", "hybridml", "--endpoint-url", hostile_fleet.url, "--region", hostile_fleet.region]
    proc = subprocess.Popen(
        [*command, "jobs", "--json", "--queue", HOSTILE_QUEUE],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"["
        proc.stdout.close()
        assert proc.wait(timeout=HANG_GUARD_S) == 0
        assert proc.stderr is not None and b"Traceback" not in proc.stderr.read()
    finally:
        proc.kill()


def test_cli_errors_quoting_a_config_file_are_sanitised(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[ui]\n"\\u001b]52;c;eA==\\u0007" = 1\n')  # a key that is an OSC 52 sequence
    assert main(["--config", str(path), "jobs"]) == 2
    err = capsys.readouterr().err
    assert "ui.\\x1b]52;c;eA==\\x07: unknown key" in err
    assert_clean(err)

"""The command line against a fleet seeded by someone else (the session's moto server)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from hybridml.cli import main
from hybridml.fleet.embedded import EmbeddedFleet
from tests.conftest import HANG_GUARD_S


def test_jobs_json_via_endpoint_url_in_a_separate_process(fleet: EmbeddedFleet) -> None:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y", "AWS_REGION": "us-east-1"}
    out = subprocess.run(
        [sys.executable, "-m", "hybridml", "--endpoint-url", fleet.url, "jobs", "--json", "--queue", "gpu-training"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        timeout=HANG_GUARD_S,
    ).stdout
    jobs = json.loads(out)
    names = {job["name"] for job in jobs}
    assert "train-llm-8gpu" in names
    assert {job["queue"] for job in jobs} == {"gpu-training"}


def test_aws_endpoint_url_environment(fleet: EmbeddedFleet, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AWS_ENDPOINT_URL", fleet.url)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    assert main(["jobs", "--status", "RUNNABLE"]) == 0
    out = capsys.readouterr().out
    assert "yolo-spot-burst-7" in out and "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY" in out


def test_unreachable_endpoint_headless_is_one_clear_line(capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "config.toml"
    config.write_text("[aws]\nmax_attempts = 1\nconnect_timeout_s = 1\n")
    args = ["--config", str(config), "--endpoint-url", "http://127.0.0.1:9", "--region", "us-east-1"]
    code = main([*args, "jobs", "--queue", "q"])
    assert code == 1
    err = capsys.readouterr().err
    assert "cannot connect to http://127.0.0.1:9" in err
    assert "Traceback" not in err


def test_the_plain_demo_starts_its_fleet_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    from hybridml.fleet import early as cli
    from hybridml.fleet import process

    started: list[int] = []
    monkeypatch.setattr(process.FleetProcess, "start", classmethod(lambda cls, **kw: started.append(kw["jobs"])))
    assert cli.early_demo_fleet(["--demo", "--refresh", "2", "--read-only"]) is None and started == [cli.DEMO_JOBS]
    for argv in (["--demo", "jobs"], ["--demo", "--demo-fleet", "hostile"], ["--demo-jobs", "5"], ["jobs"]):
        assert cli.early_demo_fleet(argv) is None
    assert started == [cli.DEMO_JOBS]  # only the plain TUI demo starts early

"""`hybridml endpoints / scale / training` against the session's moto fleet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hybridml.cli import main
from hybridml.fleet.embedded import EmbeddedFleet
from tests.sagemaker_helpers import create_endpoint, fast_settle

__all__ = ["fast_settle"]


@pytest.fixture
def args(fleet: EmbeddedFleet, tmp_path: Path) -> list[str]:
    config = tmp_path / "config.toml"
    config.write_text(
        f'audit_log = "{tmp_path / "audit.jsonl"}"\n[aws]\nmax_attempts = 2\n[sagemaker]\nendpoint_poll_s = 0.05\n'
    )
    return ["--config", str(config), "--endpoint-url", fleet.url, "--region", "us-east-1"]


def test_endpoints_json(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*args, "endpoints", "--json"]) == 0
    endpoints = {e["name"]: e for e in json.loads(capsys.readouterr().out)}
    prod = endpoints["yolo-dogs-prod"]
    assert prod["status"] == "InService"
    assert prod["variants"][0]["instance_type"] == "ml.g5.xlarge" and prod["variants"][0]["autoscaling_max"] == 4
    # what it bills an hour, as :endpoints' $/H shows it: 2 x ml.g5.xlarge at $1.408; none running: null
    assert prod["usd_per_hour"] == pytest.approx(2.816) and endpoints["resnet-shadow"]["usd_per_hour"] is None


def test_endpoints_table(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*args, "endpoints"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:3] == ["NAME", "STATUS", "INSTANCE"]
    assert "llm-summarizer" in out and "ping health check" in out
    header, *rows = out.splitlines()
    at = header.index("$/H")
    prod = next(r for r in rows if r.startswith("yolo-dogs-prod "))
    assert prod[at:].split()[0] == "$2.82"


def test_scale_waits_until_in_service(
    args: list[str], fleet: EmbeddedFleet, capsys: pytest.CaptureFixture[str], fast_settle: None, tmp_path: Path
) -> None:
    name = create_endpoint(fleet, instances=1)
    assert main([*args, "scale", name, "--instances", "2", "--min", "1", "--max", "3"]) == 0
    captured = capsys.readouterr()
    assert f"{name}/AllTraffic: InService with 2 instances" in captured.out
    assert "Updating" in captured.err
    audit = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert [a["action"] for a in audit] == ["sagemaker.endpoint.autoscaling", "sagemaker.endpoint.scale"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--instances", "two"], "is not a whole number"),
        (["--instances", "-3"], "must not be negative"),
        (["--min", "4", "--max", "2"], "min (4) is greater than max (2)"),
        (["--instances", "2", "--variant", "Blue"], "has no variant 'Blue'"),
    ],
)
def test_scale_bad_input_is_one_clear_line(
    args: list[str], fleet: EmbeddedFleet, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    name = create_endpoint(fleet, instances=1)
    assert main([*args, "scale", name, *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_scale_missing_endpoint(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*args, "scale", "no-such-endpoint", "--instances", "2"]) == 1
    assert "not found (deleted" in capsys.readouterr().err


def test_scale_read_only(args: list[str], fleet: EmbeddedFleet, capsys: pytest.CaptureFixture[str]) -> None:
    name = create_endpoint(fleet, instances=1)
    assert main(["--read-only", *args, "scale", name, "--instances", "2"]) == 4  # one code for every command
    assert "read-only mode" in capsys.readouterr().err
    assert main(["--read-only", *args, "invoke", name, "--body", "{}"]) == 4
    assert "read-only mode" in capsys.readouterr().err


def test_training_json_and_filter(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*args, "training", "--json", "--status", "Failed"]) == 0
    jobs = json.loads(capsys.readouterr().out)
    assert {j["status"] for j in jobs} == {"Failed"}
    assert any(j["name"] == "resnet50-sweep-01" and "CUDA" in j["failure_reason"] for j in jobs)
    assert main([*args, "training"]) == 0
    assert "dogs-yolo11s-ft-1124" in capsys.readouterr().out


def test_invoke_prints_the_answer(args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*args, "invoke", "yolo-dogs-prod", "--body", '{"image": "a.jpg"}', "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["content_type"] == "application/json" and out["latency_ms"] > 0
    assert json.loads(out["body"])["detections"][0]["label"] == "dog"
    payload = tmp_path / "p.json"
    payload.write_text("{")
    assert main([*args, "invoke", "yolo-dogs-prod", "--file", str(payload)]) == 2
    assert "not valid JSON" in capsys.readouterr().err
    assert main([*args, "invoke", "no-such-endpoint", "--body", "{}"]) == 1
    assert "not found (deleted" in capsys.readouterr().err

"""The audit log: private file, secrets redacted, the caller's identity, a write failure never silent, and an
outcome-unknown submit remembered by the next identical one (issue 12.5, 12.7)."""

from __future__ import annotations

import json
import stat
import uuid
from pathlib import Path

import pytest

from hybridml.audit import REDACTED, AuditLog, redact
from hybridml.cli import main
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.headless.exits import AUDIT, OUTCOME_UNKNOWN


def cli_args(fleet: EmbeddedFleet, tmp_path: Path, audit: Path) -> list[str]:
    config = tmp_path / "config.toml"
    config.write_text(f'audit_log = "{audit}"\n[aws]\nmax_attempts = 2\n')
    return ["--config", str(config), "--endpoint-url", fleet.url, "--region", "us-east-1"]


def entries(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_redaction_by_name() -> None:
    request = {
        "jobName": "etl",
        "parameters": {"date": "2026-01-01", "api_token": "t0k3n"},
        "containerOverrides": {
            "environment": [{"name": "DB_PASSWORD", "value": "hunter2"}, {"name": "MODE", "value": "full"}]
        },
        "HyperParameters": {"lr": "0.1", "WANDB_API_KEY": "k"},
    }
    shown = redact(request)
    assert shown["parameters"] == {"date": "2026-01-01", "api_token": REDACTED}
    assert shown["containerOverrides"]["environment"] == [
        {"name": "DB_PASSWORD", "value": REDACTED},
        {"name": "MODE", "value": "full"},
    ]
    assert shown["HyperParameters"] == {"lr": "0.1", "WANDB_API_KEY": REDACTED}
    assert request["parameters"]["api_token"] == "t0k3n"  # a copy: what is sent is untouched
    # AWS tags are {Key, Value} pairs: the key is the tag's name (shown), its value hidden when the name looks secret
    tags = redact({"Tags": [{"Key": "hybridml:run", "Value": "c19"}, {"Key": "deploy-token", "Value": "s3cr3t"}]})
    assert tags["Tags"] == [{"Key": "hybridml:run", "Value": "c19"}, {"Key": "deploy-token", "Value": REDACTED}]
    assert redact({"KeyName": "prod-ssh", "SseKey": "abc"}) == {"KeyName": REDACTED, "SseKey": REDACTED}


def test_log_is_private(tmp_path: Path) -> None:
    path = tmp_path / "state" / "hybridml" / "audit.jsonl"
    AuditLog(path).record(action="batch.submit", target="q", result="ok")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    loose = tmp_path / "loose.jsonl"
    loose.write_text("")
    loose.chmod(0o644)
    AuditLog(loose).record(action="batch.submit", target="q", result="ok")
    assert stat.S_IMODE(loose.stat().st_mode) == 0o600


def test_submit_records_identity_and_redacts_secrets(
    fleet: EmbeddedFleet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    audit = tmp_path / "audit.jsonl"
    name = f"secret-{uuid.uuid4().hex[:6]}"
    args = cli_args(fleet, tmp_path, audit)
    code = main([*args, "submit", "cpu-etl", "etl-parquet", name, "--env", "DB_PASSWORD=hunter2", "--env", "MODE=x"])
    assert code == 0, capsys.readouterr().err
    [entry] = entries(audit)
    assert entry["identity"] == "arn:aws:sts::123456789012:user/moto"  # STS GetCallerIdentity
    environment = entry["request"]["containerOverrides"]["environment"]  # type: ignore[index]
    assert {"name": "DB_PASSWORD", "value": REDACTED} in environment and {"name": "MODE", "value": "x"} in environment
    assert "hunter2" not in audit.read_text()


def test_unwritable_audit_log_stops_the_submit(
    fleet: EmbeddedFleet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the log's folder should be")
    name = f"unaudited-{uuid.uuid4().hex[:6]}"
    args = cli_args(fleet, tmp_path, blocker / "audit.jsonl")
    assert main([*args, "submit", "cpu-etl", "etl-parquet", name]) == AUDIT
    assert "cannot write the audit log" in capsys.readouterr().err
    assert main([*args, "jobs", "--json", "--queue", "cpu-etl"]) == 0
    assert name not in capsys.readouterr().out  # nothing was sent


def test_an_outcome_unknown_submit_is_remembered(
    fleet: EmbeddedFleet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    audit = tmp_path / "audit.jsonl"
    args = cli_args(fleet, tmp_path, audit)
    name = f"maybe-{uuid.uuid4().hex[:6]}"
    request = {"jobName": name, "jobQueue": "cpu-etl", "jobDefinition": "etl-parquet"}
    AuditLog(audit).record(action="batch.submit", target="cpu-etl", request=request, result="unknown")
    assert main([*args, "submit", "cpu-etl", "etl-parquet", name]) == OUTCOME_UNKNOWN
    err = capsys.readouterr().err
    assert "may have landed" in err and "hybridml jobs --queue cpu-etl" in err and "--force" in err
    assert [e["result"] for e in entries(audit)] == ["unknown"]  # not sent
    assert main([*args, "submit", "cpu-etl", "etl-parquet", name, "--force"]) == 0
    assert [e["result"] for e in entries(audit)] == ["unknown", "ok"]
    assert main([*args, "submit", "cpu-etl", "etl-parquet", name]) == 0  # the latest one is known: no question

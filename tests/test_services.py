"""Read-only refusal and the audit log for mutating calls."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hybridml.aws.errors import InvalidRequest
from hybridml.config import Settings
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.services import ReadOnlyRefused
from tests.conftest import TEST_AWS, make_services


async def test_mutate_is_audited_and_sent_once(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    services = make_services(fleet, Settings(aws=TEST_AWS, audit_log=str(tmp_path / "audit.jsonl")))
    try:
        client = await services.session.mutation_client("batch")
        result = await services.mutate(
            "update-queue-priority",
            "cpu-etl",
            {"priority": 10},
            lambda: client.update_job_queue(jobQueue="cpu-etl", priority=10),
        )
        assert result["jobQueueName"] == "cpu-etl"
        entries = services.audit_log.entries()
        assert [e["action"] for e in entries] == ["update-queue-priority"]
        assert entries[0]["result"] == "ok" and entries[0]["request"] == {"priority": 10}
        assert entries[0]["request_id"]
        line = (tmp_path / "audit.jsonl").read_text()
        assert "secret" not in line.lower() and fleet.secret_key not in line
        json.loads(line)
    finally:
        await services.close()


async def test_mutate_error_is_audited(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    from hybridml.aws.errors import aws_call

    services = make_services(fleet, Settings(aws=TEST_AWS, audit_log=str(tmp_path / "a.jsonl")))
    try:
        client = await services.session.mutation_client("batch")

        async def bad() -> object:
            async with aws_call("batch", "SubmitJob"):
                return await client.submit_job(jobName="x", jobQueue="nope", jobDefinition="nope")

        with pytest.raises(InvalidRequest):
            await services.mutate("submit", "nope", {}, bad)
        assert services.audit_log.entries()[0]["result"] == "error"
    finally:
        await services.close()


async def test_read_only_refuses_and_audits(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    services = make_services(fleet, Settings(aws=TEST_AWS, audit_log=str(tmp_path / "a.jsonl")), read_only=True)
    sent = []

    async def call() -> None:
        sent.append(1)

    try:
        with pytest.raises(ReadOnlyRefused, match="read-only"):
            await services.mutate("terminate", "job-1", {}, call)
        assert sent == []
        assert services.audit_log.entries()[0]["result"] == "refused"
    finally:
        await services.close()

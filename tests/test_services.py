"""`Services.run`, the one mutation path: read-only refusal, send once, the audit log, cache invalidation."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from hybridml.actions.batch import SetQueuePriority, SubmitJob
from hybridml.aws.errors import InvalidRequest
from hybridml.config import Settings
from hybridml.domain.submit import SubmitRequest
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.services import ReadOnlyRefused
from tests.conftest import TEST_AWS, make_services


async def test_run_is_audited_and_sent_once(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    services = make_services(fleet, Settings(aws=TEST_AWS, audit_log=str(tmp_path / "audit.jsonl")))
    try:
        queue = {q.name: q for q in await services.batch.job_queues()}["cpu-etl"]
        before = services.session.meter.by_operation.get("UpdateJobQueue", 0)
        await services.run(SetQueuePriority(queue, 10))
        assert services.session.meter.by_operation["UpdateJobQueue"] == before + 1
        entries = services.audit_log.entries()
        assert [e["action"] for e in entries] == ["batch.queue.priority"]
        assert entries[0]["result"] == "ok" and entries[0]["request"] == {"jobQueue": "cpu-etl", "priority": 10}
        assert entries[0]["request_id"]
        assert entries[0]["identity"].startswith("arn:aws:")  # STS GetCallerIdentity, read once
        line = (tmp_path / "audit.jsonl").read_text()
        assert "secret" not in line.lower() and fleet.secret_key not in line
        json.loads(line)
        await services.run(SetQueuePriority(queue, queue.priority))
        assert services.session.meter.by_operation["GetCallerIdentity"] == 1
    finally:
        await services.close()


async def test_an_error_from_aws_is_audited(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    services = make_services(fleet, Settings(aws=TEST_AWS, audit_log=str(tmp_path / "a.jsonl")))
    try:
        with pytest.raises(InvalidRequest):
            await services.run(SubmitJob(SubmitRequest("nope", "nope", f"x-{uuid.uuid4().hex[:6]}")))
        assert services.audit_log.entries()[0]["result"] == "error"
    finally:
        await services.close()


async def test_read_only_refuses_and_audits(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    services = make_services(fleet, Settings(aws=TEST_AWS, audit_log=str(tmp_path / "a.jsonl")), read_only=True)
    try:
        with pytest.raises(ReadOnlyRefused, match=r"read-only mode: 'batch\.submit' was not sent"):
            await services.run(SubmitJob(SubmitRequest("cpu-etl", "etl-parquet", "ro-job")))
        assert services.audit_log.entries()[0]["result"] == "refused"
        assert "SubmitJob" not in services.session.meter.by_operation
    finally:
        await services.close()

"""`hybridml submit / cancel / terminate` against the embedded fleet, through the real argument parser."""

from __future__ import annotations

import json
import uuid

import pytest

from hybridml.cli import build_parser
from hybridml.config import Settings, SubmitTemplate
from hybridml.domain.batch import JobStatus
from hybridml.fleet.backends import batch_backend
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.services import Services
from tests.conftest import TEST_AWS, make_services


async def cli(services: Services, *argv: str) -> int:
    args = build_parser().parse_args(list(argv))
    assert args.command == argv[0]  # cli.main dispatches on it (an option named --command must not clobber it)
    code: int = await args.func(args, services)
    return code


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


async def test_submit_json_then_cancel(services: Services, capsys: pytest.CaptureFixture[str]) -> None:
    name = unique("cli-etl")
    code = await cli(
        services,
        "submit", "cpu-etl", "etl-parquet", name,
        "--param", "date=2026-02-03; echo $HOME",
        "--vcpus", "2", "--memory", "3000", "--env", "MODE=fast", "--timeout", "120",
        "--retry-attempts", "2", "--command", "python -m etl --date 'Ref::date'", "--json",
    )  # fmt: skip
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    job = await services.batch.job(out["job_id"])
    assert job is not None and job.name == name and out["fit"]["ok"] is True
    assert dict(job.parameters)["date"] == "2026-02-03; echo $HOME"
    assert job.command == ("python", "-m", "etl", "--date", "Ref::date")
    assert (job.resources.vcpus, job.resources.memory_mib, job.timeout_s, job.retry_attempts) == (2, 3000, 120, 2)
    assert await cli(services, "cancel", out["job_id"], "--reason", "cli test", "--json") == 0
    cancelled = await services.batch.job(out["job_id"])
    assert cancelled is not None and (cancelled.status, cancelled.status_reason) == (JobStatus.FAILED, "cli test")


async def test_cancel_running_job_says_use_terminate(services: Services, capsys: pytest.CaptureFixture[str]) -> None:
    assert await cli(services, "submit", "cpu-etl", "etl-parquet", unique("cli-run"), "--json") == 0
    job_id = json.loads(capsys.readouterr().out)["job_id"]
    batch_backend()._jobs[job_id].status = "RUNNING"
    assert await cli(services, "cancel", job_id, "--reason", "stop") == 2
    assert "use terminate" in capsys.readouterr().err
    assert await cli(services, "terminate", job_id, "--reason", "stop it") == 0
    job = await services.batch.job(job_id)
    assert job is not None and (job.status, job.status_reason) == (JobStatus.FAILED, "stop it")
    assert await cli(services, "terminate", "no-such-job-id", "--reason", "x") == 2


async def test_submit_refuses_what_can_never_run(services: Services, capsys: pytest.CaptureFixture[str]) -> None:
    before = services.session.meter.by_operation.get("SubmitJob", 0)
    assert await cli(services, "submit", "cpu-etl", "yolo-dog-detect", unique("gpu-on-cpu")) == 3
    assert "needs 1 GPU but cpu-ondemand has only CPU instance types" in capsys.readouterr().err
    assert await cli(services, "submit", "cpu-etl", "etl-parquet", "bad name!") == 2
    assert "only letters" in capsys.readouterr().err
    assert await cli(services, "submit", "cpu-etl", "no-such-def", unique("x")) == 2
    assert "no ACTIVE job definition 'no-such-def'" in capsys.readouterr().err
    assert await cli(services, "submit", "cpu-etl", "etl-parquet", unique("x"), "--vcpus", "-4") == 2
    assert services.session.meter.by_operation.get("SubmitJob", 0) == before


async def test_template_and_dry_run(fleet: EmbeddedFleet, capsys: pytest.CaptureFixture[str]) -> None:
    template = SubmitTemplate(queue="gpu-inference", job_definition="yolo-dog-detect", gpus=1, array_size=3)
    services = make_services(fleet, Settings(aws=TEST_AWS, audit_log="", templates={"yolo": template}))
    try:
        code = await cli(services, "submit", "--template", "yolo", "--param", "video_url=s3://v/1.mp4", "--dry-run")
        assert code == 0
        out = json.loads(capsys.readouterr().out)
        request = out["request"]
        assert request["jobQueue"] == "gpu-inference" and request["arrayProperties"] == {"size": 3}
        assert request["parameters"] == {"video_url": "s3://v/1.mp4"}
        assert request["jobName"].startswith("yolo-dog-detect-")
        assert services.session.meter.by_operation.get("SubmitJob", 0) == 0
        assert await cli(services, "submit", "--template", "nope") == 2
    finally:
        await services.close()


async def test_read_only_exit_code(fleet: EmbeddedFleet, capsys: pytest.CaptureFixture[str]) -> None:
    services = make_services(fleet, read_only=True)
    try:
        assert await cli(services, "submit", "cpu-etl", "etl-parquet", unique("ro")) == 4
        assert "read-only" in capsys.readouterr().err
        job_id = fleet.seeded.stuck["yolo-spot-burst-7"]
        assert await cli(services, "cancel", job_id, "--reason", "x") == 4
    finally:
        await services.close()

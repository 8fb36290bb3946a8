"""Batch mutations against the embedded server: what is sent is exactly what lands in Batch."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from hybridml.actions.batch import (
    CancelJob,
    NothingToStop,
    ScaleComputeEnvironment,
    SetComputeEnvironmentState,
    SetQueuePriority,
    SetQueueState,
    SubmitJob,
    stop_job,
)
from hybridml.aws.batch_actions import ScaleChange, SubmittedJob, submit_job_kwargs
from hybridml.aws.errors import InvalidRequest
from hybridml.config import Settings
from hybridml.domain.batch import JobStatus
from hybridml.domain.submit import SubmitRequest
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.services import ReadOnlyRefused, Services
from tests.conftest import TEST_AWS, make_services


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


async def submit(services: Services, request: SubmitRequest) -> SubmittedJob:
    return await services.run(SubmitJob(request))


@pytest.fixture
async def audited(fleet: EmbeddedFleet, tmp_path: Path) -> Services:
    services = make_services(fleet, Settings(aws=TEST_AWS, audit_log=str(tmp_path / "audit.jsonl")))
    yield services  # type: ignore[misc]
    await services.close()


async def test_submit_with_parameters_and_overrides_lands_exactly(audited: Services) -> None:
    parent = await submit(audited, SubmitRequest("cpu-etl", "etl-parquet", unique("upstream")))
    request = SubmitRequest(
        queue="gpu-inference",
        job_definition="yolo-dog-detect",
        job_name=unique("yolo-adhoc"),
        parameters=(("video_url", "s3://bucket/dogs 1.mp4"), ("callback_url", "http://127.0.0.1:9/cb")),
        vcpus=2,
        memory_mib=8000,
        gpus=1,
        command=("python3", "src/main.py", "--video_url", "Ref::video_url", "--fast"),
        environment=(("MODEL", "yolo11n.pt"), ("CONF", "0.4")),
        timeout_s=900,
        retry_attempts=3,
        array_size=4,
        depends_on=(parent.job_id,),
    )
    submitted = await submit(audited, request)
    job = await audited.batch.job(submitted.job_id)
    assert job is not None
    assert job.name == request.job_name and job.queue == "gpu-inference"
    assert dict(job.parameters) == dict(request.parameters)
    assert (job.resources.vcpus, job.resources.memory_mib, job.resources.gpus) == (2, 8000, 1)
    assert job.command == request.command
    env = dict(job.environment)
    assert env["MODEL"] == "yolo11n.pt" and env["CONF"] == "0.4"
    assert job.timeout_s == 900
    assert job.retry_attempts == 3
    assert job.array is not None and job.array.size == 4
    assert job.depends_on == (parent.job_id,)
    assert job.status is JobStatus.SUBMITTED
    children = await audited.batch.array_children(submitted.job_id)
    assert [c.array.index for c in children if c.array] == [0, 1, 2, 3]
    entry = audited.audit_log.entries()[-1]
    assert entry["action"] == "batch.submit" and entry["result"] == "ok" and entry["request_id"]
    assert entry["request"]["retryStrategy"] == {"attempts": 3}


async def test_shell_metacharacters_arrive_verbatim(audited: Services) -> None:
    nasty = "$(rm -rf /); `id` && echo pwned | tee /tmp/x > /dev/null; 'q' \"dq\" \\n *"
    submitted = await submit(
        audited, SubmitRequest("cpu-etl", "etl-parquet", unique("etl-meta"), parameters=(("date", nasty),))
    )
    job = await audited.batch.job(submitted.job_id)
    assert job is not None and dict(job.parameters)["date"] == nasty


async def test_definition_defaults_are_kept_when_not_overridden(audited: Services) -> None:
    submitted = await submit(audited, SubmitRequest("gpu-training", "train-resnet50", unique("train")))
    job = await audited.batch.job(submitted.job_id)
    assert job is not None
    assert dict(job.parameters) == {"epochs": "10", "lr": "0.001"}
    assert (job.resources.vcpus, job.resources.gpus) == (8, 1)
    assert "retryStrategy" not in submit_job_kwargs(SubmitRequest("q", "d", "n"))


async def test_cancel_and_terminate_reach_batch_with_reason(audited: Services, fleet: EmbeddedFleet) -> None:
    from hybridml.fleet.backends import batch_backend

    first = await submit(audited, SubmitRequest("cpu-etl", "etl-parquet", unique("to-cancel")))
    second = await submit(audited, SubmitRequest("cpu-etl", "etl-parquet", unique("to-kill")))
    batch_backend()._jobs[second.job_id].status = "RUNNING"
    before = await audited.batch.job(first.job_id)
    assert before is not None
    assert await stop_job(audited, before, "wrong date") == "cancelled"
    running = await audited.batch.job(second.job_id)
    assert running is not None and running.status is JobStatus.RUNNING
    assert await stop_job(audited, running, "runaway cost") == "terminated"
    cancelled, killed = await audited.batch.describe_jobs([first.job_id, second.job_id])
    assert (cancelled.status, cancelled.status_reason) == (JobStatus.FAILED, "wrong date")
    assert (killed.status, killed.status_reason) == (JobStatus.FAILED, "runaway cost")
    actions = [(e["action"], e["target"], e["request"].get("reason")) for e in audited.audit_log.entries()[-2:]]
    assert actions == [
        ("batch.cancel", first.job_id, "wrong date"),
        ("batch.terminate", second.job_id, "runaway cost"),
    ]
    with pytest.raises(NothingToStop, match="already FAILED: nothing to stop"):
        await stop_job(audited, cancelled, "again")
    with pytest.raises(InvalidRequest, match="reason is required"):
        await audited.run(CancelJob(before, "   "))


async def test_scale_and_state_of_compute_environment(audited: Services) -> None:
    envs = {ce.name: ce for ce in await audited.batch.compute_environments()}
    spot = envs["gpu-spot"]
    assert spot.resources is not None
    new_max = spot.resources.max_vcpus + 8
    await audited.run(ScaleComputeEnvironment(spot, ScaleChange(min_vcpus=0, max_vcpus=new_max)))
    await audited.run(SetComputeEnvironmentState(spot, enabled=False))
    after = {ce.name: ce for ce in await audited.batch.compute_environments()}["gpu-spot"]
    assert after.resources is not None and after.resources.max_vcpus == new_max
    assert after.state == "DISABLED"
    await audited.run(SetComputeEnvironmentState(after, enabled=True))
    await audited.run(ScaleComputeEnvironment(after, ScaleChange(max_vcpus=spot.resources.max_vcpus)))
    restored = {ce.name: ce for ce in await audited.batch.compute_environments()}["gpu-spot"]
    assert restored.state == "ENABLED" and restored.resources is not None
    assert restored.resources.max_vcpus == spot.resources.max_vcpus
    entries = audited.audit_log.entries()
    assert [e["action"] for e in entries] == ["batch.ce.scale", "batch.ce.state", "batch.ce.state", "batch.ce.scale"]
    assert entries[0]["request"]["computeResources"] == {"maxvCpus": new_max}


async def test_scale_rejects_bad_bounds_without_sending(audited: Services) -> None:
    spot = {ce.name: ce for ce in await audited.batch.compute_environments()}["gpu-spot"]
    for change, message in (
        (ScaleChange(min_vcpus=10, max_vcpus=5), "above maxvCpus"),
        (ScaleChange(desired_vcpus=10_000), "between"),
        (ScaleChange(min_vcpus=-1), "negative"),
        (ScaleChange(), "nothing to change"),
    ):
        with pytest.raises(InvalidRequest, match=message):
            await audited.run(ScaleComputeEnvironment(spot, change))
    assert audited.audit_log.entries() == []


async def test_queue_state_and_priority(audited: Services) -> None:
    name = "gpu-legacy"
    queue = {q.name: q for q in await audited.batch.job_queues()}[name]
    await audited.run(SetQueuePriority(queue, queue.priority + 1))
    await audited.run(SetQueueState(queue, enabled=False))
    after = {q.name: q for q in await audited.batch.job_queues()}[name]
    assert (after.priority, after.state) == (queue.priority + 1, "DISABLED")
    await audited.run(SetQueueState(after, enabled=True))
    await audited.run(SetQueuePriority(after, queue.priority))
    back = {q.name: q for q in await audited.batch.job_queues()}[name]
    assert (back.priority, back.state) == (queue.priority, "ENABLED")
    with pytest.raises(InvalidRequest, match=r"0\.\.1000"):
        await audited.run(SetQueuePriority(back, 5000))


async def test_submit_to_disabled_queue_is_rejected_by_batch(audited: Services) -> None:
    with pytest.raises(InvalidRequest, match="DISABLED"):
        await submit(audited, SubmitRequest("spot-archive", "etl-parquet", unique("archive")))
    with pytest.raises(InvalidRequest, match="does not exist"):
        await submit(audited, SubmitRequest("cpu-etl", "no-such-def", unique("x")))
    assert [e["result"] for e in audited.audit_log.entries()] == ["error", "error"]


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (SubmitRequest("cpu-etl", "etl-parquet", "-starts-with-dash"), "must start with a letter"),
        (SubmitRequest("cpu-etl", "etl-parquet", "has space"), "only letters"),
        (SubmitRequest("cpu-etl", "etl-parquet", "x" * 129), "at most 128"),
        (SubmitRequest("cpu-etl", "etl-parquet", "ok", vcpus=-2), "vCPUs"),
        (SubmitRequest("cpu-etl", "etl-parquet", "ok", vcpus=100_000), "vCPUs"),
        (SubmitRequest("cpu-etl", "etl-parquet", "ok", array_size=1), "array size"),
    ],
)
async def test_invalid_requests_are_never_sent(audited: Services, request_: SubmitRequest, message: str) -> None:
    calls = audited.session.meter.by_operation.get("SubmitJob", 0)
    with pytest.raises(InvalidRequest, match=message):
        await submit(audited, request_)
    assert audited.session.meter.by_operation.get("SubmitJob", 0) == calls
    assert audited.audit_log.entries() == []


async def test_read_only_refuses_every_action(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    services = make_services(fleet, Settings(aws=TEST_AWS, audit_log=str(tmp_path / "a.jsonl")), read_only=True)
    try:
        envs = {ce.name: ce for ce in await services.batch.compute_environments()}
        queue = {q.name: q for q in await services.batch.job_queues()}["cpu-etl"]
        job = (await services.batch.describe_jobs([fleet.seeded.stuck["yolo-spot-burst-7"]]))[0]
        attempts = [
            SubmitJob(SubmitRequest("cpu-etl", "etl-parquet", unique("ro"))),
            CancelJob(job, "reason"),
            ScaleComputeEnvironment(envs["gpu-spot"], ScaleChange(max_vcpus=128)),
            SetComputeEnvironmentState(envs["gpu-spot"], enabled=False),
            SetQueueState(queue, enabled=False),
            SetQueuePriority(queue, 3),
        ]
        for attempt in attempts:
            with pytest.raises(ReadOnlyRefused, match="read-only"):
                await services.run(attempt)
        entries = services.audit_log.entries()
        assert len(entries) == len(attempts) and {e["result"] for e in entries} == {"refused"}
        assert [e["action"] for e in entries] == [a.spec.id for a in attempts]
        assert services.session.meter.by_operation.get("SubmitJob", 0) == 0
        assert "UpdateComputeEnvironment" not in services.session.meter.by_operation
    finally:
        await services.close()

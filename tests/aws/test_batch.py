"""Batch reads against the embedded moto fleet."""

from __future__ import annotations

import pytest

from hybridml.aws.errors import InvalidRequest, Unreachable
from hybridml.domain.batch import JobStatus
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.services import Services
from tests.conftest import make_services


async def test_compute_environments(services: Services) -> None:
    envs = {ce.name: ce for ce in await services.batch.compute_environments()}
    assert {"gpu-ondemand", "gpu-spot", "cpu-ondemand", "gpu-p4-legacy", "cpu-spot-archive"} <= set(envs)
    assert envs["gpu-p4-legacy"].status == "INVALID"
    assert "instance profile" in envs["gpu-p4-legacy"].status_reason
    assert envs["cpu-spot-archive"].state == "DISABLED"
    spot = envs["gpu-spot"].resources
    assert spot is not None and spot.type == "SPOT" and spot.max_vcpus == 64
    assert "g5.xlarge" in spot.instance_types


async def test_job_queues_sorted_by_priority(services: Services) -> None:
    queues = await services.batch.job_queues()
    names = [q.name for q in queues]
    assert names[:3] == ["gpu-inference", "gpu-training", "cpu-etl"]
    by_name = {q.name: q for q in queues}
    assert by_name["spot-archive"].state == "DISABLED"
    assert len(by_name["gpu-inference"].compute_environments) == 2


async def test_job_definitions_include_yolo(services: Services) -> None:
    defs = {d.name: d for d in await services.batch.job_definitions()}
    yolo = defs["yolo-dog-detect"]
    assert yolo.command == (
        "python3",
        "src/main.py",
        "--video_url",
        "Ref::video_url",
        "--callback_url",
        "Ref::callback_url",
        "--device",
        "cuda",
    )
    assert yolo.resources.gpus == 1
    assert yolo.ref_parameters == ("video_url", "callback_url")
    assert yolo.log_group == "/aws/batch/job"


async def test_jobs_of_every_status_across_queues(services: Services, fleet: EmbeddedFleet) -> None:
    queues = [q.name for q in await services.batch.job_queues()]
    jobs = await services.batch.jobs(queues)
    statuses = {j.status for j in jobs}
    assert statuses == set(JobStatus)
    assert len(jobs) >= 300
    ids = {j.job_id for j in jobs}
    assert set(fleet.seeded.stuck.values()) <= ids
    # array children are not listed under their queue (AWS behaviour)
    assert not any(j.is_array_child for j in jobs)
    assert {p for p in fleet.seeded.array_parents} <= ids


async def test_array_children(services: Services, fleet: EmbeddedFleet) -> None:
    parent = fleet.seeded.array_parents[0]
    children = await services.batch.array_children(parent)
    assert len(children) == 24
    assert [c.array.index for c in children if c.array] == list(range(24))


async def test_describe_jobs_chunks_of_100(services: Services, fleet: EmbeddedFleet) -> None:
    ids = fleet.seeded.job_ids[:250]
    calls_before = services.session.meter.by_operation.get("DescribeJobs", 0)
    jobs = await services.batch.describe_jobs(ids)
    assert {j.job_id for j in jobs} == set(ids)
    assert services.session.meter.by_operation["DescribeJobs"] - calls_before == 3


async def test_job_detail_maps_resources_and_reason(services: Services, fleet: EmbeddedFleet) -> None:
    job = await services.batch.job(fleet.seeded.stuck["train-llm-8gpu"])
    assert job is not None
    assert job.status is JobStatus.RUNNABLE
    assert job.status_reason.startswith("MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE")
    assert (job.resources.vcpus, job.resources.gpus) == (384, 8)
    dependent = await services.batch.job(fleet.seeded.stuck["etl-after-failed"])
    assert dependent is not None and dependent.depends_on == (fleet.seeded.failed_dependency,)


async def test_finished_job_has_attempts_and_stream(services: Services, fleet: EmbeddedFleet) -> None:
    jobs = await services.batch.describe_jobs(fleet.seeded.job_ids[:60])
    done = [j for j in jobs if j.status is JobStatus.SUCCEEDED]
    assert done
    assert all(j.attempts and j.attempts[-1].exit_code == 0 and j.attempts[-1].log_stream for j in done)


async def test_all_jobs_coalesces_concurrent_sweeps(services: Services) -> None:
    import asyncio

    before = services.session.meter.by_operation.get("ListJobs", 0)
    first, second = await asyncio.gather(services.batch.all_jobs(), services.batch.all_jobs())
    assert first is second
    sweeps = services.session.meter.by_operation["ListJobs"] - before
    queues = len(await services.batch.job_queues())  # other tests may add queues to the shared fleet
    assert sweeps == queues * 7  # one sweep: every queue x 7 statuses


async def test_raw_json(services: Services) -> None:
    raw = await services.batch.raw("job_queue", "gpu-inference")
    assert raw["jobQueueName"] == "gpu-inference"


async def test_unknown_queue_is_a_clear_error(services: Services) -> None:
    with pytest.raises(InvalidRequest) as info:
        await services.batch.list_jobs("no-such-queue", JobStatus.RUNNING)
    assert "no-such-queue" in str(info.value)


async def test_unreachable_endpoint(fleet: EmbeddedFleet) -> None:
    from hybridml.config import AwsSettings, Settings
    from hybridml.services import Services

    dead = Services.build(
        Settings(aws=AwsSettings(connect_timeout_s=0.5, read_timeout_s=0.5, max_attempts=1, retry_mode="standard")),
        region="us-east-1",
        endpoint_url="http://127.0.0.1:9",
        static_credentials=("a", "b"),
    )
    try:
        with pytest.raises(Unreachable) as info:
            await dead.batch.job_queues()
        assert "127.0.0.1:9" in str(info.value)
    finally:
        await dead.close()
    _ = make_services

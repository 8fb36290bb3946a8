"""Job sweeps against the embedded fleet: calls per change, not per status; no job lost or shown twice."""

from __future__ import annotations

import random
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from hybridml.aws import batch_sweep
from hybridml.aws.errors import AwsError
from hybridml.config import BatchSettings, Settings
from hybridml.domain.batch import Job, JobStatus
from hybridml.fleet.backends import batch_backend
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.seed import JobSeeder, boto3_client
from hybridml.services import Services
from tests.conftest import TEST_AWS, make_services

QUEUE = "cpu-etl"


def build(fleet: EmbeddedFleet, *queues: str, **batch: Any) -> Services:
    settings = BatchSettings(queues=queues or (QUEUE,), **{"resync_s": 3600, **batch})
    return make_services(fleet, Settings(aws=TEST_AWS, audit_log="", batch=settings))


@pytest.fixture
async def services(fleet: EmbeddedFleet) -> AsyncIterator[Services]:
    built = build(fleet)
    try:
        yield built
    finally:
        await built.close()


def calls(services: Services, operation: str) -> int:
    return services.session.meter.by_operation.get(operation, 0)


def new_job(status: str, age_s: float = 120, queue: str = QUEUE) -> Any:
    seeder = JobSeeder(random.Random(uuid.uuid4().int), datetime.now(), logs=False)
    job = seeder.submit(f"sweep-{uuid.uuid4().hex[:8]}", queue, "etl-parquet")
    seeder.set_state(job, status, age_s)
    return job


def move(job: Any, status: str) -> None:
    """What the Batch scheduler does to a job, server-side."""
    job.status = status
    if status in ("SUCCEEDED", "FAILED"):
        job.job_stopped, job.job_stopped_at = True, datetime.now()
        job.job_stopped_reason = "Essential container in task exited"
    elif status == "RUNNING":
        job.job_started_at = datetime.now()


async def sweep(services: Services) -> list[Job]:
    return await services.batch.all_jobs(max_age_s=0)


def by_id(jobs: list[Job]) -> dict[str, Job]:
    ids = [j.job_id for j in jobs]
    assert len(ids) == len(set(ids)), "a job is listed twice"
    return {j.job_id: j for j in jobs}


async def test_first_sweep_resyncs_then_one_filtered_listing_per_queue(services: Services) -> None:
    first = by_id(await sweep(services))
    assert calls(services, "ListJobs") == 7  # every status of the one queue, 1000 a page
    active = sum(1 for j in first.values() if not j.status.is_terminal)
    described = calls(services, "DescribeJobs")
    second = by_id(await sweep(services))
    assert calls(services, "ListJobs") == 7 + 1  # new jobs: AFTER_CREATED_AT, every status in one listing
    assert calls(services, "DescribeJobs") - described == -(-active // 100)  # known active jobs, 100 a call
    assert {i for i, j in first.items() if j.status.is_terminal} <= set(second)  # finished ones kept


async def test_a_job_moving_between_sweeps_is_never_lost_or_doubled(services: Services) -> None:
    known = new_job("RUNNABLE")
    seen = by_id(await sweep(services))
    assert seen[known.job_id].status is JobStatus.RUNNABLE
    fresh = new_job("RUNNABLE", age_s=1)  # created after that sweep: never seen while active
    move(known, "RUNNING")
    move(fresh, "RUNNING")
    seen = by_id(await sweep(services))
    assert seen[known.job_id].status is JobStatus.RUNNING and seen[fresh.job_id].status is JobStatus.RUNNING
    move(known, "SUCCEEDED")
    move(fresh, "SUCCEEDED")
    seen = by_id(await sweep(services))
    assert seen[known.job_id].status is JobStatus.SUCCEEDED
    assert seen[fresh.job_id].status is JobStatus.SUCCEEDED
    later = new_job("RUNNABLE", age_s=1)
    move(later, "RUNNING")
    move(later, "SUCCEEDED")  # the whole life between two sweeps
    assert by_id(await sweep(services))[later.job_id].status is JobStatus.SUCCEEDED


async def test_busy_queue_lists_active_statuses_and_describes_what_left(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch_sweep, "ACTIVE_LISTING_AT", 0)  # every queue counts as busy
    job = new_job("RUNNING")
    await sweep(services)
    move(job, "FAILED")
    lists, describes = calls(services, "ListJobs"), calls(services, "DescribeJobs")
    seen = by_id(await sweep(services))
    assert seen[job.job_id].status is JobStatus.FAILED
    assert calls(services, "ListJobs") - lists == 1 + 5  # new jobs + the five active statuses
    assert calls(services, "DescribeJobs") - describes == 1  # only what left the active lists


async def test_jobs_moving_during_a_resync_are_caught(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    onward, retried = new_job("RUNNABLE"), new_job("RUNNING")
    await sweep(services)
    real = services.batch.status_pages

    async def pages(queue: str, status: JobStatus, known: Any = None) -> AsyncIterator[list[Job]]:
        if status is JobStatus.RUNNING:  # RUNNABLE was just listed
            move(onward, "SUCCEEDED")  # forward: a later listing (SUCCEEDED) shows it
            move(retried, "RUNNABLE")  # back (an attempt failed, a retry waits): no listing left shows it
        async for page in real(queue, status, known):
            yield page

    monkeypatch.setattr(services.batch, "status_pages", pages)
    services.batch.invalidate_jobs()
    seen = by_id(await sweep(services))
    assert seen[onward.job_id].status is JobStatus.SUCCEEDED
    assert seen[retried.job_id].status is JobStatus.RUNNABLE  # described: it was known and no listing had it


async def test_invalidate_resyncs_every_status(services: Services) -> None:
    await sweep(services)
    services.batch.invalidate_jobs()
    before = calls(services, "ListJobs")
    await sweep(services)
    assert calls(services, "ListJobs") - before == 7


async def test_resync_is_due_after_its_interval(fleet: EmbeddedFleet) -> None:
    services = build(fleet, resync_s=0)
    try:
        await sweep(services)
        await sweep(services)
        assert calls(services, "ListJobs") == 14
    finally:
        await services.close()


async def test_finished_jobs_outside_the_window_are_dropped(fleet: EmbeddedFleet) -> None:
    services = build(fleet, terminal_window_h=24)
    old, recent = new_job("SUCCEEDED", age_s=40 * 3600), new_job("SUCCEEDED", age_s=600)
    old.job_stopped_at = datetime.now() - timedelta(hours=30)
    try:
        seen = by_id(await sweep(services))
        assert recent.job_id in seen and old.job_id not in seen
    finally:
        await services.close()


@pytest.fixture
def spare_queue(fleet: EmbeddedFleet) -> Iterator[str]:
    name = f"sweep-{uuid.uuid4().hex[:6]}"
    boto3_client(fleet.url, "batch").create_job_queue(
        jobQueueName=name,
        state="ENABLED",
        priority=1,
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": "cpu-ondemand"}],
    )
    yield name


async def test_a_failed_queue_keeps_its_rows_marked_stale(fleet: EmbeddedFleet, spare_queue: str) -> None:
    services = build(fleet, QUEUE, spare_queue)
    mine = new_job("RUNNING", queue=spare_queue)
    try:
        assert mine.job_id in by_id(await sweep(services))
        backend = batch_backend()
        arn = next(a for a, q in backend._job_queues.items() if q.name == spare_queue)
        del backend._job_queues[arn]  # its listing now fails: "Job queue ... does not exist"
        other = new_job("RUNNABLE", age_s=1)
        seen = by_id(await sweep(services))
        assert other.job_id in seen  # the healthy queue refreshed
        assert mine.job_id in seen  # the failed one kept its last rows
        partial = services.batch.partial
        assert partial is not None and partial.failed == (f"{spare_queue}/NEW",)  # its new jobs were not read
        assert isinstance(partial.error, AwsError) and not partial.stale_ids  # `mine` was described: fresh
    finally:
        await services.close()


async def test_every_part_failing_raises(fleet: EmbeddedFleet) -> None:
    services = build(fleet, "no-such-queue")
    try:
        with pytest.raises(AwsError):
            await sweep(services)
    finally:
        await services.close()


async def test_changes_since_hands_over_only_what_changed(services: Services) -> None:
    await sweep(services)
    await sweep(services)  # array parents' child counts arrive with their first describe
    sweeper = services.batch.sweeper
    version = sweeper.version
    job = new_job("RUNNABLE", age_s=1)
    await sweep(services)
    changes = sweeper.changes_since(version)
    assert changes is not None and [j.job_id for j in changes.upserts] == [job.job_id] and not changes.removed
    nothing = sweeper.changes_since(changes.version)
    await sweep(services)
    assert nothing is not None and not nothing.upserts
    assert sweeper.last_changes == 0

"""A sweep that reads only part of the fleet keeps the last good rows of what failed and shows the rest.

Real ListJobs answers from the embedded fleet; one queue's lists are made to fail the way AWS fails them
(throttled after the retries), the others answer as usual.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

import pytest

from hybridml.aws.errors import ServiceFailure, Throttled
from hybridml.config import BatchSettings, Settings
from hybridml.domain.batch import Job, JobStatus
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.seed import JobSeeder
from hybridml.services import Services
from tests.conftest import TEST_AWS, make_services

GOOD, BAD = "cpu-etl", "gpu-training"


class FailingQueue:
    """Wraps the real ListJobs: the lists of `queue` fail while `failing` is set."""

    def __init__(self, services: Services, queue: str) -> None:
        self.real = services.batch.sweeper._list_jobs
        self.queue = queue
        self.failing = False
        services.batch.sweeper._list_jobs = self

    async def __call__(self, queue: str, status: JobStatus) -> list[Job]:
        if self.failing and queue == self.queue:
            raise Throttled("throttled: Rate exceeded", service="batch", operation="ListJobs")
        return await self.real(queue, status)


@pytest.fixture
async def two_queues(fleet: EmbeddedFleet) -> AsyncIterator[Services]:
    settings = Settings(aws=TEST_AWS, audit_log="", batch=BatchSettings(queues=(GOOD, BAD), terminal_refresh_s=3600))
    built = make_services(fleet, settings)
    try:
        yield built
    finally:
        await built.close()


def new_job(queue: str, jobdef: str, status: str) -> Any:
    seeder = JobSeeder(random.Random(uuid.uuid4().int), datetime.now())
    job = seeder.submit(f"partial-{uuid.uuid4().hex[:8]}", queue, jobdef)
    seeder.set_state(job, status, 120)
    return job


async def sweep(services: Services) -> dict[str, Job]:
    return {j.job_id: j for j in await services.batch.all_jobs((GOOD, BAD), max_age_s=0)}


async def test_a_queue_whose_lists_fail_keeps_its_last_good_rows(two_queues: Services) -> None:
    faults = FailingQueue(two_queues, BAD)
    before_bad = new_job(BAD, "train-resnet50", "RUNNING")
    first = await sweep(two_queues)
    assert before_bad.job_id in first and two_queues.batch.partial is None
    shown_bad = {i for i, j in first.items() if j.queue == BAD and not j.status.is_terminal}

    faults.failing = True
    after_good, after_bad = new_job(GOOD, "etl-parquet", "RUNNABLE"), new_job(BAD, "train-resnet50", "RUNNABLE")
    second = await sweep(two_queues)
    partial = two_queues.batch.partial
    assert partial is not None
    assert set(partial.failed) == {f"{BAD}/{s.value}" for s in JobStatus if not s.is_terminal}
    assert partial.total == 5 * 2 and isinstance(partial.error, Throttled)
    assert shown_bad <= set(second) and shown_bad == set(partial.stale_ids)  # last good rows, marked stale
    assert after_good.job_id in second  # what was read is fresh
    assert after_bad.job_id not in second  # nothing invented for the part not read
    assert {i for i, j in first.items() if j.status.is_terminal} <= set(second)
    assert "5 of 10 reads failed" in partial.summary() and "throttled" in partial.summary()

    faults.failing = False
    third = await sweep(two_queues)
    assert two_queues.batch.partial is None and after_bad.job_id in third


async def test_the_first_sweep_shows_what_it_could_read(two_queues: Services) -> None:
    faults = FailingQueue(two_queues, BAD)
    faults.failing = True
    seen = await sweep(two_queues)
    assert seen and all(j.queue == GOOD for j in seen.values())
    partial = two_queues.batch.partial
    assert partial is not None and len(partial.failed) == 7 and not partial.stale_ids


async def test_when_every_list_fails_the_sweep_fails(two_queues: Services) -> None:
    real = two_queues.batch.sweeper._list_jobs

    async def down(queue: str, status: JobStatus) -> list[Job]:
        raise ServiceFailure("AWS error 503", service="batch", operation="ListJobs")

    two_queues.batch.sweeper._list_jobs = down
    with pytest.raises(ServiceFailure):
        await sweep(two_queues)
    two_queues.batch.sweeper._list_jobs = real
    assert await sweep(two_queues)


async def test_jobs_whose_end_cannot_be_described_stay_as_they_were(two_queues: Services) -> None:
    job = new_job(GOOD, "etl-parquet", "RUNNING")
    assert (await sweep(two_queues))[job.job_id].status is JobStatus.RUNNING
    job.status = "SUCCEEDED"  # leaves the active lists: the next sweep describes it

    async def describe_down(ids: Sequence[str]) -> list[Job]:
        raise Throttled("throttled", service="batch", operation="DescribeJobs")

    real = two_queues.batch.sweeper._describe_jobs
    two_queues.batch.sweeper._describe_jobs = describe_down
    seen = await sweep(two_queues)
    partial = two_queues.batch.partial
    assert seen[job.job_id].status is JobStatus.RUNNING  # its last good state, stale
    assert partial is not None and partial.failed == ("DescribeJobs",) and job.job_id in partial.stale_ids
    two_queues.batch.sweeper._describe_jobs = real
    assert (await sweep(two_queues))[job.job_id].status is JobStatus.SUCCEEDED

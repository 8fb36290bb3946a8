"""A sweep that reads only part of the fleet keeps the last good rows of what failed and shows the rest.

Real ListJobs / DescribeJobs answers from the embedded fleet; one queue's listings are made to fail the way AWS
fails them (throttled after the retries), the others answer as usual.
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
    """Wraps the real listings: those of `queue` fail while `failing` is set."""

    def __init__(self, services: Services, queue: str) -> None:
        batch = services.batch
        self.status_pages, self.created_after_pages = batch.status_pages, batch.created_after_pages
        self.queue = queue
        self.failing = False
        batch.status_pages = self.statuses  # type: ignore[method-assign]
        batch.created_after_pages = self.created_after  # type: ignore[method-assign]

    def _check(self, queue: str) -> None:
        if self.failing and queue == self.queue:
            raise Throttled("throttled: Rate exceeded", service="batch", operation="ListJobs")

    async def statuses(self, queue: str, status: JobStatus, known: Any = None) -> AsyncIterator[list[Job]]:
        self._check(queue)
        async for page in self.status_pages(queue, status, known):
            yield page

    async def created_after(self, queue: str, after_ms: int, known: Any = None) -> AsyncIterator[list[Job]]:
        self._check(queue)
        async for page in self.created_after_pages(queue, after_ms, known):
            yield page


@pytest.fixture
async def two_queues(fleet: EmbeddedFleet) -> AsyncIterator[Services]:
    settings = Settings(aws=TEST_AWS, audit_log="", batch=BatchSettings(queues=(GOOD, BAD), resync_s=3600))
    built = make_services(fleet, settings)
    try:
        yield built
    finally:
        await built.close()


def new_job(queue: str, jobdef: str, status: str, age_s: float = 120) -> Any:
    seeder = JobSeeder(random.Random(uuid.uuid4().int), datetime.now())
    job = seeder.submit(f"partial-{uuid.uuid4().hex[:8]}", queue, jobdef)
    seeder.set_state(job, status, age_s)
    return job


async def sweep(services: Services) -> dict[str, Job]:
    return {j.job_id: j for j in await services.batch.all_jobs((GOOD, BAD), max_age_s=0)}


async def test_a_queue_whose_resync_fails_keeps_its_last_good_rows(two_queues: Services) -> None:
    faults = FailingQueue(two_queues, BAD)
    before_bad = new_job(BAD, "train-resnet50", "RUNNING")
    first = await sweep(two_queues)
    assert before_bad.job_id in first and two_queues.batch.partial is None
    shown_bad = {i for i, j in first.items() if j.queue == BAD and not j.status.is_terminal}

    faults.failing = True
    two_queues.batch.invalidate_jobs()  # a full resync: every status of each queue
    after_good, after_bad = new_job(GOOD, "etl-parquet", "RUNNABLE", 1), new_job(BAD, "train-resnet50", "RUNNABLE", 1)
    second = await sweep(two_queues)
    partial = two_queues.batch.partial
    assert partial is not None and partial.failed == (f"{BAD}/ALL",) and partial.total == 2
    assert isinstance(partial.error, Throttled)
    assert shown_bad <= set(second) and shown_bad == set(partial.stale_ids)  # last good rows, marked stale
    assert after_good.job_id in second  # what was read is fresh
    assert after_bad.job_id not in second  # nothing invented for the part not read
    assert {i for i, j in first.items() if j.status.is_terminal} <= set(second)
    assert "1 of 2 reads failed" in partial.summary() and "throttled" in partial.summary()

    faults.failing = False
    third = await sweep(two_queues)  # the failed queue is resynced again at once
    assert two_queues.batch.partial is None and after_bad.job_id in third


async def test_the_first_sweep_shows_what_it_could_read(two_queues: Services) -> None:
    faults = FailingQueue(two_queues, BAD)
    faults.failing = True
    seen = await sweep(two_queues)
    assert seen and all(j.queue == GOOD for j in seen.values())
    partial = two_queues.batch.partial
    assert partial is not None and partial.failed == (f"{BAD}/ALL",) and not partial.stale_ids


async def test_when_every_read_fails_the_sweep_fails(two_queues: Services) -> None:
    batch = two_queues.batch
    real = batch.status_pages

    async def down(queue: str, status: JobStatus, known: Any = None) -> AsyncIterator[list[Job]]:
        raise ServiceFailure("AWS error 503", service="batch", operation="ListJobs")
        yield []  # pragma: no cover  (an async generator)

    batch.status_pages = down  # type: ignore[method-assign]
    with pytest.raises(ServiceFailure):
        await sweep(two_queues)
    batch.status_pages = real  # type: ignore[method-assign]
    assert await sweep(two_queues)


async def test_jobs_whose_end_cannot_be_described_stay_as_they_were(two_queues: Services) -> None:
    job = new_job(GOOD, "etl-parquet", "RUNNING")
    assert (await sweep(two_queues))[job.job_id].status is JobStatus.RUNNING
    job.status = "SUCCEEDED"  # the next sweep describes the active jobs

    async def describe_down(ids: Sequence[str]) -> list[Job]:
        raise Throttled("throttled", service="batch", operation="DescribeJobs")

    batch = two_queues.batch
    real = batch.describe_jobs
    batch.describe_jobs = describe_down  # type: ignore[method-assign]
    seen = await sweep(two_queues)
    partial = batch.partial
    assert seen[job.job_id].status is JobStatus.RUNNING  # its last good state, stale
    assert partial is not None and partial.failed == ("DescribeJobs",) and job.job_id in partial.stale_ids
    batch.describe_jobs = real  # type: ignore[method-assign]
    assert (await sweep(two_queues))[job.job_id].status is JobStatus.SUCCEEDED

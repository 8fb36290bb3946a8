"""Incremental job sweeps against the embedded fleet: finished jobs are not re-listed on every refresh."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from hybridml.config import BatchSettings, Settings
from hybridml.domain.batch import JobStatus
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.seed import JobSeeder
from hybridml.services import Services
from tests.conftest import TEST_AWS, make_services

QUEUE = "cpu-etl"


@pytest.fixture
async def slow_terminal(fleet: EmbeddedFleet) -> AsyncIterator[Services]:
    settings = Settings(aws=TEST_AWS, audit_log="", batch=BatchSettings(queues=(QUEUE,), terminal_refresh_s=3600))
    built = make_services(fleet, settings)
    try:
        yield built
    finally:
        await built.close()


def list_calls(services: Services) -> int:
    return services.session.meter.by_operation.get("ListJobs", 0)


def new_job(status: str, age_s: float = 120) -> Any:
    import random

    seeder = JobSeeder(random.Random(uuid.uuid4().int), datetime.now())
    job = seeder.submit(f"sweep-{uuid.uuid4().hex[:8]}", QUEUE, "etl-parquet")
    seeder.set_state(job, status, age_s)
    return job


async def sweep(services: Services) -> dict[str, JobStatus]:
    jobs = await services.batch.all_jobs((QUEUE,), max_age_s=0)
    return {j.job_id: j.status for j in jobs}


async def test_second_sweep_lists_only_active_statuses(slow_terminal: Services) -> None:
    first = await sweep(slow_terminal)
    assert list_calls(slow_terminal) == 7  # one queue x every status
    second = await sweep(slow_terminal)
    assert list_calls(slow_terminal) == 7 + 5  # the two terminal statuses were not listed again
    finished = {i for i, s in first.items() if s.is_terminal}
    assert finished and finished <= set(second)  # finished jobs are kept from the first sweep


async def test_a_job_that_finishes_between_sweeps_shows_its_final_state(slow_terminal: Services) -> None:
    job = new_job("RUNNING")
    assert (await sweep(slow_terminal))[job.job_id] is JobStatus.RUNNING
    job.status = "FAILED"
    job.job_stopped, job.job_stopped_at = True, datetime.now()
    before = slow_terminal.session.meter.by_operation.get("DescribeJobs", 0)
    seen = await sweep(slow_terminal)
    assert seen[job.job_id] is JobStatus.FAILED
    assert slow_terminal.session.meter.by_operation["DescribeJobs"] == before + 1  # one chunk of vanished ids


async def test_invalidate_lists_every_status_again(slow_terminal: Services) -> None:
    await sweep(slow_terminal)
    done = new_job("SUCCEEDED")  # finished between sweeps without ever being seen active
    assert done.job_id not in await sweep(slow_terminal)
    slow_terminal.batch.invalidate_jobs()
    calls = list_calls(slow_terminal)
    assert (await sweep(slow_terminal))[done.job_id] is JobStatus.SUCCEEDED
    assert list_calls(slow_terminal) == calls + 7


async def test_terminal_jobs_are_relisted_after_the_refresh_interval(fleet: EmbeddedFleet) -> None:
    settings = Settings(aws=TEST_AWS, audit_log="", batch=BatchSettings(queues=(QUEUE,), terminal_refresh_s=0))
    services = make_services(fleet, settings)
    try:
        await sweep(services)
        await sweep(services)
        assert list_calls(services) == 14
    finally:
        await services.close()


async def test_finished_jobs_outside_the_window_are_dropped(fleet: EmbeddedFleet) -> None:
    settings = Settings(aws=TEST_AWS, audit_log="", batch=BatchSettings(queues=(QUEUE,), terminal_window_h=24))
    services = make_services(fleet, settings)
    old, recent = new_job("SUCCEEDED", age_s=40 * 3600), new_job("SUCCEEDED", age_s=600)
    old.job_stopped_at = datetime.now() - timedelta(hours=30)
    try:
        seen = await sweep(services)
        assert recent.job_id in seen and old.job_id not in seen
    finally:
        await services.close()

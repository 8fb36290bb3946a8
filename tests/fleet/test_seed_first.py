"""The demo seeds the first screenful (the newest jobs) before the rest, and says when."""

from __future__ import annotations

import random
import uuid
from datetime import datetime

from hybridml.fleet.backends import batch_backend
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.seed import JobSeeder, SeededFleet, boto3_client, seed_jobs


def test_the_newest_jobs_come_first(fleet: EmbeddedFleet) -> None:
    queue = f"first-{uuid.uuid4().hex[:6]}"
    boto3_client(fleet.url, "batch").create_job_queue(
        jobQueueName=queue,
        state="ENABLED",
        priority=1,
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": "cpu-ondemand"}],
    )
    result = SeededFleet(url=fleet.url)
    seeder = JobSeeder(random.Random(3), datetime.now(), logs=False)
    at_first: list[set[str]] = []

    def ours() -> set[str]:
        return {j.job_id for j in list(batch_backend()._jobs.values()) if j.job_queue.name == queue}

    seed_jobs(result, seeder, 50, {queue: ("etl-parquet",)}, first=12, on_first=lambda: at_first.append(ours()))
    assert len(at_first) == 1 and len(at_first[0]) == 12
    jobs = {i: batch_backend()._jobs[i] for i in ours()}
    assert len(jobs) == 50
    newest = sorted(jobs, key=lambda i: jobs[i].job_created_at, reverse=True)[:12]
    assert set(newest) == at_first[0]

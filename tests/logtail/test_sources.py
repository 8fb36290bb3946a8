"""Resolving what to follow: Batch attempts, array children, RUNNABLE jobs, training jobs, endpoints;
and following through a throttling proxy."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hybridml.config import Settings
from hybridml.domain.logs import BATCH_LOG_GROUP, TRAINING_LOG_GROUP, LogSource
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.faultproxy import FaultProxy
from hybridml.fleet.faultrules import FaultRules
from hybridml.fleet.seed import JobSeeder
from hybridml.logtail.follower import LogFollower
from hybridml.logtail.sources import SourceNotFound, resolve
from hybridml.services import Services
from tests.conftest import TEST_AWS
from tests.logtail.conftest import collect, new_batch_stream, put, unique


async def test_batch_job_with_two_attempts_has_a_tagged_stream_each(services: Services, seeder: JobSeeder) -> None:
    job = seeder.submit(unique("logs-retried"), "cpu-etl", "etl-parquet")
    seeder.set_state(job, "FAILED", 600, attempts=2)
    job_id = job.job_id
    resolved = await resolve(services.batch, services.logs, LogSource.batch_job(job_id))
    assert [s.label for s in resolved.streams] == ["#1", "#2"]
    assert all(s.group == BATCH_LOG_GROUP and not s.live for s in resolved.streams)
    only = await resolve(services.batch, services.logs, LogSource.parse(f"{job_id}#2"))
    assert [s.name for s in only.streams] == [resolved.streams[1].name] and only.streams[0].label == ""


async def test_array_job_follows_every_child(services: Services, fleet: EmbeddedFleet) -> None:
    parent = fleet.seeded.array_parents[0]
    resolved = await resolve(services.batch, services.logs, LogSource.batch_job(parent))
    labels = {s.label.split("#")[0] for s in resolved.streams}
    assert len(labels) >= 10 and all(label.startswith("[") for label in labels)
    assert resolved.title.startswith("array job")


async def test_runnable_job_waits_then_its_stream_is_picked_up(services: Services, seeder: JobSeeder) -> None:
    job = seeder.submit(unique("logs-runnable"), "cpu-etl", "etl-parquet")
    seeder.set_state(job, "RUNNABLE", 30)
    source = LogSource.batch_job(job.job_id)
    follower = LogFollower(
        services.logs, lambda: resolve(services.batch, services.logs, source), poll_s=0.2, resolve_every_s=0.2
    )
    batches = follower.batches()
    await collect(batches, lambda m, b: b.status.state == "waiting")
    assert "RUNNABLE" in follower.resolved.note and "no log stream yet" in follower.resolved.note  # type: ignore[union-attr]
    stream = new_batch_stream(seeder, job)
    put(BATCH_LOG_GROUP, stream, ["container started", "step 1"])
    job.log_stream_name, job.status = stream, "RUNNING"
    assert await collect(batches, lambda m, b: len(m) >= 2) == ["container started", "step 1"]
    follower.stop()


async def test_unknown_job_is_reported_not_found(services: Services) -> None:
    with pytest.raises(SourceNotFound, match="not found"):
        await resolve(services.batch, services.logs, LogSource.batch_job("no-such-job"))
    follower = LogFollower(services.logs, lambda: resolve(services.batch, services.logs, LogSource.batch_job("x")))
    batches = [b async for b in follower.batches()]
    assert batches[-1].status.state == "not found"


async def test_training_job_streams_by_prefix(services: Services, fleet: EmbeddedFleet) -> None:
    name = unique("train-logs")
    put(TRAINING_LOG_GROUP, f"{name}/algo-1-100", ["epoch 1"])
    put(TRAINING_LOG_GROUP, f"{name}-other/algo-1-100", ["not mine"])
    resolved = await resolve(services.batch, services.logs, LogSource.parse(f"training/{name}"))
    assert [s.name for s in resolved.streams] == [f"{name}/algo-1-100"]


async def test_endpoint_streams_and_missing_group(services: Services) -> None:
    name = unique("ep")
    put(f"/aws/sagemaker/Endpoints/{name}", "AllTraffic/i-0abc", ["POST /invocations 200"])
    resolved = await resolve(services.batch, services.logs, LogSource.endpoint(name))
    assert [(s.name, s.label) for s in resolved.streams] == [("AllTraffic/i-0abc", "i-0abc")]


@pytest.fixture
def throttling(fleet: EmbeddedFleet) -> Iterator[FaultProxy]:
    with FaultProxy(fleet.url) as proxy:
        proxy.set_rules(FaultRules(throttle_rate=0.6, services={"logs"}, seed=3))
        yield proxy


async def test_follow_survives_throttling(fleet: EmbeddedFleet, throttling: FaultProxy) -> None:
    settings = Settings(aws=TEST_AWS.model_copy(update={"max_attempts": 1}), audit_log="")
    services = Services.build(
        settings,
        region=fleet.region,
        endpoint_url=throttling.url,
        static_credentials=(fleet.access_key, fleet.secret_key),
    )
    group, stream = "/hybridml/tests/throttle", unique("s")
    put(group, stream, [f"line {i}" for i in range(5)])
    from hybridml.domain.logs import LogStreamRef
    from tests.logtail.conftest import fixed

    follower = LogFollower(services.logs, fixed([LogStreamRef(group, stream)]), poll_s=0.2)
    follower._backoff = lambda: 0.2  # type: ignore[method-assign]  # keep the test fast; the policy is tested below
    states: list[str] = []
    batches = follower.batches()
    got = await collect(batches, lambda m, b: states.append(b.status.state) or len(m) >= 5)
    put(group, stream, [f"line {i}" for i in range(5, 10)])
    got += await collect(batches, lambda m, b: states.append(b.status.state) or len(m) >= 5)
    follower.stop()
    await services.close()
    assert got == [f"line {i}" for i in range(10)]  # nothing lost, nothing twice
    assert throttling.count(service="logs", outcome="throttled") > 0
    assert "throttled" in states


def test_backoff_grows_with_failures_and_is_capped() -> None:
    follower = LogFollower(None, None, poll_s=1.0)  # type: ignore[arg-type]
    follower._failures = 1
    first = follower._backoff()
    follower._failures = 10
    assert 1.5 <= first <= 2.5 and follower._backoff() <= 36


async def test_follow_ends_when_the_job_is_finished_and_read(services: Services, seeder: JobSeeder) -> None:
    job = seeder.submit(unique("logs-done"), "cpu-etl", "etl-parquet")
    seeder.set_state(job, "SUCCEEDED", 600)
    source = LogSource.batch_job(job.job_id)
    follower = LogFollower(services.logs, lambda: resolve(services.batch, services.logs, source), poll_s=0.2)
    batches = [b async for b in follower.batches()]  # follow=True, yet it ends
    assert batches[-1].status.state == "ended"
    assert sum(len(b.events) for b in batches) >= 3

"""Mutations through a misbehaving link: never sent twice, never silently lost.

The mutation client makes one attempt. When the answer is lost after the request reached the server
(reset or 5xx after forwarding) exactly one job / one terminate lands upstream and the user is told the
outcome is unknown; when AWS refused it (throttled) nothing landed and the message says plainly it failed.
"""

from __future__ import annotations

import json
import random
import uuid
from datetime import datetime
from typing import Any

import pytest

from hybridml.actions.batch import SubmitJob, TerminateJob
from hybridml.aws.errors import AwsError, ServiceFailure, Throttled, Unreachable
from hybridml.domain.submit import SubmitRequest
from hybridml.fleet.backends import batch_backend
from hybridml.fleet.faultproxy import FaultProxy, FaultRules
from hybridml.fleet.seed import JobSeeder
from hybridml.services import Services
from tests.faults.conftest import QUEUE


def jobs_named(name: str) -> list[Any]:
    return [job for job in list(batch_backend()._jobs.values()) if job.job_name == name]


async def submit(services: Services, name: str) -> Any:
    return await services.run(SubmitJob(SubmitRequest(QUEUE, "etl-parquet", name)))


async def terminate(services: Services, job_id: str, reason: str) -> Any:
    job = await services.batch.job(job_id)
    assert job is not None
    return await services.run(TerminateJob(job, reason))


def audit_results(services: Services) -> list[str]:
    return [str(entry["result"]) for entry in services.audit_log.entries()]


@pytest.mark.parametrize(
    ("rules", "error"),
    [
        (FaultRules(reset_rate=1.0, fault_when_forwarded=True, operations={"SubmitJob"}), Unreachable),
        (FaultRules(reset_rate=1.0, hard_reset=True, fault_when_forwarded=True, operations={"SubmitJob"}), Unreachable),
        (FaultRules(error_rate=1.0, fault_when_forwarded=True, operations={"SubmitJob"}), ServiceFailure),
    ],
    ids=["reset", "rst", "5xx"],
)
async def test_submit_whose_answer_is_lost_lands_once_and_says_unknown(
    services: Services, proxy: FaultProxy, rules: FaultRules, error: type[AwsError]
) -> None:
    name = f"fault-submit-{uuid.uuid4().hex[:8]}"
    proxy.set_rules(rules)
    with pytest.raises(error) as info:
        await submit(services, name)

    assert proxy.count(operation="SubmitJob") == 1  # sent once, never retried
    assert proxy.count(operation="SubmitJob", upstream=True) == 1
    assert len(jobs_named(name)) == 1  # exactly one job exists
    assert info.value.outcome_unknown
    assert "outcome unknown" in str(info.value) and name in str(info.value)
    assert audit_results(services) == ["unknown"]


async def test_submit_reset_before_it_is_forwarded_creates_nothing_and_says_unknown(
    services: Services, proxy: FaultProxy
) -> None:
    name = f"fault-lost-{uuid.uuid4().hex[:8]}"
    proxy.set_rules(FaultRules(reset_rate=1.0, operations={"SubmitJob"}))
    with pytest.raises(Unreachable) as info:
        await submit(services, name)
    assert proxy.count(operation="SubmitJob") == 1 and proxy.count(operation="SubmitJob", upstream=True) == 0
    assert jobs_named(name) == []
    assert info.value.outcome_unknown  # the client cannot tell this from a reset after forwarding


async def test_throttled_submit_is_a_plain_failure(services: Services, proxy: FaultProxy) -> None:
    name = f"fault-throttled-{uuid.uuid4().hex[:8]}"
    proxy.set_rules(FaultRules(throttle_rate=1.0, operations={"SubmitJob"}))
    with pytest.raises(Throttled) as info:
        await submit(services, name)
    assert proxy.count(operation="SubmitJob") == 1 and jobs_named(name) == []
    assert not info.value.outcome_unknown and "outcome unknown" not in str(info.value)
    assert audit_results(services) == ["error"]


async def test_submit_after_the_fault_works_and_shows_on_the_next_refresh(
    services: Services, proxy: FaultProxy
) -> None:
    await services.batch.all_jobs((QUEUE,))
    proxy.set_rules(FaultRules(reset_rate=1.0, operations={"SubmitJob"}))
    with pytest.raises(Unreachable):
        await submit(services, f"fault-first-{uuid.uuid4().hex[:8]}")
    proxy.clear()
    name = f"fault-second-{uuid.uuid4().hex[:8]}"
    submitted = await submit(services, name)
    seen = {job.name for job in await services.batch.all_jobs((QUEUE,), max_age_s=0)}
    assert name in seen  # moto finishes it at once: the mutation forced a sweep of finished jobs too
    assert audit_results(services) == ["unknown", "ok"]
    entry = services.audit_log.entries()[-1]
    assert entry["request_id"] and entry["target"] == QUEUE and entry["request"]["jobName"] == submitted.name
    assert json.dumps(entry)  # the audit entry is plain JSON


@pytest.mark.parametrize("hard", [False, True], ids=["reset", "rst"])
async def test_terminate_whose_answer_is_lost_lands_once(services: Services, proxy: FaultProxy, hard: bool) -> None:
    seeder = JobSeeder(random.Random(uuid.uuid4().int), datetime.now())
    job = seeder.submit(f"fault-running-{uuid.uuid4().hex[:8]}", QUEUE, "etl-parquet")
    seeder.set_state(job, "RUNNING", 300)
    reason = f"fault test {uuid.uuid4().hex[:6]}"
    proxy.set_rules(FaultRules(reset_rate=1.0, hard_reset=hard, fault_when_forwarded=True, operations={"TerminateJob"}))
    with pytest.raises(Unreachable) as info:
        await terminate(services, job.job_id, reason)
    assert proxy.count(operation="TerminateJob") == 1
    assert proxy.count(operation="TerminateJob", upstream=True) == 1
    assert job.job_stopped_reason == reason  # it did land (moto only records the reason)
    assert info.value.outcome_unknown and job.job_id in str(info.value)


async def test_reads_retry_through_a_flaky_link(fleet: Any, proxy: FaultProxy) -> None:
    from hybridml.config import AwsSettings
    from tests.faults.conftest import proxied

    services = proxied(fleet, proxy, aws=AwsSettings(read_timeout_s=2, max_attempts=6, retry_mode="standard"))
    try:
        proxy.set_rules(FaultRules(error_rate=0.25, throttle_rate=0.15, latency_s=0.01, services={"batch"}, seed=3))
        jobs = await services.batch.all_jobs((QUEUE,), max_age_s=0)
        assert jobs and proxy.count(outcome="error") + proxy.count(outcome="throttled") >= 1
    finally:
        await services.close()

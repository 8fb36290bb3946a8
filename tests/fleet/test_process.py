"""The `--demo` fleet in a child process: milestones, call gates, clean stop."""

from __future__ import annotations

import asyncio
import socket
import threading

from hybridml.config import Settings
from hybridml.fleet.process import LATE_SERVICES, FleetProcess
from hybridml.services import Services
from tests.conftest import HANG_GUARD_S, TEST_AWS


def build(url: str, region: str, keys: tuple[str, str]) -> Services:
    return Services.build(
        Settings(aws=TEST_AWS, audit_log=""), region=region, endpoint_url=url, static_credentials=keys
    )


async def test_calls_wait_for_the_child_then_see_the_fleet() -> None:
    fleet = FleetProcess.start(jobs=20, simulate=False)
    services = build(fleet.url, fleet.region, (fleet.access_key, fleet.secret_key))
    services.session.hold_until(fleet.batch_ready)
    services.session.hold_until(fleet.ready, LATE_SERVICES)
    try:
        queues = await asyncio.wait_for(services.batch.job_queues(), timeout=HANG_GUARD_S)  # held until Batch is seeded
        assert fleet.batch_ready.is_set()
        assert {q.name for q in queues} >= {"gpu-inference", "cpu-etl"}
        logs = await services.session.client("logs")  # held until logs are written
        assert fleet.ready.is_set()
        groups = await logs.describe_log_groups(logGroupNamePrefix="/aws/batch/job")
        assert groups["logGroups"]
        assert fleet.error == ""
    finally:
        await services.close()
        fleet.stop()
    assert fleet.process.returncode is not None  # the child is gone


async def test_gate_holds_only_its_services() -> None:
    gate = threading.Event()
    services = build("http://127.0.0.1:9", "us-east-1", ("a", "b"))
    services.session.hold_until(gate, ("logs",))
    try:
        await asyncio.wait_for(services.session.client("batch"), timeout=HANG_GUARD_S)  # not gated
        held = asyncio.ensure_future(services.session.client("logs"))
        done, _ = await asyncio.wait({held}, timeout=0.3)
        assert not done  # held at the gate
        gate.set()
        assert await asyncio.wait_for(held, timeout=HANG_GUARD_S) is not None
    finally:
        await services.close()


def test_a_child_that_fails_opens_the_gates_and_says_why() -> None:
    with socket.socket() as taken:  # the port the child is told to use is already in use
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        fleet = FleetProcess.start(jobs=5, simulate=False, port=taken.getsockname()[1])
        assert fleet.ready.wait(timeout=HANG_GUARD_S)
    fleet.stop()
    assert fleet.batch_ready.is_set()
    assert fleet.error.startswith("demo fleet process failed")

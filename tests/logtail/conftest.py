"""Helpers for log tests: unique streams in the shared fleet, lines put through moto's backend."""

from __future__ import annotations

import itertools
import random
import time
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

import pytest

from hybridml.domain.logs import BATCH_LOG_GROUP, LogSource, LogStreamRef, ResolvedLogs
from hybridml.fleet.backends import logs_backend
from hybridml.fleet.seed import JobSeeder
from hybridml.logtail.follower import LogBatch, LogFollower

_counter = itertools.count()


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_counter)}-{uuid.uuid4().hex[:6]}"


def now_ms() -> int:
    return int(time.time() * 1000)


def make_stream(group: str, stream: str) -> None:
    logs = logs_backend()
    if group not in logs.groups:
        logs.create_log_group(group, {})
    if stream not in logs.groups[group].streams:
        logs.create_log_stream(group, stream)


def put(group: str, stream: str, lines: list[str], start_ms: int | None = None, step_ms: int = 1) -> None:
    make_stream(group, stream)
    base = now_ms() if start_ms is None else start_ms
    logs_backend().put_log_events(
        group, stream, [{"timestamp": base + i * step_ms, "message": m} for i, m in enumerate(lines)]
    )


def fixed(streams: list[LogStreamRef], title: str = "test") -> Callable[[], Any]:
    """A resolver over a list the test can append to (new streams appear during follow)."""

    async def resolver() -> ResolvedLogs:
        return ResolvedLogs(LogSource.batch_job("test"), title, tuple(streams))

    return resolver


async def collect(batches: AsyncIterator[LogBatch], until: Callable[[list[str], LogBatch], bool]) -> list[str]:
    """Messages from the follower until `until(messages, last_batch)` (a hang guard only: `HANG_GUARD_S`)."""
    import asyncio

    from tests.conftest import HANG_GUARD_S

    messages: list[str] = []
    async with asyncio.timeout(HANG_GUARD_S):
        async for batch in batches:
            messages.extend(e.message for e in batch.events)
            if until(messages, batch):
                break
    return messages


@pytest.fixture
def seeder() -> JobSeeder:
    return JobSeeder(random.Random(), datetime.now())  # unseeded: stream names never collide across tests


def new_batch_stream(seeder: JobSeeder, job: Any) -> str:
    stream = f"{job.job_definition.name}/default/{uuid.uuid4().hex}"
    make_stream(BATCH_LOG_GROUP, stream)
    return stream


__all__ = ["LogFollower"]

"""The shared read cache and the per-task request tally (no AWS: pure asyncio)."""

from __future__ import annotations

import asyncio

from hybridml.aws.cache import ReadCache
from hybridml.aws.session import _TALLY, counting


class Clock:
    now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_fresh_enough_answers_are_shared_and_concurrent_askers_share_one_call() -> None:
    clock = Clock()
    cache = ReadCache(clock)
    calls = 0
    release = asyncio.Event()

    async def fetch() -> int:
        nonlocal calls
        calls += 1
        await release.wait()
        return calls

    first = asyncio.ensure_future(cache.get("k", 0, fetch))
    second = asyncio.ensure_future(cache.get("k", 30, fetch))
    await asyncio.sleep(0)
    release.set()
    assert await first == await second == 1 and calls == 1
    clock.now += 20
    assert await cache.get("k", 30, fetch) == 1  # 20 s old: fresh enough for a 30 s consumer
    assert await cache.get("k", 5, fetch) == 2  # not for a 5 s one
    cache.invalidate()
    assert await cache.get("k", 3600, fetch) == 3


async def test_a_failed_read_is_not_cached() -> None:
    cache = ReadCache(Clock())

    async def broken() -> int:
        raise RuntimeError("down")

    for _ in range(2):
        try:
            await cache.get("k", 60, broken)
        except RuntimeError:
            pass
    assert cache.misses == 2


async def test_a_tally_counts_its_task_and_the_tasks_it_starts() -> None:
    def sent() -> None:  # what the session's before-send hook does
        tally = _TALLY.get()
        if tally is not None:
            tally.requests += 1

    async def child() -> None:
        sent()

    with counting() as mine:
        sent()
        await asyncio.gather(child(), child())
    sent()  # outside: not counted
    assert mine.requests == 3

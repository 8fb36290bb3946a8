"""LogFollower against the embedded fleet: lines appear, de-duplicated, merged in order, new streams are
picked up, throttling and a deleted log group are survived."""

from __future__ import annotations

import asyncio

from hybridml.aws.errors import NotFound
from hybridml.domain.logs import LogStreamRef
from hybridml.fleet.backends import logs_backend
from hybridml.logtail.follower import LogFollower, SeenEvents
from hybridml.services import Services
from tests.logtail.conftest import collect, fixed, now_ms, put, unique

GROUP = "/hybridml/tests/follow"


async def test_lines_put_later_appear_during_follow(services: Services) -> None:
    stream = unique("app")
    put(GROUP, stream, ["first", "second"])
    follower = LogFollower(services.logs, fixed([LogStreamRef(GROUP, stream)]), poll_s=0.2)
    batches = follower.batches()
    seen = await collect(batches, lambda m, b: len(m) >= 2)
    assert seen == ["first", "second"]
    put(GROUP, stream, ["third", "fourth"])
    more = await collect(batches, lambda m, b: len(m) >= 2)
    assert more == ["third", "fourth"]
    assert follower.status.state == "following"
    follower.stop()


async def test_two_streams_are_merged_in_time_order_and_tagged(services: Services) -> None:
    a, b = unique("a"), unique("b")
    base = now_ms() - 10_000
    put(GROUP, a, [f"a{i}" for i in range(0, 10, 2)], start_ms=base, step_ms=200)  # t = 0, 200, 400 ...
    put(GROUP, b, [f"b{i}" for i in range(1, 10, 2)], start_ms=base + 100, step_ms=200)  # t = 100, 300 ...
    refs = [LogStreamRef(GROUP, a, "A", live=False), LogStreamRef(GROUP, b, "B", live=False)]
    follower = LogFollower(services.logs, fixed(refs), follow=False, pages_per_round=1)
    events = [e async for batch in follower.batches() for e in batch.events]
    assert [e.message for e in events] == ["a0", "b1", "a2", "b3", "a4", "b5", "a6", "b7", "a8", "b9"]
    assert {e.label for e in events} == {"A", "B"}


async def test_merge_holds_back_lines_while_another_stream_still_pages(services: Services) -> None:
    big, small = unique("big"), unique("small")
    base = now_ms() - 60_000
    put(GROUP, big, [f"big{i}" for i in range(30)], start_ms=base, step_ms=10)
    put(GROUP, small, ["small-early", "small-late"], start_ms=base + 5, step_ms=1000)
    refs = [LogStreamRef(GROUP, big, "big", live=False), LogStreamRef(GROUP, small, "small", live=False)]
    # 10 events per page: `big` needs several rounds while `small` is read at once
    follower = LogFollower(services.logs, fixed(refs), follow=False, pages_per_round=1, page_limit=10)
    events = [e async for batch in follower.batches() for e in batch.events]
    stamps = [e.timestamp_ms for e in events]
    assert stamps == sorted(stamps) and len(events) == 32


async def test_events_delivered_twice_are_dropped(services: Services) -> None:
    stream = unique("dup")
    base = now_ms()
    put(GROUP, stream, ["one", "two", "three"], start_ms=base)
    follower = LogFollower(services.logs, fixed([LogStreamRef(GROUP, stream)]), poll_s=0.2)
    batches = follower.batches()
    assert await collect(batches, lambda m, b: len(m) >= 3) == ["one", "two", "three"]
    # A late event with an older timestamp shifts moto's index-based tokens: the next page re-delivers
    # "three" (as real AWS may after a reconnect); then a reset token replays everything.
    put(GROUP, stream, ["late"], start_ms=base - 5)
    put(GROUP, stream, ["four"], start_ms=base + 10)
    after = await collect(batches, lambda m, b: "four" in m)
    assert "three" not in after
    for state in follower.streams.values():
        state.token = None
        state.start_ms = None
    put(GROUP, stream, ["five"], start_ms=base + 20)
    replay = await collect(batches, lambda m, b: "five" in m)
    assert sorted(after + replay) == ["five", "four", "late"]  # every line exactly once
    follower.stop()


def test_seen_events_is_bounded() -> None:
    from hybridml.domain.logs import LogEvent

    seen = SeenEvents(cap=100)
    assert all(seen.fresh(LogEvent(i, "x", "s")) for i in range(500))
    assert len(seen._keys) <= 100
    assert not seen.fresh(LogEvent(499, "x", "s"))


async def test_a_stream_that_appears_during_follow_is_picked_up(services: Services) -> None:
    first, second = unique("attempt1"), unique("attempt2")
    put(GROUP, first, ["attempt 1 line"])
    refs = [LogStreamRef(GROUP, first, "#1")]
    follower = LogFollower(services.logs, fixed(refs), poll_s=0.2, resolve_every_s=0.2)
    batches = follower.batches()
    assert await collect(batches, lambda m, b: len(m) >= 1) == ["attempt 1 line"]
    put(GROUP, second, ["attempt 2 line"])
    refs.append(LogStreamRef(GROUP, second, "#2"))
    events = []
    async with asyncio.timeout(10):
        async for batch in batches:
            events.extend(batch.events)
            if events:
                break
    assert [(e.message, e.label) for e in events] == [("attempt 2 line", "#2")]
    assert len(follower.streams) == 2
    follower.stop()


async def test_finished_streams_stop_being_polled(services: Services) -> None:
    stream = unique("done")
    put(GROUP, stream, ["bye"])
    follower = LogFollower(services.logs, fixed([LogStreamRef(GROUP, stream, live=False)]), poll_s=0.2)
    batches = follower.batches()
    await collect(batches, lambda m, b: bool(m))
    await collect(batches, lambda m, b: True)  # the round after: caught up and retired
    assert all(s.retired for s in follower.streams.values())
    before = services.session.meter.by_operation.get("GetLogEvents", 0)
    await collect(batches, lambda m, b: True)
    assert services.session.meter.by_operation.get("GetLogEvents", 0) == before
    follower.stop()


async def test_deleted_log_group_waits_then_recovers(services: Services) -> None:
    group, stream = unique("/hybridml/tests/deleted"), "s"
    put(group, stream, ["before delete"])
    follower = LogFollower(services.logs, fixed([LogStreamRef(group, stream)]), poll_s=0.2)
    batches = follower.batches()
    assert await collect(batches, lambda m, b: bool(m)) == ["before delete"]
    logs_backend().delete_log_group(group)
    await collect(batches, lambda m, b: b.status.state == "waiting")
    assert "does not exist" in follower.status.detail and "deleted" in follower.status.detail
    put(group, stream, ["after recreate"])
    follower._failures = 0  # skip the back-off wait
    assert await collect(batches, lambda m, b: bool(m)) == ["after recreate"]
    assert follower.status.state == "following"
    follower.stop()


async def test_missing_group_raises_not_found_from_the_service(services: Services) -> None:
    import pytest

    with pytest.raises(NotFound):
        await services.logs.events("/hybridml/tests/never", "s")


async def test_known_streams_keep_flowing_when_resolving_again_fails(services: Services) -> None:
    from hybridml.aws.errors import Throttled
    from hybridml.domain.logs import LogSource, ResolvedLogs

    stream = unique("resolve-fails")
    put(GROUP, stream, ["first"])
    calls = {"n": 0}

    async def flaky() -> ResolvedLogs:
        calls["n"] += 1
        if calls["n"] > 1:
            raise Throttled("throttled by AWS (ThrottlingException); retrying later", service="batch")
        return ResolvedLogs(LogSource.batch_job("x"), "t", (LogStreamRef(GROUP, stream),))

    follower = LogFollower(services.logs, flaky, poll_s=0.2, resolve_every_s=0.2)
    follower._backoff = lambda: 0.2  # type: ignore[method-assign]
    batches = follower.batches()
    assert await collect(batches, lambda m, b: bool(m)) == ["first"]
    await collect(batches, lambda m, b: b.status.state == "throttled")
    put(GROUP, stream, ["second"])
    assert await collect(batches, lambda m, b: bool(m)) == ["second"]
    follower.stop()

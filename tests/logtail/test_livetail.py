"""Live tail (StartLiveTail) wiring. moto cannot serve StartLiveTail's event stream, so only `live_tail`
is replaced here; streams, GetLogEvents and STS come from the embedded server."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator, Sequence

from hybridml.aws.errors import AccessDenied
from hybridml.aws.logs import LiveTailUpdate, LogsService
from hybridml.domain.logs import LogEvent, LogStreamRef
from hybridml.logtail.follower import LogFollower
from hybridml.logtail.livetail import LiveTailer
from hybridml.services import Services
from tests.logtail.conftest import collect, fixed, now_ms, put, unique

GROUP = "/hybridml/tests/livetail"


class ScriptedLiveTail(LogsService):
    """The real service, with StartLiveTail answering from a script (or refusing)."""

    def __init__(self, services: Services, frames: list[LiveTailUpdate], *, refuse: bool = False) -> None:
        super().__init__(services.session)
        self.frames = frames
        self.refuse = refuse
        self.sessions: list[tuple[list[str], list[str]]] = []

    async def live_tail(self, group_arns: Sequence[str], stream_names: Sequence[str]) -> AsyncIterator[LiveTailUpdate]:
        self.sessions.append((list(group_arns), list(stream_names)))
        if self.refuse:
            raise AccessDenied("not authorized to perform: logs:StartLiveTail", service="logs")
        for frame in self.frames:
            yield frame
        await asyncio.Event().wait()  # the session stays open


async def test_live_tail_after_backfill_shows_sampling(services: Services) -> None:
    stream = unique("lt")
    put(GROUP, stream, ["from the backlog"])
    live = LogEvent(now_ms(), "via live tail", stream, now_ms())
    logs = ScriptedLiveTail(services, [LiveTailUpdate((), started=True), LiveTailUpdate((live,), sampled=True)])
    follower = LogFollower(logs, fixed([LogStreamRef(GROUP, stream)]), poll_s=0.2, live_tail=LiveTailer(logs))
    batches = follower.batches()
    got = await collect(batches, lambda m, b: "via live tail" in m)
    follower.stop()
    assert got == ["from the backlog", "via live tail"]
    assert follower.status.mode == "live tail" and follower.status.sampled
    arns, names = logs.sessions[0]
    assert arns == [f"arn:aws:logs:us-east-1:123456789012:log-group:{GROUP}"] and names == [stream]


async def test_refused_live_tail_falls_back_to_polling(services: Services) -> None:
    stream = unique("lt-denied")
    put(GROUP, stream, ["one"])
    logs = ScriptedLiveTail(services, [], refuse=True)
    tailer = LiveTailer(logs)
    follower = LogFollower(logs, fixed([LogStreamRef(GROUP, stream)]), poll_s=0.2, live_tail=tailer)
    batches = follower.batches()
    assert await collect(batches, lambda m, b: bool(m)) == ["one"]
    await collect(batches, lambda m, b: "polling" in b.status.detail and "unavailable" in b.status.detail)
    assert not tailer.usable
    put(GROUP, stream, ["two"])
    assert await collect(batches, lambda m, b: bool(m)) == ["two"]  # polled
    follower.stop()


async def test_session_is_renewed_before_the_service_limit(services: Services) -> None:
    stream = unique("lt-renew")
    put(GROUP, stream, ["x"])
    logs = ScriptedLiveTail(services, [LiveTailUpdate((), started=True)])
    tailer = LiveTailer(logs, recheck_s=0.1, reconnect_after_s=0.3)
    follower = LogFollower(logs, fixed([LogStreamRef(GROUP, stream)]), poll_s=0.2, live_tail=tailer)
    batches = follower.batches()
    await collect(batches, lambda m, b: "3-hour" in b.status.detail)
    await collect(batches, lambda m, b: len(logs.sessions) >= 2)
    follower.stop()
    assert tailer.usable


def test_live_tail_is_only_tried_against_real_aws(services: Services) -> None:
    assert LiveTailer.for_aws(services.logs, True) is None  # the fleet's endpoint override


def test_log_following_imports_without_textual() -> None:
    code = "import sys, hybridml.logtail.follower, hybridml.headless.logs; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "False"

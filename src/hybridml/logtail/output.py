"""Follow a local launch's captured output (stdout + stderr of the container's process) as a log.

The lines live in memory (the launch registry keeps the last few hundred); `OutputFollower` yields the same
`LogBatch`es as `LogFollower`, so the log view (`l`) shows them with its follow, search, filter and save. It
knows nothing of the launcher: it reads a `CapturedOutputSource` (no import across the launch / logtail layer).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Protocol

from hybridml.domain.launch import CapturedOutput
from hybridml.domain.logs import FollowStatus, LogEvent
from hybridml.logtail.follower import LogBatch

IDLE_CHECK_S = 1.0  # a hang guard: a change is announced at once, this only bounds a missed one


class CapturedOutputSource(Protocol):
    def captured(self) -> CapturedOutput:
        """The lines kept now, how many were ever written, and whether the process ended."""

    def on_change(self, listener: Callable[[], object]) -> Callable[[], None]:
        """Call `listener` when lines arrive or the run ends; returns the function that unsubscribes it."""


class OutputFollower:
    def __init__(self, source: CapturedOutputSource, *, stream: str = "output") -> None:
        self.source = source
        self.stream = stream
        self.seen = 0  # lines ever written that were yielded (or dropped before they could be)
        self._stop = asyncio.Event()
        self._changed = asyncio.Event()

    def stop(self) -> None:
        self._stop.set()
        self._changed.set()

    def _take(self) -> tuple[tuple[LogEvent, ...], CapturedOutput, int]:
        """New lines since the last call, and how many were dropped (the cap) before they were read."""
        now = self.source.captured()
        new = now.total - self.seen
        kept = now.lines[-new:] if new > 0 else ()
        dropped = max(0, new - len(kept))
        self.seen = now.total
        events = tuple(
            LogEvent(timestamp_ms=at_ms, message=line, stream=self.stream, event_id=f"{self.stream}:{index}")
            for index, (at_ms, line) in enumerate(kept, start=now.total - len(kept))
        )
        return events, now, dropped

    async def batches(self) -> AsyncIterator[LogBatch]:
        loop = asyncio.get_running_loop()
        unsubscribe = self.source.on_change(lambda: loop.call_soon_threadsafe(self._changed.set))
        try:
            while not self._stop.is_set():
                self._changed.clear()
                events, now, dropped = self._take()
                note = f"{dropped} lines dropped before they were shown (a run keeps its last lines)" if dropped else ""
                if now.finished:
                    status = FollowStatus("ended", now.note or "the process ended", streams=1)
                    yield LogBatch(events, status, now.title, note)
                    return
                yield LogBatch(events, FollowStatus("following", "captured output", streams=1), now.title, note)
                try:
                    await asyncio.wait_for(self._changed.wait(), IDLE_CHECK_S)
                except TimeoutError:
                    pass
        finally:
            unsubscribe()

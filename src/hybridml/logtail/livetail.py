"""StartLiveTail sessions on real AWS: used when allowed, reconnected before the 3-hour limit,
and given up (for polling) when the caller lacks permission or the endpoint does not offer it."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass

from hybridml.aws.errors import AwsError, Throttled
from hybridml.aws.logs import LIVE_TAIL_MAX_STREAMS, LiveTailUpdate, LogsService, log_group_arn
from hybridml.domain.logs import LogEvent

SESSION_LIMIT_S = 3 * 3600.0
RECONNECT_AFTER_S = SESSION_LIMIT_S - 5 * 60.0  # leave before the service ends the session
MAX_GROUPS = 10  # StartLiveTail accepts at most 10 log groups


@dataclass(frozen=True, slots=True)
class LiveTailFrame:
    events: tuple[LogEvent, ...] = ()
    sampled: bool = False
    note: str = ""
    failed: bool = False  # live tail is not usable: poll instead
    opened: bool = False  # the session has started: lines written before it are not in it


class LiveTailer:
    """Opens StartLiveTail sessions for a follower. `usable` turns False after a refusal."""

    def __init__(self, logs: LogsService, *, recheck_s: float = 5.0, reconnect_after_s: float = RECONNECT_AFTER_S):
        self.logs = logs
        self.recheck_s = recheck_s
        self.reconnect_after_s = reconnect_after_s
        self.usable = True

    @classmethod
    def for_aws(cls, logs: LogsService, enabled: bool) -> LiveTailer | None:
        """Only against real AWS (no endpoint override): emulators do not serve the event stream."""
        if not enabled or logs.session.target.endpoint != "AWS":
            return None
        return cls(logs)

    async def session(
        self,
        groups: Sequence[str],
        streams: Sequence[str],
        stop: asyncio.Event,
        streams_changed: Callable[[], Awaitable[bool]],
    ) -> AsyncIterator[LiveTailFrame]:
        if len(groups) > MAX_GROUPS or len(streams) > LIVE_TAIL_MAX_STREAMS:
            self.usable = False
            yield LiveTailFrame(failed=True, note="too many streams for live tail: polling")
            return
        try:
            account = await self.logs.session.account_id()
        except AwsError as exc:
            self.usable = False
            yield LiveTailFrame(failed=True, note=f"live tail unavailable ({exc.kind}): polling")
            return
        arns = [log_group_arn(self.logs.session.region, account, g) for g in groups]
        queue: asyncio.Queue[LiveTailUpdate | AwsError | None] = asyncio.Queue()

        async def read() -> None:
            try:
                async for update in self.logs.live_tail(arns, streams):
                    await queue.put(update)
                await queue.put(None)
            except AwsError as exc:
                await queue.put(exc)

        reader = asyncio.create_task(read())
        opened = time.monotonic()
        next_check = opened + self.recheck_s
        started = False
        try:
            while not stop.is_set():
                if time.monotonic() - opened > self.reconnect_after_s:
                    yield LiveTailFrame(note="reconnecting live tail (3-hour session limit)")
                    return
                if time.monotonic() >= next_check:
                    next_check = time.monotonic() + self.recheck_s
                    if await streams_changed():
                        yield LiveTailFrame(note="streams changed (a new one, or the job ended): reconnecting")
                        return
                try:
                    item = await asyncio.wait_for(queue.get(), timeout=min(1.0, self.recheck_s))
                except TimeoutError:
                    continue
                if item is None:
                    yield LiveTailFrame(note="live tail session ended: reconnecting")
                    return
                if isinstance(item, AwsError):
                    if not started and not isinstance(item, Throttled):
                        self.usable = False
                        yield LiveTailFrame(failed=True, note=f"live tail unavailable ({item.kind}): polling")
                    else:
                        yield LiveTailFrame(note=f"live tail interrupted ({item.kind}): reconnecting")
                    return
                started = True
                note = "live tail — service is sampling (too many lines)" if item.sampled else "live tail"
                yield LiveTailFrame(item.events, item.sampled, note, opened=item.started)
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reader

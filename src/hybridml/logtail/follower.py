"""LogFollower: follow a source's streams — poll GetLogEvents per stream (or live-tail on real AWS) and
yield de-duplicated batches merged in time order, with a status fit for a status line.

No Textual: the TUI log view and `hybridml logs` both iterate `batches()`.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from hybridml.aws.errors import AwsError, NotFound, Throttled, Unreachable
from hybridml.aws.logs import PAGE_LIMIT, LogsService
from hybridml.domain.logs import FollowStatus, LogEvent, LogStreamRef, ResolvedLogs
from hybridml.logtail.livetail import LiveTailer
from hybridml.logtail.sources import SourceNotFound

Resolver = Callable[[], Awaitable[ResolvedLogs]]
MAX_BACKOFF_S = 30.0


@dataclass(frozen=True, slots=True)
class LogBatch:
    """New lines (may be empty) and the follower's state after them."""

    events: tuple[LogEvent, ...]
    status: FollowStatus
    title: str = ""
    note: str = ""


class SeenEvents:
    """Bounded set of event keys: an event re-delivered (overlapping pages, a reconnect) is dropped."""

    def __init__(self, cap: int = 50_000) -> None:
        self.cap = cap
        self._keys: dict[int, None] = {}  # one int per event: hash of (stream, time, ingestion, message)

    def fresh(self, event: LogEvent) -> bool:
        key = hash((event.stream, event.timestamp_ms, event.ingestion_ms, event.message))
        if key in self._keys:
            return False
        self._keys[key] = None
        if len(self._keys) > self.cap:
            for old in list(self._keys)[: self.cap // 10]:
                del self._keys[old]
        return True


@dataclass
class StreamState:
    ref: LogStreamRef
    start_ms: int | None
    token: str | None = None
    caught_up: bool = False
    polled_since_final: bool = False
    pending: list[LogEvent] = field(default_factory=list)
    last_ts: int = 0
    error: AwsError | None = None

    @property
    def retired(self) -> bool:
        return not self.ref.live and self.caught_up and self.polled_since_final

    def resume_from_last(self) -> None:
        """Forget the token (a deleted group, a live-tail reconnect): re-read from the last line seen."""
        self.token = None
        if self.last_ts:
            self.start_ms = self.last_ts


class LogFollower:
    def __init__(
        self,
        logs: LogsService,
        resolver: Resolver,
        *,
        poll_s: float = 1.0,
        since_ms: int | None = None,
        follow: bool = True,
        resolve_every_s: float = 5.0,
        live_tail: LiveTailer | None = None,
        pages_per_round: int = 3,
        page_limit: int = PAGE_LIMIT,
        concurrency: int = 8,
    ) -> None:
        self.logs = logs
        self.resolver = resolver
        self.poll_s = poll_s
        self.since_ms = since_ms
        self.follow = follow
        self.resolve_every_s = resolve_every_s
        self.live_tail = live_tail
        self.pages_per_round = pages_per_round
        self.page_limit = page_limit
        self.concurrency = concurrency
        self.streams: dict[tuple[str, str], StreamState] = {}
        self.seen = SeenEvents()
        self.resolved: ResolvedLogs | None = None
        self.status = FollowStatus("connecting")
        self._stop = asyncio.Event()
        self._failures = 0
        self.interrupted = False

    def stop(self) -> None:
        self._stop.set()

    def interrupt(self) -> None:
        """ctrl-c: stop, and remember it was the user (the CLI exits 130)."""
        self.interrupted = True
        self._stop.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    # -- the loop ---------------------------------------------------------------------------------
    async def batches(self) -> AsyncIterator[LogBatch]:
        next_resolve = 0.0
        while not self.stopped:
            if self.resolved is None or (not self.resolved.finished and time.monotonic() >= next_resolve):
                problem = await self._resolve()
                next_resolve = time.monotonic() + self.resolve_every_s
                if isinstance(problem, SourceNotFound):
                    yield self._batch((), FollowStatus("not found", str(problem)))
                    return
                if problem is not None:
                    yield self._batch((), self._failure_status(problem, len(self.streams)))
                    if self.resolved is None:  # nothing to read yet: wait, then ask again
                        await self._sleep(self._backoff())
                        continue
                    # streams already known keep being read; the next resolve comes after a back-off
                    next_resolve = time.monotonic() + max(self.resolve_every_s, self._backoff())
            await self._poll_round()
            events = self._drain()
            status = self._round_status()
            yield self._batch(events, status)
            if self._all_caught_up() and not self.follow:
                return
            if self._ended():
                yield self._batch((), FollowStatus("ended", "finished: every stream read", streams=len(self.streams)))
                return
            if self.live_tail is not None and self.live_tail.usable and self._all_caught_up() and self.streams:
                async for batch in self._live_tail_session():
                    yield batch
                continue
            if status.state in ("throttled", "reconnecting", "waiting") and self._failures:
                await self._sleep(self._backoff())
            elif self._all_caught_up():
                await self._sleep(self.poll_s)

    def _batch(self, events: tuple[LogEvent, ...], status: FollowStatus) -> LogBatch:
        self.status = status
        resolved = self.resolved
        return LogBatch(events, status, resolved.title if resolved else "", resolved.note if resolved else "")

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stop.wait(), timeout=seconds)
        except TimeoutError:
            pass

    def _backoff(self) -> float:
        delay = min(MAX_BACKOFF_S, self.poll_s * (2 ** min(self._failures, 6)))
        return float(delay * random.uniform(0.8, 1.2))

    # -- streams ----------------------------------------------------------------------------------
    async def _resolve(self) -> Exception | None:
        try:
            resolved = await self.resolver()
        except (SourceNotFound, AwsError) as exc:
            self._failures += 1
            return exc
        self.resolved = resolved
        self.add_streams(resolved.streams)
        return None

    def add_streams(self, refs: Iterable[LogStreamRef]) -> None:
        for ref in refs:
            key = (ref.group, ref.name)
            state = self.streams.get(key)
            if state is None:
                self.streams[key] = StreamState(ref, self.since_ms)
            elif state.ref != ref:
                if state.ref.live and not ref.live:
                    state.polled_since_final = False  # read once more: the last lines land before the status
                state.ref = ref

    def _ended(self) -> bool:
        """The source is finished (every job terminal) and each of its streams was read to the end."""
        resolved = self.resolved
        return bool(resolved and resolved.finished) and all(s.retired for s in self.streams.values())

    def _active(self) -> list[StreamState]:
        return [s for s in self.streams.values() if not s.retired]

    def _all_caught_up(self) -> bool:
        return all(s.caught_up and s.error is None for s in self.streams.values())

    async def _poll_round(self) -> None:
        semaphore = asyncio.Semaphore(self.concurrency)

        async def one(state: StreamState) -> None:
            async with semaphore:
                await self._poll_stream(state)

        async with asyncio.TaskGroup() as group:
            for state in self._active():
                group.create_task(one(state))

    async def _poll_stream(self, state: StreamState) -> None:
        final = not state.ref.live
        state.error = None
        try:
            state.caught_up = False
            for _ in range(self.pages_per_round):
                page = await self.logs.events(
                    state.ref.group, state.ref.name, token=state.token, start_ms=state.start_ms, limit=self.page_limit
                )
                self._take(state, page.events)
                same = page.next_token == state.token
                state.token = page.next_token or state.token
                if same:  # the same token back: nothing more for now
                    state.caught_up = True
                    break
        except AwsError as exc:
            state.error = exc
            if isinstance(exc, NotFound):
                state.resume_from_last()
            return
        if final and state.caught_up:
            state.polled_since_final = True

    def _take(self, state: StreamState, events: Iterable[LogEvent]) -> None:
        label = state.ref.label
        for event in events:
            if self.seen.fresh(event):
                state.pending.append(
                    LogEvent(event.timestamp_ms, event.message, event.stream, event.ingestion_ms, event.event_id, label)
                )
                state.last_ts = max(state.last_ts, event.timestamp_ms)

    def _drain(self) -> tuple[LogEvent, ...]:
        """Pending events in time order, holding back those newer than what a stream still paging may hold."""
        behind = [s for s in self.streams.values() if not s.caught_up and s.error is None and s.pending]
        watermark = min((s.pending[-1].timestamp_ms for s in behind), default=None)
        out: list[LogEvent] = []
        for state in self.streams.values():
            if not state.pending:
                continue
            if watermark is None:
                out.extend(state.pending)
                state.pending = []
            else:
                keep = [e for e in state.pending if e.timestamp_ms > watermark]
                out.extend(e for e in state.pending if e.timestamp_ms <= watermark)
                state.pending = keep
        out.sort(key=lambda e: (e.timestamp_ms, e.ingestion_ms))
        return tuple(out)

    # -- status -----------------------------------------------------------------------------------
    def _round_status(self) -> FollowStatus:
        errors = [s.error for s in self.streams.values() if s.error is not None]
        count = len(self.streams)
        if not errors:
            self._failures = 0
            if not self.streams:
                note = self.resolved.note if self.resolved else ""
                return FollowStatus("waiting", note or "no log stream yet", streams=0)
            resolved = self.resolved
            if self.follow and not self._active() and not (resolved is not None and resolved.finished):
                # every stream read to its end and none live: nothing is polled, so not "following"
                note = resolved.note if resolved is not None else ""
                return FollowStatus("waiting", note or "no live stream — waiting for the next one", streams=count)
            state = "following" if self._all_caught_up() and self.follow else "loading"
            if self._all_caught_up() and not self.follow:
                state = "caught up"
            return FollowStatus(state, f"polling every {self.poll_s:g}s", streams=count)
        self._failures += 1
        return self._failure_status(errors[0], count)

    def _failure_status(self, error: Exception, count: int = 0) -> FollowStatus:
        delay = min(MAX_BACKOFF_S, self.poll_s * (2 ** min(self._failures, 6)))
        if isinstance(error, Throttled):
            return FollowStatus("throttled", f"backing off ~{delay:.0f}s", streams=count)
        if isinstance(error, NotFound):
            what = error.message or "log group or stream not found"
            return FollowStatus("waiting", f"{what} (deleted, or not created yet)", streams=count)
        if isinstance(error, Unreachable):
            return FollowStatus("reconnecting", f"{error.message}; retry in ~{delay:.0f}s", streams=count)
        return FollowStatus("reconnecting", f"{error}; retry in ~{delay:.0f}s", streams=count)

    # -- live tail (real AWS) ---------------------------------------------------------------------
    async def _live_tail_session(self) -> AsyncIterator[LogBatch]:
        assert self.live_tail is not None
        names = {state.ref.name: state for state in self.streams.values() if state.ref.live}
        if not names:
            await self._sleep(self.poll_s)
            return
        groups = sorted({state.ref.group for state in names.values()})
        async for update in self.live_tail.session(groups, sorted(names), self._stop, self._streams_changed):
            if update.failed:
                yield self._batch((), FollowStatus("following", update.note, mode="poll", streams=len(self.streams)))
                break
            if update.opened:  # lines written since the last poll came before the session: read them now
                await self._poll_round()
            for event in update.events:
                state = names.get(event.stream)
                if state is not None:
                    self._take(state, (event,))
            mode = "live tail"
            status = FollowStatus(
                "following", update.note or "live tail", mode=mode, sampled=update.sampled, streams=len(self.streams)
            )
            yield self._batch(self._drain(), status)
        for state in names.values():
            state.resume_from_last()  # catch up by polling from the last line seen; duplicates are dropped

    def _shape(self) -> set[tuple[tuple[str, str], bool]]:
        return {(key, state.ref.live) for key, state in self.streams.items()}

    async def _streams_changed(self) -> bool:
        """Whether the live-tail session must end: a new stream, a stream that stopped being live (its attempt
        ended), or the source finished (the job ended: the follow ends once the last lines are read)."""
        before = self._shape()
        if self.resolved is not None and not self.resolved.finished:
            await self._resolve()
        finished = self.resolved is not None and self.resolved.finished
        return finished or self._shape() != before

"""Job sweeps that cost per change, not per status.

The sweeper keeps every job of the watched queues and asks AWS only what may have changed:

- new jobs: one ListJobs per queue filtered by AFTER_CREATED_AT (the newest createdAt seen there, less
  `OVERLAP_MS` for jobs that become visible late). "If the filters parameter is specified, the jobStatus
  parameter is ignored and jobs with any status are returned", newest first, 100 a page: one call per queue
  finds every new job whatever it became meanwhile;
- known active jobs: DescribeJobs, 100 ids a call. A queue holding more than `ACTIVE_LISTING_AT` active jobs
  lists its five active statuses instead (1000 a page) and describes only the jobs that left them;
- a full resync (every status of a queue, 1000 a page) on the first sweep, every `resync_s` and after
  `invalidate()` (`r`, a mutation). A queue's statuses are listed one after another in lifecycle order
  (queues in parallel), so a job moving on during the resync shows up in a later listing; a known job no
  listing showed (a retry went back to RUNNABLE) is described. Finished jobs older than the window go then.

Finished jobs are never asked about again between resyncs. Each part (a queue's listing, a describe chunk)
succeeds or fails on its own: a failed part keeps the rows it would have refreshed, and `partial` says which
parts were not read, why, and which rows are therefore stale (the sweep raises only when every part failed).
Each change is logged with a version: consumers apply
`changes_since(version)`, and listeners hear about each merged page (the first page paints at once).
"""

from __future__ import annotations

import asyncio
import time
from bisect import bisect_right
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from hybridml import clock as wall_clock
from hybridml.domain.batch import Job, JobStatus

ACTIVE_STATUSES: tuple[JobStatus, ...] = tuple(s for s in JobStatus if not s.is_terminal)
TERMINAL_STATUSES: tuple[JobStatus, ...] = tuple(s for s in JobStatus if s.is_terminal)
DESCRIBE_CHUNK = 100  # DescribeJobs: "A list of up to 100 job IDs."
ACTIVE_LISTING_AT = 5 * DESCRIBE_CHUNK  # above this many active jobs, five status listings cost less
OVERLAP_MS = 60_000  # re-read this much before the newest createdAt seen (jobs that show up late)
PRUNE_SLICE = 5_000  # finished jobs checked against the window between two yields to the event loop
DESCRIBE_PART = "DescribeJobs"  # how a failed describe chunk is named in `partial`


@dataclass(frozen=True)
class PartialRead:
    """What the last sweep could not read: those parts show their last good rows (`stale_ids`)."""

    failed: tuple[str, ...]  # "queue/ALL" (a resync), "queue/NEW" (new jobs), "queue/STATUS", "DescribeJobs"
    total: int  # parts the sweep tried
    error: Exception  # the first failure
    stale_ids: frozenset[str]

    def short(self) -> str:
        return f"{len(self.failed)}/{self.total} reads failed, {len(self.stale_ids)} rows stale"

    def summary(self) -> str:
        parts = ", ".join(self.failed[:3]) + (f" +{len(self.failed) - 3}" if len(self.failed) > 3 else "")
        return f"{len(self.failed)} of {self.total} reads failed ({parts}): {self.error}"


@dataclass(frozen=True)
class _Part:
    label: str
    queue: str | None  # the queue it reads (None: a describe chunk)
    run: Callable[[], Awaitable[int]]
    covers: tuple[str, ...] = ()  # known jobs it refreshes (stale when it fails)


class JobSource(Protocol):
    """What a sweep reads (BatchService implements it). `known` looks up the job a sweep already holds: a page
    may hand it back as it is when its summary says nothing new."""

    def status_pages(
        self, queue: str, status: JobStatus, known: Callable[[str], Job | None] | None = None
    ) -> AsyncIterator[list[Job]]: ...

    def created_after_pages(
        self, queue: str, after_ms: int, known: Callable[[str], Job | None] | None = None
    ) -> AsyncIterator[list[Job]]: ...

    async def describe_jobs(self, job_ids: Sequence[str]) -> list[Job]: ...


@dataclass(frozen=True)
class Changes:
    version: int
    upserts: list[Job]
    removed: list[str]


def same_state(old: Job, new: Job) -> bool:
    """Nothing a table shows has changed (a summary and a detail of the same state count as the same)."""
    if (old.status, old.status_reason, old.started_at, old.stopped_at) != (
        new.status,
        new.status_reason,
        new.started_at,
        new.stopped_at,
    ):
        return False
    counts = new.array.status_counts if new.array is not None else ()
    return not counts or (old.array is not None and old.array.status_counts == counts)


def created_ms(job: Job) -> int:
    return int(job.created_at.timestamp() * 1000) if job.created_at is not None else 0


class JobSweeper:
    """Remembers the jobs of one set of queues and fetches only what may have changed."""

    def __init__(
        self,
        source: JobSource,
        *,
        limit: int,
        resync_s: float = 300.0,
        window_h: float = 24.0,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] | None = None,  # None: hybridml.clock.utcnow, which a test can pin
    ) -> None:
        self.source = source
        self.limit = limit
        self.resync_s = resync_s
        self.window_h = window_h
        self._clock, self._wall = clock, wall
        self.jobs: dict[str, Job] = {}
        self.partial: PartialRead | None = None  # what the last sweep could not read (None: everything)
        self.version = 0
        self._versions: list[int] = []
        self._ids: list[str] = []
        self._floor = 0  # changes before this version are forgotten: older consumers reload everything
        self._queues: tuple[str, ...] | None = None
        self._watermark: dict[str, int] = {}  # queue -> newest createdAt seen (ms)
        self._active: dict[str, set[str]] = {}  # queue -> ids of its jobs not finished (kept as jobs change)
        self._held: dict[str, set[str]] = {}  # queue -> ids of all its jobs
        self._resynced_at: dict[str, float] = {}
        self.listeners: list[Callable[[], None]] = []
        self._seen: dict[str, set[str]] = {}  # resync in progress: what each queue's listings showed
        self._left: dict[str, set[str]] = {}  # active listing in progress: known active jobs not listed yet
        self.sweeps = self.resyncs = 0
        self.last_changes = 0  # jobs added, changed or removed by the last sweep

    # -- state ------------------------------------------------------------------------------------
    def invalidate(self) -> None:
        """Resync every queue on the next sweep (after a mutation, or `r`)."""
        self._resynced_at.clear()

    def changes_since(self, version: int) -> Changes | None:
        """What changed after `version`; None when that is too old to say (reload `jobs` whole)."""
        if version < self._floor:
            return None
        start = bisect_right(self._versions, version)
        ids = dict.fromkeys(self._ids[start:])
        upserts = [self.jobs[i] for i in ids if i in self.jobs]
        removed = [i for i in ids if i not in self.jobs]
        return Changes(self.version, upserts, removed)

    def _log(self, job_id: str) -> None:
        self.version += 1
        self._versions.append(self.version)
        self._ids.append(job_id)

    def _compact(self) -> None:
        if len(self._ids) > max(20_000, 2 * len(self.jobs)):
            self._floor = self.version
            self._versions, self._ids = [], []

    def _merge(self, jobs: Iterable[Job]) -> int:
        changed = 0
        for job in jobs:
            old = self.jobs.get(job.job_id)
            if old is not None and (old is job or same_state(old, job)):
                continue
            self.jobs[job.job_id] = job
            self._log(job.job_id)
            changed += 1
            self._held.setdefault(job.queue, set()).add(job.job_id)
            if job.status.is_terminal:
                self._active.get(job.queue, set()).discard(job.job_id)
            else:
                self._active.setdefault(job.queue, set()).add(job.job_id)
            mark = created_ms(job)
            if mark > self._watermark.get(job.queue, 0):
                self._watermark[job.queue] = mark
        return changed

    def _remove(self, ids: Iterable[str]) -> int:
        gone = 0
        for job_id in ids:
            job = self.jobs.pop(job_id, None)
            if job is not None:
                self._active.get(job.queue, set()).discard(job_id)
                self._held.get(job.queue, set()).discard(job_id)
                self._log(job_id)
                gone += 1
        return gone

    def _notify(self) -> None:
        for listener in list(self.listeners):
            listener()

    # -- the sweep --------------------------------------------------------------------------------
    async def sweep(self, queues: Sequence[str]) -> list[Job]:
        key = tuple(queues)
        if key != self._queues:
            self._start_over(key)
        now = self._clock()
        full = [q for q in key if now - self._resynced_at.get(q, -1e18) >= self.resync_s]
        quick = [q for q in key if q not in full]
        active = {q: list(self._active.get(q, ())) for q in quick}
        listed = [q for q in quick if len(active[q]) > ACTIVE_LISTING_AT]
        described = [i for q in quick if q not in listed for i in active[q]]
        parts: list[_Part] = []
        for queue in full:
            parts.append(_Part(f"{queue}/ALL", queue, self._resync_part(queue), tuple(self._active.get(queue, ()))))
        for queue in quick:
            parts.append(_Part(f"{queue}/NEW", queue, self._new_jobs_part(queue)))
        for queue in listed:
            for status in ACTIVE_STATUSES:
                parts.append(
                    _Part(f"{queue}/{status.value}", queue, self._status_part(queue, status), tuple(active[queue]))
                )
        parts += self._describe_parts(described)
        self._seen = {q: set() for q in full}
        self._left = {q: set(active[q]) for q in listed}
        before = self.version
        errors = await self._run(parts)
        failed_queues = {p.queue for p in parts if p.label in errors and p.queue is not None}
        vanished = await self._unlisted(full, listed, failed_queues, now)
        if vanished:  # they left the lists they were in: learn their final state in this same sweep
            more = self._describe_parts(vanished)
            parts += more
            errors.update(await self._run(more))
        changed = self.version - before
        self.partial = self._partial(parts, errors)
        self.sweeps += 1
        self.last_changes = changed
        self._compact()
        self._notify()
        if errors and len(errors) == len(parts):
            raise next(iter(errors.values()))
        return list(self.jobs.values())

    def _describe_parts(self, ids: Sequence[str]) -> list[_Part]:
        chunks = [tuple(ids[i : i + DESCRIBE_CHUNK]) for i in range(0, len(ids), DESCRIBE_CHUNK)]
        return [_Part(f"{DESCRIBE_PART}#{n}", None, self._describe_part(c), c) for n, c in enumerate(chunks)]

    def _partial(self, parts: list[_Part], errors: dict[str, Exception]) -> PartialRead | None:
        if not errors:
            return None
        failed = [p for p in parts if p.label in errors]
        labels = tuple(dict.fromkeys(DESCRIBE_PART if p.queue is None else p.label for p in failed))
        stale = frozenset(i for p in failed for i in p.covers if i in self.jobs)
        return PartialRead(labels, len(parts), errors[failed[0].label], stale)

    def _start_over(self, key: tuple[str, ...]) -> None:
        self._remove([i for i, j in self.jobs.items() if j.queue not in key])
        self._active = {q: ids for q, ids in self._active.items() if q in key}
        self._held = {q: ids for q, ids in self._held.items() if q in key}
        self._queues = key
        self._resynced_at.clear()
        self.partial = None

    async def _run(self, parts: list[_Part]) -> dict[str, Exception]:
        """Every part, at most `limit` at a time; a failing part does not stop the others."""
        semaphore = asyncio.Semaphore(self.limit)
        errors: dict[str, Exception] = {}

        async def one(part: _Part) -> None:
            async with semaphore:
                try:
                    await part.run()
                except Exception as exc:  # kept per part; AwsError already says what and where
                    errors[part.label] = exc

        await asyncio.gather(*(one(part) for part in parts))
        return errors

    def _resync_part(self, queue: str) -> Callable[[], Awaitable[int]]:
        async def part() -> int:
            changed = 0
            for status in (*ACTIVE_STATUSES, *TERMINAL_STATUSES):
                async for page in self.source.status_pages(queue, status, self.jobs.get):
                    self._seen[queue].update(j.job_id for j in page)
                    merged = self._merge(page)
                    changed += merged
                    if merged:
                        self._notify()  # the first page paints before the others arrive
            return changed

        return part

    def _now(self) -> datetime:
        return self._wall() if self._wall is not None else wall_clock.utcnow()

    def _new_jobs_part(self, queue: str) -> Callable[[], Awaitable[int]]:
        async def part() -> int:
            window = int((self._now() - timedelta(hours=self.window_h)).timestamp() * 1000)
            mark = self._watermark.get(queue)
            after = max(window, mark - OVERLAP_MS) if mark is not None else window
            changed = 0
            async for page in self.source.created_after_pages(queue, after, self.jobs.get):
                changed += self._merge(page)
            return changed

        return part

    def _status_part(self, queue: str, status: JobStatus) -> Callable[[], Awaitable[int]]:
        async def part() -> int:
            changed = 0
            async for page in self.source.status_pages(queue, status, self.jobs.get):
                self._left[queue].difference_update(j.job_id for j in page)
                changed += self._merge(page)
            return changed

        return part

    def _describe_part(self, ids: Sequence[str]) -> Callable[[], Awaitable[int]]:
        async def part() -> int:
            found = await self.source.describe_jobs(ids)
            returned = {j.job_id for j in found}
            return self._merge(found) + self._remove(i for i in ids if i not in returned)  # deleted / expired

        return part

    async def _unlisted(self, full: list[str], listed: list[str], failed: set[str], started: float) -> list[str]:
        """After the listings: drop finished jobs a resync no longer lists (and those out of the window); return
        the active jobs that no listing showed (they moved between two listings, finished, or were deleted).
        Set differences per queue, and the window check in slices (the event loop keeps answering keys)."""
        resynced = {q for q in full if q not in failed}  # a failed queue keeps its rows; resynced next time
        cutoff = self._now() - timedelta(hours=self.window_h)
        vanished: list[str] = []
        gone: list[str] = []
        for queue in resynced:
            held, active = self._held.get(queue, set()), self._active.get(queue, set())
            unseen = held - self._seen[queue]
            vanished += unseen & active
            gone += unseen - active  # finished and no longer listed: past Batch's retention
            finished = list(held - active - unseen)
            for start in range(0, len(finished), PRUNE_SLICE):
                await asyncio.sleep(0)
                for job_id in finished[start : start + PRUNE_SLICE]:
                    job = self.jobs.get(job_id)
                    if job is not None and (job.stopped_at or job.created_at or cutoff) < cutoff:
                        gone.append(job_id)  # out of the window
        self._remove(gone)
        for queue in resynced:
            self._resynced_at[queue] = started
            self.resyncs += 1
        for queue in listed:
            if queue not in failed:
                vanished += self._left[queue]
        return vanished

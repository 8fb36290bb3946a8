"""Incremental job sweeps: active statuses every time, finished jobs only when they may have changed.

A Batch job that reached SUCCEEDED or FAILED never changes again, so re-listing every finished job of every
queue on each refresh is wasted calls (and, with a big fleet, most of the rows). A sweep here:

- lists the five active statuses of every queue (what moves);
- describes the jobs that were active last time and are no longer in any active list (they finished, so
  their final state arrives in the same sweep, or they were deleted and simply vanish);
- lists the two terminal statuses only on the first sweep and then every `terminal_refresh_s` (catching
  jobs that were submitted and finished between two sweeps), keeping the finished jobs in between;
- forgets finished jobs that stopped more than `terminal_window_h` ago, so memory and rows stay bounded.

A list that fails (throttled, a 5xx, a reset after the retries) does not discard the sweep: its last good rows
are kept, the rest is fresh, and `partial` says which lists were not read and why (the views mark those rows
stale). Only when every list fails does the sweep fail.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hybridml.aws._util import bounded_gather
from hybridml.domain.batch import Job, JobStatus

ACTIVE_STATUSES: tuple[JobStatus, ...] = tuple(s for s in JobStatus if not s.is_terminal)
TERMINAL_STATUSES: tuple[JobStatus, ...] = tuple(s for s in JobStatus if s.is_terminal)

ListJobs = Callable[[str, JobStatus], Awaitable[list[Job]]]
DescribeJobs = Callable[[Sequence[str]], Awaitable[list[Job]]]
Part = tuple[str, JobStatus]  # one ListJobs list: (queue, status)


@dataclass(frozen=True)
class PartialRead:
    """What the last sweep could not read: those parts show their last good rows (`stale_ids`)."""

    failed: tuple[str, ...]  # "queue/STATUS" of each list not read, or "DescribeJobs"
    total: int  # calls the sweep tried
    error: Exception  # the first failure
    stale_ids: frozenset[str]

    def short(self) -> str:
        return f"{len(self.failed)}/{self.total} reads failed, {len(self.stale_ids)} rows stale"

    def summary(self) -> str:
        parts = ", ".join(self.failed[:3]) + (f" +{len(self.failed) - 3}" if len(self.failed) > 3 else "")
        return f"{len(self.failed)} of {self.total} reads failed ({parts}): {self.error}"


async def _attempt(call: Awaitable[list[Job]]) -> list[Job] | Exception:
    try:
        return await call
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        return exc


class JobSweeper:
    """Remembers what the last sweep saw for one set of queues and fetches only what may have changed."""

    def __init__(
        self,
        list_jobs: ListJobs,
        describe_jobs: DescribeJobs,
        *,
        limit: int,
        terminal_refresh_s: float = 60.0,
        terminal_window_h: float = 24.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._list_jobs = list_jobs
        self._describe_jobs = describe_jobs
        self._limit = limit
        self.terminal_refresh_s = terminal_refresh_s
        self.terminal_window_h = terminal_window_h
        self._clock = clock
        self._queues: tuple[str, ...] | None = None
        self._active: dict[str, Job] = {}
        self._terminal: dict[str, Job] = {}
        self._terminal_at: float | None = None
        self._lists: dict[Part, list[Job]] = {}  # the last good answer of each list
        self.partial: PartialRead | None = None  # what the last sweep could not read (None: everything read)
        self.sweeps = 0
        self.terminal_sweeps = 0

    def invalidate(self) -> None:
        """Make the next sweep list every status again (after a mutation, or a manual refresh)."""
        self._terminal_at = None

    def _terminal_due(self, queues: tuple[str, ...]) -> bool:
        if self._queues != queues or self._terminal_at is None:
            return True
        return self._clock() - self._terminal_at >= self.terminal_refresh_s

    async def sweep(self, queues: Sequence[str]) -> list[Job]:
        key = tuple(queues)
        full = self._terminal_due(key)
        statuses = ACTIVE_STATUSES + TERMINAL_STATUSES if full else ACTIVE_STATUSES
        combos: list[Part] = [(q, s) for q in key for s in statuses]

        async def fetch(combo: Part) -> list[Job] | Exception:
            return await _attempt(self._list_jobs(*combo))

        started = self._clock()
        results = await bounded_gather(self._limit, fetch, combos)
        failed = [(combo, r) for combo, r in zip(combos, results, strict=True) if isinstance(r, Exception)]
        if failed and len(failed) == len(combos):
            raise failed[0][1]  # nothing read: the caller keeps what it shows, marked stale
        fresh: dict[str, Job] = {}
        for combo, result in zip(combos, results, strict=True):
            if not isinstance(result, Exception):
                self._lists[combo] = result
                for job in result:
                    fresh[job.job_id] = self._previous(job)
        stale: dict[str, Job] = {}
        for combo, _ in failed:  # a list not read keeps its last good rows
            for job in self._lists.get(combo, ()):
                if job.job_id not in fresh:
                    stale[job.job_id] = job
        self._lists = {combo: jobs for combo, jobs in self._lists.items() if combo[0] in key}
        listed = [*fresh.values(), *stale.values()]
        active = {j.job_id: j for j in listed if not j.status.is_terminal}
        describe_error: Exception | None = None
        if full:
            terminal = {j.job_id: j for j in listed if j.status.is_terminal}
            unread = {combo for combo, _ in failed}
            for job in self._terminal.values():  # finished jobs learned since, in a terminal list not read now
                if (job.queue, job.status) in unread and job.job_id not in fresh:
                    terminal.setdefault(job.job_id, job)
                    stale[job.job_id] = job
        else:
            terminal = dict(self._terminal) if self._queues == key else {}
            gone = [i for i in self._active if i not in active and i not in terminal]
            if gone:  # finished (or deleted) since the last sweep: learn their final state now
                described = await _attempt(self._describe_jobs(gone))
                if isinstance(described, Exception):  # not learned now: keep them as they were, stale
                    describe_error = described
                    for job_id in gone:
                        active[job_id] = stale[job_id] = self._active[job_id]
                else:
                    for job in described:
                        if job.status.is_terminal:
                            terminal[job.job_id] = job
                        else:  # moved between lists while we looked: keep it, it is still active
                            active.setdefault(job.job_id, job)
        for job_id in active:
            terminal.pop(job_id, None)
        self._prune(terminal)
        self._queues, self._active, self._terminal = key, active, terminal
        if full and not any(status.is_terminal for (_, status), _ in failed):
            self._terminal_at = started  # a terminal list not read is tried again next sweep
            self.terminal_sweeps += 1
        self.partial = self._partial(failed, describe_error, len(combos), stale)
        self.sweeps += 1
        return list(active.values()) + list(terminal.values())

    @staticmethod
    def _partial(
        failed: list[tuple[Part, Exception]], describe_error: Exception | None, lists: int, stale: dict[str, Job]
    ) -> PartialRead | None:
        names = [f"{queue}/{status.value}" for (queue, status), _ in failed]
        errors = [error for _, error in failed]
        if describe_error is not None:
            names.append("DescribeJobs")
            errors.append(describe_error)
        if not errors:
            return None
        return PartialRead(tuple(names), lists + (describe_error is not None), errors[0], frozenset(stale))

    def _previous(self, job: Job) -> Job:
        """The object from the last sweep when nothing changed: long-lived data stays put, new copies die young
        (fewer objects outlive a sweep, so the garbage collector's full passes, which stall the UI, stay rare)."""
        seen = self._active.get(job.job_id) or self._terminal.get(job.job_id)
        return seen if seen == job else job

    def _prune(self, terminal: dict[str, Job]) -> None:
        cutoff = datetime.now(UTC) - timedelta(hours=self.terminal_window_h)
        old = [i for i, j in terminal.items() if (j.stopped_at or j.created_at or cutoff) < cutoff]
        for job_id in old:
            del terminal[job_id]

"""Incremental job sweeps: active statuses every time, finished jobs only when they may have changed.

A Batch job that reached SUCCEEDED or FAILED never changes again, so re-listing every finished job of every
queue on each refresh is wasted calls (and, with a big fleet, most of the rows). A sweep here:

- lists the five active statuses of every queue (what moves);
- describes the jobs that were active last time and are no longer in any active list (they finished, so
  their final state arrives in the same sweep, or they were deleted and simply vanish);
- lists the two terminal statuses only on the first sweep and then every `terminal_refresh_s` (catching
  jobs that were submitted and finished between two sweeps), keeping the finished jobs in between;
- forgets finished jobs that stopped more than `terminal_window_h` ago, so memory and rows stay bounded.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta

from hybridml.aws._util import bounded_gather
from hybridml.domain.batch import Job, JobStatus

ACTIVE_STATUSES: tuple[JobStatus, ...] = tuple(s for s in JobStatus if not s.is_terminal)
TERMINAL_STATUSES: tuple[JobStatus, ...] = tuple(s for s in JobStatus if s.is_terminal)

ListJobs = Callable[[str, JobStatus], Awaitable[list[Job]]]
DescribeJobs = Callable[[Sequence[str]], Awaitable[list[Job]]]


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
        combos = [(q, s) for q in key for s in statuses]

        async def fetch(combo: tuple[str, JobStatus]) -> list[Job]:
            return await self._list_jobs(*combo)

        started = self._clock()
        results = await bounded_gather(self._limit, fetch, combos)
        listed = [self._previous(job) for batch in results for job in batch]
        active = {j.job_id: j for j in listed if not j.status.is_terminal}
        if full:
            terminal = {j.job_id: j for j in listed if j.status.is_terminal}
        else:
            terminal = dict(self._terminal) if self._queues == key else {}
            gone = [i for i in self._active if i not in active and i not in terminal]
            if gone:  # finished (or deleted) since the last sweep: learn their final state now
                for job in await self._describe_jobs(gone):
                    if job.status.is_terminal:
                        terminal[job.job_id] = job
                    else:  # moved between lists while we looked: keep it, it is still active
                        active.setdefault(job.job_id, job)
        for job_id in active:
            terminal.pop(job_id, None)
        self._prune(terminal)
        self._queues, self._active, self._terminal = key, active, terminal
        if full:
            self._terminal_at = started
            self.terminal_sweeps += 1
        self.sweeps += 1
        return list(active.values()) + list(terminal.values())

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

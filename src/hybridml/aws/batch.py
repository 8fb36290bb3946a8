"""AWS Batch reads (and, later, actions). Mappers `_x_from_api(d)` are the only place Batch keys appear."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from hybridml.aws._util import bounded_gather, chunks, from_epoch_ms
from hybridml.aws.batch_jobs import _array_from_api, _job_from_api, _jobdef_from_api
from hybridml.aws.batch_sweep import Changes, JobSweeper, PartialRead
from hybridml.aws.errors import aws_call
from hybridml.aws.session import AwsSession
from hybridml.config import BatchSettings
from hybridml.domain.batch import (
    ALL_JOB_STATUSES,
    ComputeEnvironment,
    ComputeResources,
    Job,
    JobDefinition,
    JobQueue,
    JobStatus,
    ResourceRequest,
    TimeLimitAction,
)

SERVICE = "batch"
DESCRIBE_CHUNK = 100  # DescribeJobs accepts at most 100 ids
STATUS_PAGE = 1000  # ListJobs by status: "When --job-status is used, Batch returns up to 1000 values."
FILTER_PAGE = 100  # ListJobs with filters: "When --filters is used, Batch returns up to 100 values."
NO_RESOURCES = ResourceRequest()
QUEUE_NAMES_AGE_S = 300.0
_SHARED: dict[str, str] = {}  # one copy of the strings many jobs repeat (queues, definitions, reasons)


def _shared(value: str) -> str:
    found = _SHARED.get(value)
    if found is None:
        if len(_SHARED) > 50_000:
            _SHARED.clear()
        _SHARED[value] = found = value
    return found


def _child_index(job: Job) -> int:
    return job.array.index or 0 if job.array is not None else 0


def _node_index(job: Job) -> int:
    return job.multinode.node_index or 0 if job.multinode is not None else 0


def _ce_from_api(d: dict[str, Any]) -> ComputeEnvironment:
    cr = d.get("computeResources")
    resources = None
    if cr:
        resources = ComputeResources(
            type=str(cr.get("type", "")),
            min_vcpus=int(cr.get("minvCpus", 0) or 0),
            max_vcpus=int(cr.get("maxvCpus", 0) or 0),
            desired_vcpus=int(cr.get("desiredvCpus", 0) or 0),
            instance_types=tuple(cr.get("instanceTypes", []) or ()),
            allocation_strategy=str(cr.get("allocationStrategy", "") or ""),
            bid_percentage=cr.get("bidPercentage"),
        )
    return ComputeEnvironment(
        name=d["computeEnvironmentName"],
        arn=d.get("computeEnvironmentArn", ""),
        state=str(d.get("state", "")),
        status=str(d.get("status", "")),
        status_reason=str(d.get("statusReason", "") or ""),
        type=str(d.get("type", "MANAGED")),
        resources=resources,
        service_role=str(d.get("serviceRole", "") or ""),
        ecs_cluster_arn=str(d.get("ecsClusterArn", "") or ""),
        orchestration=str(d.get("containerOrchestrationType", "") or "ECS"),
    )


def _queue_from_api(d: dict[str, Any]) -> JobQueue:
    order = sorted(d.get("computeEnvironmentOrder", []) or [], key=lambda o: o.get("order", 0))
    return JobQueue(
        name=d["jobQueueName"],
        arn=d.get("jobQueueArn", ""),
        state=str(d.get("state", "")),
        status=str(d.get("status", "") or ""),
        priority=int(d.get("priority", 0) or 0),
        compute_environments=tuple(o.get("computeEnvironment", "") for o in order),
        status_reason=str(d.get("statusReason", "") or ""),
        scheduling_policy_arn=str(d.get("schedulingPolicyArn", "") or ""),
        time_limit_actions=tuple(
            TimeLimitAction(
                reason=str(a.get("reason", "") or ""),
                state=str(a.get("state", "") or ""),
                max_time_s=int(a.get("maxTimeSeconds", 0) or 0),
                action=str(a.get("action", "") or ""),
            )
            for a in d.get("jobStateTimeLimitActions", []) or ()
        ),
    )


def _summary_from_api(d: dict[str, Any], queue: str) -> Job:
    """Map a ListJobs JobSummary (a handful of keys) to a Job; repeated strings are shared between jobs. A
    multi-node summary (`nodeProperties`) goes through the full mapper."""
    if d.get("nodeProperties"):
        return _job_from_api(d, queue)
    container = d.get("container") or {}
    array = d.get("arrayProperties")
    return Job(
        job_id=d["jobId"],
        name=str(d.get("jobName", "")),
        queue=queue,
        status=JobStatus(d.get("status", "SUBMITTED")),
        created_at=from_epoch_ms(d.get("createdAt")),
        started_at=from_epoch_ms(d.get("startedAt")),
        stopped_at=from_epoch_ms(d.get("stoppedAt")),
        status_reason=_shared(str(d.get("statusReason", "") or "")),
        job_definition=_shared(str(d.get("jobDefinition", "") or "")),
        arn=str(d.get("jobArn", "") or ""),
        array=_array_from_api(array) if array else None,
        resources=NO_RESOURCES,
        exit_code=container.get("exitCode"),
    )


def _ms(when: datetime | None) -> int | None:
    return None if when is None else round(when.timestamp() * 1000)


def _summary_says(job: Job, d: dict[str, Any]) -> bool:
    """A JobSummary tells nothing new about `job` (what `batch_sweep.same_state` compares)."""
    return (
        job.status.value == d.get("status")
        and job.status_reason == (d.get("statusReason") or "")
        and _ms(job.started_at) == (d.get("startedAt") or None)
        and _ms(job.stopped_at) == (d.get("stoppedAt") or None)
    )


Known = Callable[[str], Job | None]


class BatchService:
    """Concurrent, paginated Batch reads with bounded concurrency."""

    def __init__(self, session: AwsSession, settings: BatchSettings | None = None) -> None:
        self.session = session
        self.settings = settings = settings or BatchSettings()
        self._jobs_cache: tuple[float, tuple[str, ...], int, list[Job]] | None = None
        self._jobs_inflight: asyncio.Task[list[Job]] | None = None
        self._jobdefs: dict[str, JobDefinition] = {}
        self.sweeper = JobSweeper(
            self,
            limit=session.settings.max_concurrency,
            resync_s=settings.resync_every_s,
            window_h=settings.terminal_window_h,
        )

    @property
    def _limit(self) -> int:
        return self.session.settings.max_concurrency

    async def _paginate(self, operation: str, key: str, **kwargs: Any) -> list[dict[str, Any]]:
        client = await self.session.client(SERVICE)
        items: list[dict[str, Any]] = []
        async with aws_call(SERVICE, operation):
            paginator = client.get_paginator(operation)
            async for page in paginator.paginate(**kwargs):
                items.extend(page.get(key, []) or [])
        return items

    async def compute_environments(self, *, max_age_s: float = 0.0) -> list[ComputeEnvironment]:
        async def read() -> list[ComputeEnvironment]:
            raw = await self._paginate("describe_compute_environments", "computeEnvironments")
            return sorted((_ce_from_api(d) for d in raw), key=lambda c: c.name)

        return await self.session.cache.get((SERVICE, "compute_environments"), max_age_s, read)

    async def job_queues(self, *, max_age_s: float = 0.0) -> list[JobQueue]:
        async def read() -> list[JobQueue]:
            raw = await self._paginate("describe_job_queues", "jobQueues")
            return sorted((_queue_from_api(d) for d in raw), key=lambda q: (-q.priority, q.name))

        return await self.session.cache.get((SERVICE, "job_queues"), max_age_s, read)

    async def job_definition(self, ref: str) -> JobDefinition | None:
        """One job definition by ARN or `name:revision` (a revision never changes: cached for good)."""
        if ref in self._jobdefs:
            return self._jobdefs[ref]
        raw = await self._paginate("describe_job_definitions", "jobDefinitions", jobDefinitions=[ref])
        found = max((_jobdef_from_api(d) for d in raw), key=lambda j: j.revision, default=None)
        if found is not None and (ref.startswith("arn:") or ":" in ref):
            self._jobdefs[ref] = found
        return found

    async def job_definitions(self, status: str = "ACTIVE", *, max_age_s: float = 0.0) -> list[JobDefinition]:
        async def read() -> list[JobDefinition]:
            raw = await self._paginate("describe_job_definitions", "jobDefinitions", status=status)
            return sorted((_jobdef_from_api(d) for d in raw), key=lambda j: (j.name, -j.revision))

        return await self.session.cache.get((SERVICE, "job_definitions", status), max_age_s, read)

    async def _job_pages(self, queue: str, known: Known | None, **kwargs: Any) -> AsyncIterator[list[Job]]:
        """ListJobs of one queue, one mapped page at a time (each page is a call). A summary that says what the
        `known` job already says is not mapped again: the known Job is reused (most of a page, most sweeps)."""
        client = await self.session.client(SERVICE)
        name = _shared(queue.rsplit("/", 1)[-1])
        token: str | None = None
        while True:
            async with aws_call(SERVICE, "ListJobs"):
                page = await client.list_jobs(jobQueue=queue, **kwargs, **({"nextToken": token} if token else {}))
            jobs = []
            for d in page.get("jobSummaryList", []) or []:
                seen = known(d["jobId"]) if known is not None else None
                jobs.append(seen if seen is not None and _summary_says(seen, d) else _summary_from_api(d, name))
            yield jobs
            token = page.get("nextToken")
            if not token:
                return

    def status_pages(self, queue: str, status: JobStatus, known: Known | None = None) -> AsyncIterator[list[Job]]:
        """Jobs of one status, 1000 a page (the documented maximum with jobStatus)."""
        return self._job_pages(queue, known, jobStatus=status.value, maxResults=STATUS_PAGE)

    def created_after_pages(self, queue: str, after_ms: int, known: Known | None = None) -> AsyncIterator[list[Job]]:
        """Jobs of every status created after `after_ms`, newest first, 100 a page (the filters maximum)."""
        flt = [{"name": "AFTER_CREATED_AT", "values": [str(after_ms)]}]
        return self._job_pages(queue, known, filters=flt, maxResults=FILTER_PAGE)

    async def list_jobs(self, queue: str, status: JobStatus) -> list[Job]:
        return [job async for page in self.status_pages(queue, status) for job in page]

    async def jobs(self, queues: Iterable[str], statuses: Sequence[JobStatus] = ALL_JOB_STATUSES) -> list[Job]:
        """Every job of the given statuses in the given queues, fetched concurrently."""
        combos = [(q, s) for q in queues for s in statuses]

        async def fetch(combo: tuple[str, JobStatus]) -> list[Job]:
            return await self.list_jobs(*combo)

        results = await bounded_gather(self._limit, fetch, combos)
        return [job for batch in results for job in batch]

    async def array_children(self, parent_id: str, statuses: Sequence[JobStatus] = ALL_JOB_STATUSES) -> list[Job]:
        """Every child of an array job, by index. ListJobs with `arrayJobId` and no status returns RUNNING children
        only, so each status is listed (concurrently, bounded, every page)."""
        return await self._listed_by_status("arrayJobId", parent_id, statuses, _child_index)

    async def multinode_nodes(self, job_id: str, statuses: Sequence[JobStatus] = ALL_JOB_STATUSES) -> list[Job]:
        """Every node (`JOBID#N`) of a multi-node parallel job, by node index (ListJobs `multiNodeJobId`)."""
        return await self._listed_by_status("multiNodeJobId", job_id, statuses, _node_index)

    async def _listed_by_status(
        self, key: str, parent_id: str, statuses: Sequence[JobStatus], order: Callable[[Job], int]
    ) -> list[Job]:
        async def one(status: JobStatus) -> list[dict[str, Any]]:
            return await self._paginate("list_jobs", "jobSummaryList", **{key: parent_id, "jobStatus": status.value})

        pages = await bounded_gather(self._limit, one, list(statuses))
        found = {str(d.get("jobId", "")): d for page in pages for d in page}  # a child moving between two lists
        return sorted((_job_from_api(d) for d in found.values()), key=order)

    async def array_children_sample(self, parent_id: str, status: JobStatus, limit: int = 100) -> list[Job]:
        """Up to `limit` children of an array job in one status: one ListJobs page (triage reads why they wait)."""
        client = await self.session.client(SERVICE)
        async with aws_call(SERVICE, "ListJobs"):
            page = await client.list_jobs(arrayJobId=parent_id, jobStatus=status.value, maxResults=limit)
        return [_job_from_api(d) for d in page.get("jobSummaryList", []) or []]

    async def _describe_raw(self, job_ids: Sequence[str]) -> list[dict[str, Any]]:
        client = await self.session.client(SERVICE)

        async def one(chunk: Sequence[str]) -> list[dict[str, Any]]:
            async with aws_call(SERVICE, "DescribeJobs"):
                response = await client.describe_jobs(jobs=list(chunk))
            return list(response.get("jobs", []) or [])

        results = await bounded_gather(self._limit, one, chunks(list(job_ids), DESCRIBE_CHUNK))
        return [d for chunk in results for d in chunk]

    async def describe_jobs(self, job_ids: Sequence[str]) -> list[Job]:
        """Full details, in chunks of 100, concurrently. Unknown ids are simply absent."""
        return [_job_from_api(d) for d in await self._describe_raw(job_ids)]

    async def job(self, job_id: str) -> Job | None:
        found = await self.describe_jobs([job_id])
        return found[0] if found else None

    async def job_json(self, job_id: str) -> str:
        """The raw DescribeJobs detail as pretty JSON (for the `d` view)."""
        found = await self._describe_raw([job_id])
        return json.dumps(found[0] if found else {}, indent=2, sort_keys=True, default=str)

    _RAW = {
        "compute_environment": (
            "describe_compute_environments",
            "computeEnvironments",
            "computeEnvironments",
        ),
        "job_queue": ("describe_job_queues", "jobQueues", "jobQueues"),
        "job_definition": ("describe_job_definitions", "jobDefinitions", "jobDefinitions"),
    }

    async def raw(self, kind: str, ident: str) -> dict[str, Any]:
        """The raw describe output of one CE / queue / job definition (for the `d` view)."""
        operation, param, key = self._RAW[kind]
        client = await self.session.client(SERVICE)
        async with aws_call(SERVICE, operation):
            response = await getattr(client, operation)(**{param: [ident]})
        found = response.get(key, []) or []
        return dict(found[0]) if found else {}

    async def queue_names(self, configured: Sequence[str] = ()) -> list[str]:
        """The configured queues, else every queue (a listing up to QUEUE_NAMES_AGE_S old: queues come and go
        rarely, and a mutation or `r` reads them again)."""
        return list(configured) or [q.name for q in await self.job_queues(max_age_s=QUEUE_NAMES_AGE_S)]

    def invalidate_jobs(self) -> None:
        """The next `all_jobs` resyncs every queue and cached reads are read again (after a mutation, on `r`)."""
        self._jobs_cache = None
        self.sweeper.invalidate()
        self.session.cache.invalidate()

    def listen(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener` whenever a sweep merged changes (each page of a resync); returns the unsubscribe."""
        self.sweeper.listeners.append(listener)
        return lambda: self.sweeper.listeners.remove(listener) if listener in self.sweeper.listeners else None

    def job_changes(self, since: int) -> Changes | None:
        """Jobs changed after version `since` (None: too old, take `sweeper.jobs` whole)."""
        return self.sweeper.changes_since(since)

    async def all_jobs(self, queues: Sequence[str] = (), *, max_age_s: float = 1.0) -> list[Job]:
        """Every job in the given (default: all) queues. Concurrent callers share one sweep, and a
        result younger than `max_age_s` is reused, so the views and the watches refreshing together cost one.

        Sweeps are incremental (see `batch_sweep`): new jobs by one filtered listing per queue, active ones
        by DescribeJobs, a full resync every `batch.resync_s`."""
        key = tuple(queues) or self.settings.queues
        cached = self._jobs_cache
        if cached is not None and cached[1] == key and time.monotonic() - cached[0] < max_age_s:
            if cached[2] != self.sweeper.version:  # changed since (a resync page, a listener): fresh list
                self._jobs_cache = cached = (cached[0], key, self.sweeper.version, list(self.sweeper.jobs.values()))
            return cached[3]
        if self._jobs_inflight is None or self._jobs_inflight.done():
            self._jobs_inflight = asyncio.ensure_future(self._sweep(key))
            # a caller cancelled mid-sweep leaves nobody to collect a failure: collect it here (no warning)
            self._jobs_inflight.add_done_callback(lambda t: t.cancelled() or t.exception())
        return await asyncio.shield(self._jobs_inflight)

    async def _sweep(self, key: tuple[str, ...]) -> list[Job]:
        jobs = await self.sweeper.sweep(await self.queue_names(key))
        self._jobs_cache = (time.monotonic(), key, self.sweeper.version, jobs)
        return jobs

    @property
    def partial(self) -> PartialRead | None:
        """What the last `all_jobs` sweep could not read (its rows are the last good ones); None: all read."""
        return self.sweeper.partial

    async def status_counts(self, queues: Sequence[str]) -> dict[str, Counter[JobStatus]]:
        counts: dict[str, Counter[JobStatus]] = {q: Counter() for q in queues}
        for job in await self.all_jobs():
            counts.setdefault(job.queue, Counter())[job.status] += 1
        return counts

"""Resolve a `LogSource` (Batch job / array job / multi-node job / training job / endpoint) to its log streams.

Where a Batch job's lines are (Batch API reference and user guide):
- ContainerDetail `logStreamName`: "The log group for Batch jobs is /aws/batch/job. Each container attempt receives
  a log stream name when they reach the RUNNING status." A job definition's `logConfiguration` (`awslogs-group`,
  `awslogs-stream-prefix`) moves them to its own group / stream names.
- A multi-container job (`ecsProperties`) has one stream per container (TaskContainerDetails `logStreamName`).
- A multi-node parallel job's nodes are jobs `JOBID#N` (ListJobs `multiNodeJobId`), each with its own stream.
- An array job's children are listed with `arrayJobId` (every status: with no status only RUNNING ones come).
- An EKS job's containers log where the cluster ships pod logs, not to a Batch stream.
A running attempt's stream stays live while the job is not finished, whatever `attempts` already holds.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from hybridml.domain.batch import ALL_JOB_STATUSES, Job, JobKind, JobStatus
from hybridml.domain.logs import (
    BATCH_LOG_GROUP,
    PROCESSING_LOG_GROUP,
    TRAINING_LOG_GROUP,
    LogSource,
    LogSourceKind,
    LogStreamRef,
    ResolvedLogs,
    endpoint_log_group,
)

if TYPE_CHECKING:
    from hybridml.aws.batch import BatchService
    from hybridml.aws.logs import LogsService

ENDPOINT_STREAMS = 20  # the most recently written instance streams of an endpoint
ACTIVE_STATUSES = tuple(s for s in ALL_JOB_STATUSES if not s.is_terminal)
RAN_OR_RUNNING = (JobStatus.RUNNABLE, JobStatus.STARTING, JobStatus.RUNNING)  # RUNNABLE: maybe a retry


class SourceNotFound(Exception):
    """The job / training job / endpoint does not exist (a typo, or it aged out)."""


def expected_stream(prefix: str, container: str, task_arn: str) -> str:
    """The awslogs stream of a container ("prefix-name/container-name/ecs-task-id"), when Batch has not said."""
    task_id = task_arn.rsplit("/", 1)[-1]
    return f"{prefix}/{container or 'default'}/{task_id}" if prefix and task_id else ""


def job_streams(job: Job, *, tag: str = "", attempt: int | None = None, group: str = "") -> list[LogStreamRef]:
    """The streams of one job (every attempt, or attempt `attempt`), labelled `<tag>#<attempt>[/<container>]`."""
    group = job.log_group or group or BATCH_LOG_GROUP
    groups = {c.name: c.log_group for c in job.containers if c.log_group}
    live_job = not job.status.is_terminal
    current = len(job.attempts) + 1
    wanted: dict[str, LogStreamRef] = {}

    def add(number: int, container: str, stream: str, live: bool) -> None:
        if not stream or attempt not in (None, number):
            return
        label = f"{tag}#{number}" + (f"/{container}" if container else "")
        old = wanted.get(stream)
        ref = LogStreamRef(groups.get(container, group), stream, old.label if old else label, live)
        if old is None or (live and not old.live):
            wanted[stream] = ref

    for number, past in enumerate(job.attempts, start=1):
        for container, stream in past.log_streams:
            add(number, container, stream, live_job and past.stopped_at is None)
    running = [(c.name, c.log_stream) for c in job.containers if c.log_stream]
    if not running and job.kind is JobKind.ECS and job.task_arn:
        running = [(c.name, expected_stream(c.log_stream_prefix, c.name, job.task_arn)) for c in job.containers]
    if not running and job.log_stream:
        running = [("", job.log_stream)]
    running_now = job.status in (JobStatus.STARTING, JobStatus.RUNNING)
    for container, stream in running:
        old = wanted.get(stream)
        if old is None:
            add(current, container, stream, live_job)
        elif running_now:  # listed in `attempts` already (moto does that), yet it is the running attempt's stream
            wanted[stream] = LogStreamRef(old.group, old.name, old.label, True)
    return list(wanted.values())


def _waiting_note(job: Job) -> str:
    if job.status.is_terminal:
        return f"job {job.name} is {job.status.value} and wrote no log stream"
    if job.attempts:
        return f"job {job.name} is {job.status.value}: attempt {len(job.attempts) + 1} has not started — waiting"
    return f"job {job.name} is {job.status.value}: no log stream yet — waiting for it to start"


def _eks_note(job: Job) -> str:
    where = f" (pod {job.pod})" if job.pod else ""
    return (
        f"EKS job {job.name}{where}: Batch writes no CloudWatch stream for EKS jobs; its containers log where the "
        "cluster ships pod logs (e.g. kubectl logs, or Container Insights /aws/containerinsights/<cluster>)"
    )


class BatchLogResolver:
    """Resolves one Batch source again and again while it is followed, reading only what may have changed:
    finished array children and nodes are remembered, so each round lists the active statuses only."""

    def __init__(self, batch: BatchService, source: LogSource) -> None:
        self.batch = batch
        self.source = source
        self._finished: dict[str, Job] = {}  # children / nodes that ended (they never change again)
        self._active: dict[str, Job] = {}  # children / nodes active at the last round
        self._listed = False

    async def __call__(self) -> ResolvedLogs:
        source = self.source
        job = await self.batch.job(source.name)
        if job is None:
            raise SourceNotFound(f"Batch job {source.name} not found")
        if job.is_multinode_parent and source.attempt is not None:  # JOBID#N names node N
            node = await self.batch.job(f"{job.job_id}#{source.attempt}")
            if node is None:
                raise SourceNotFound(f"multi-node job {job.name} has no node {source.attempt}")
            return await self._single(node, None)
        if source.attempt == 0:
            raise SourceNotFound(f"job {job.name}: attempts count from 1 (#0 names a node of a multi-node job)")
        if job.is_array_parent:
            return await self._members(job, "array", self.batch.array_children, lambda c: f"[{_index(c)}]")
        if job.is_multinode_parent:
            return await self._members(job, "multi-node", self.batch.multinode_nodes, lambda n: f"node{_node(n)}")
        return await self._single(job, source.attempt)

    async def _group(self, job: Job) -> str:
        """The job's log group: its container's `awslogs-group`, else its definition's, else /aws/batch/job."""
        if job.log_group or job.kind is JobKind.EKS or not job.job_definition:
            return job.log_group
        definition = await self.batch.job_definition(job.job_definition)
        return definition.log_group if definition is not None else ""

    async def _single(self, job: Job, attempt: int | None) -> ResolvedLogs:
        title = f"job {job.name} ({job.job_id})" + (f" attempt {attempt}" if attempt is not None else "")
        if job.kind is JobKind.EKS:
            return ResolvedLogs(self.source, title, note=_eks_note(job), finished=job.status.is_terminal)
        streams = job_streams(job, attempt=attempt, group=await self._group(job))
        if not streams:
            if attempt is not None and job.status.is_terminal:
                raise SourceNotFound(f"job {job.name} has no attempt {attempt} (it made {len(job.attempts)})")
            return ResolvedLogs(self.source, title, note=_waiting_note(job), finished=job.status.is_terminal)
        if len(streams) == 1:  # one stream needs no tag
            streams = [LogStreamRef(s.group, s.name, "", s.live) for s in streams]
        note = "" if any(s.live for s in streams) or job.status.is_terminal else _waiting_note(job)
        return ResolvedLogs(self.source, title, tuple(streams), note=note, finished=job.status.is_terminal)

    async def _members(
        self,
        job: Job,
        what: str,
        lister: Callable[[str, tuple[JobStatus, ...]], Awaitable[list[Job]]],
        tag: Callable[[Job], str],
    ) -> ResolvedLogs:
        """Every child / node: the first time in every status, later only the active ones (and those that left
        the active lists since, described to learn how they ended)."""
        statuses = ACTIVE_STATUSES if self._listed else ALL_JOB_STATUSES
        listed = await lister(job.job_id, statuses)
        self._listed = True
        active = {m.job_id: m for m in listed if not m.status.is_terminal}
        ended = [m.job_id for m in listed if m.status.is_terminal and m.job_id not in self._finished]
        gone = [i for i in self._active if i not in active and i not in self._finished]
        # SUBMITTED / PENDING members never ran: no stream to find, no need to describe them
        ran = [i for i, m in active.items() if m.status in RAN_OR_RUNNING]
        wanted = [*ran, *ended, *gone]
        detailed = {m.job_id: m for m in (await self.batch.describe_jobs(wanted) if wanted else [])}
        for member in detailed.values():
            if member.status.is_terminal:
                self._finished[member.job_id] = member
                active.pop(member.job_id, None)
            else:
                active[member.job_id] = member
        self._active = active
        members = {**self._finished, **active}
        group = await self._group(job)
        streams: list[LogStreamRef] = []
        for member in sorted(members.values(), key=lambda m: (_index(m), _node(m))):
            streams.extend(job_streams(member, tag=tag(member), attempt=self.source.attempt, group=group))
        finished = job.status.is_terminal and all(m.status.is_terminal for m in members.values())
        note = "" if streams else f"{what} job {job.name}: no member has a log stream yet — waiting"
        return ResolvedLogs(
            self.source, f"{what} job {job.name} ({job.job_id})", tuple(streams), note=note, finished=finished
        )


def _index(job: Job) -> int:
    return job.array.index or 0 if job.array is not None else 0


def _node(job: Job) -> int:
    return job.multinode.node_index or 0 if job.multinode is not None else 0


async def resolve_batch(batch: BatchService, source: LogSource) -> ResolvedLogs:
    return await BatchLogResolver(batch, source)()


async def resolve_training(logs: LogsService, source: LogSource) -> ResolvedLogs:
    """A training or processing job: its streams `<job name>/<host>-<epoch>` in the job kind's log group."""
    processing = source.kind is LogSourceKind.PROCESSING_JOB
    group = PROCESSING_LOG_GROUP if processing else TRAINING_LOG_GROUP
    what = "processing" if processing else "training"
    prefix = f"{source.name}/"
    found = await logs.streams(group, prefix, limit=200)
    streams = tuple(LogStreamRef(group, s.name, s.name[len(prefix) :]) for s in found)
    note = "" if streams else f"{what} job {source.name}: no log stream yet — waiting (it may still be starting)"
    return ResolvedLogs(source, f"{what} {source.name}", streams, note=note)


async def resolve_endpoint(logs: LogsService, source: LogSource) -> ResolvedLogs:
    group = endpoint_log_group(source.name)
    found = await logs.streams(group, newest_first=True, limit=ENDPOINT_STREAMS)
    streams = tuple(LogStreamRef(group, s.name, s.name.rsplit("/", 1)[-1]) for s in found)
    note = "" if streams else f"endpoint {source.name}: no instance has logged yet — waiting"
    return ResolvedLogs(source, f"endpoint {source.name}", streams, note=note)


async def resolve(batch: BatchService, logs: LogsService, source: LogSource) -> ResolvedLogs:
    if source.kind is LogSourceKind.BATCH_JOB:
        return await resolve_batch(batch, source)
    if source.kind in (LogSourceKind.TRAINING_JOB, LogSourceKind.PROCESSING_JOB):
        return await resolve_training(logs, source)
    return await resolve_endpoint(logs, source)


def resolver(batch: BatchService, logs: LogsService, source: LogSource) -> Callable[[], Awaitable[ResolvedLogs]]:
    """What a follower calls to resolve `source` again and again (keeps what never changes between calls)."""
    if source.kind is LogSourceKind.BATCH_JOB:
        return BatchLogResolver(batch, source)
    return lambda: resolve(batch, logs, source)

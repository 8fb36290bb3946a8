"""Resolve a `LogSource` (Batch job / array job / training job / endpoint) to its log streams now."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hybridml.domain.batch import Job
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


class SourceNotFound(Exception):
    """The job / training job / endpoint does not exist (a typo, or it aged out)."""


def _job_streams(job: Job, *, tag: str = "", attempt: int | None = None) -> list[LogStreamRef]:
    group = job.log_group or BATCH_LOG_GROUP
    streams: list[LogStreamRef] = []
    seen: set[str] = set()
    for number, past in enumerate(job.attempts, start=1):
        if past.log_stream and past.log_stream not in seen and attempt in (None, number):
            seen.add(past.log_stream)
            streams.append(LogStreamRef(group, past.log_stream, f"{tag}#{number}", live=False))
    current = len(job.attempts) + 1
    if job.log_stream and job.log_stream not in seen and attempt in (None, current):
        live = not job.status.is_terminal
        streams.append(LogStreamRef(group, job.log_stream, f"{tag}#{current}", live=live))
    return streams


def _waiting_note(job: Job) -> str:
    if job.status.is_terminal:
        return f"job {job.name} is {job.status.value} and wrote no log stream"
    return f"job {job.name} is {job.status.value}: no log stream yet — waiting for it to start"


async def resolve_batch(batch: BatchService, source: LogSource) -> ResolvedLogs:
    job = await batch.job(source.name)
    if job is None:
        raise SourceNotFound(f"Batch job {source.name} not found")
    title = f"job {job.name} ({job.job_id})"
    if job.is_array_parent:
        children = await batch.array_children(job.job_id)
        detailed = await batch.describe_jobs([c.job_id for c in children]) if children else []
        streams: list[LogStreamRef] = []
        for child in sorted(detailed, key=lambda c: (c.array.index or 0) if c.array else 0):
            index = child.array.index if child.array else "?"
            streams.extend(_job_streams(child, tag=f"[{index}]", attempt=source.attempt))
        finished = job.status.is_terminal and all(c.status.is_terminal for c in detailed)
        note = "" if streams else f"array job {job.name}: no child has a log stream yet — waiting"
        return ResolvedLogs(source, f"array {title}", tuple(streams), note=note, finished=finished)
    streams = _job_streams(job, attempt=source.attempt)
    if source.attempt is not None:
        title += f" attempt {source.attempt}"
    if not streams:
        if source.attempt is not None and job.status.is_terminal:
            raise SourceNotFound(f"job {job.name} has no attempt {source.attempt} (it made {len(job.attempts)})")
        return ResolvedLogs(source, title, note=_waiting_note(job), finished=job.status.is_terminal)
    if len(streams) == 1:  # one stream needs no tag
        streams = [LogStreamRef(s.group, s.name, "", s.live) for s in streams]
    return ResolvedLogs(source, title, tuple(streams), finished=job.status.is_terminal)


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

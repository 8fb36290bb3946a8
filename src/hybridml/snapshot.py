"""Gather one TriageContext: every read triage and `:all` need, concurrently. The only I/O behind triage.

A service the credentials cannot read (or an endpoint that lacks it) leaves its part empty and is named in
`context.unreadable`, so Batch triage still works when SageMaker or Service Quotas are denied.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

from hybridml.aws._util import bounded_gather
from hybridml.aws.errors import AwsError, translate
from hybridml.domain.batch import Job, JobStatus
from hybridml.domain.sagemaker import Endpoint
from hybridml.triage.context import Thresholds, TriageContext
from hybridml.triage.instances import QUOTA_CODES
from hybridml.triage.watches import idle_candidates

if TYPE_CHECKING:
    from hybridml.services import Services

T = TypeVar("T")


def thresholds(services: Services) -> Thresholds:
    s = services.settings
    return Thresholds(
        job_stuck_min=s.batch.stuck_after_min,
        endpoint_transition_min=s.triage.endpoint_transition_after_min,
        training_starting_min=s.triage.training_starting_after_min,
        training_downloading_min=s.triage.training_downloading_after_min,
    )


async def _optional(part: str, call: Awaitable[T], empty: T, skipped: list[tuple[str, str]]) -> T:
    try:
        return await call
    except Exception as exc:
        error = exc if isinstance(exc, AwsError) else translate(exc)
        skipped.append((part, str(error)))
        return empty


async def _described(services: Services, jobs: list[Job]) -> list[Job]:
    """Replace non-terminal summaries (and the dependencies they name) with full details."""
    wanted = {j.job_id for j in jobs if not j.status.is_terminal}
    known = {j.job_id for j in jobs}
    details = {j.job_id: j for j in await services.batch.describe_jobs(sorted(wanted))}
    missing = {d for j in details.values() for d in j.depends_on if d not in known}
    extra = await services.batch.describe_jobs(sorted(missing)) if missing else []
    return [details.get(j.job_id, j) for j in jobs] + extra


async def _array_samples(services: Services, jobs: list[Job]) -> list[Job]:
    """One page of RUNNABLE children per active array parent that has any (queue listings hold no children, so
    this is how triage sees an array stuck RUNNABLE). A parent whose statusSummary says none is skipped."""
    wanted = [
        j.job_id
        for j in jobs
        if j.is_array_parent
        and not j.status.is_terminal
        and (j.array is None or not j.array.status_counts or dict(j.array.status_counts).get("RUNNABLE", 0) > 0)
    ]

    async def one(parent_id: str) -> list[Job]:
        return await services.batch.array_children_sample(parent_id, JobStatus.RUNNABLE)

    pages = await bounded_gather(services.session.settings.max_concurrency, one, wanted)
    return [child for page in pages for child in page]


async def gather_context(
    services: Services,
    *,
    details: bool = True,
    sagemaker: bool = True,
    quotas: bool = True,
    extra_jobs: Sequence[str] = (),
    idle_h: float = 0.0,
) -> TriageContext:
    """One snapshot. `details=False` skips DescribeJobs (enough for watches and `:all`); `extra_jobs` are
    described and added when the listing does not hold them; `idle_h` reads the Invocations of the endpoints
    the idle watch could call idle over that many hours (`context.invocations`)."""
    skipped: list[tuple[str, str]] = []
    batch = services.batch
    denied = services.denied_services()
    queues_t = asyncio.ensure_future(batch.job_queues())
    ces_t = asyncio.ensure_future(batch.compute_environments())
    defs_t = asyncio.ensure_future(batch.job_definitions())
    jobs_t = asyncio.ensure_future(batch.all_jobs(services.settings.batch.queues))
    use_sm = sagemaker and "sagemaker" not in denied
    eps_t = asyncio.ensure_future(
        _optional("sagemaker", services.sagemaker.endpoints(), [], skipped) if use_sm else _none([])
    )
    tjs_t = asyncio.ensure_future(
        _optional("sagemaker", services.training.training_jobs(), [], skipped) if use_sm else _none([])
    )
    use_q = quotas and "service-quotas" not in denied
    quota_t = asyncio.ensure_future(
        _optional("quotas", services.quotas.ec2_vcpu_quotas(QUOTA_CODES), ({}, ""), skipped)
        if use_q
        else _none(({}, "access denied at start-up" if quotas else ""))
    )
    # Wait for every read (no cancelling: a shared job sweep must finish and be collected), then fail on the first
    # Batch error; the optional parts never raise.
    parts = await asyncio.gather(queues_t, ces_t, defs_t, jobs_t, return_exceptions=True)
    for part in parts:
        if isinstance(part, BaseException):
            await asyncio.gather(eps_t, tjs_t, quota_t, return_exceptions=True)
            raise part
    queues, ces, defs, jobs = queues_t.result(), ces_t.result(), defs_t.result(), jobs_t.result()
    if batch.partial is not None:  # some job lists not read: their last good rows are in `jobs`
        skipped.append(("batch jobs", batch.partial.summary()))
    try:
        if details:
            jobs = await _described(services, jobs)
        listed = {j.job_id for j in jobs}
        if any(i not in listed for i in extra_jobs):  # e.g. an array child, which ListJobs by queue omits
            jobs = jobs + await batch.describe_jobs([i for i in extra_jobs if i not in listed])
        children = await _array_samples(services, jobs) if details else []
        endpoints, training, (quota_values, quota_why) = await asyncio.gather(eps_t, tjs_t, quota_t)
    except BaseException:
        for task in (eps_t, tjs_t, quota_t):
            task.cancel()
        raise
    invocations: dict[str, float] = {}
    if idle_h > 0 and use_sm:
        invocations = await _optional("endpoint metrics", _invocations(services, endpoints, idle_h), {}, skipped)
    if sagemaker and not use_sm:
        skipped.append(("sagemaker", "access denied at start-up"))
    if quota_why and quotas:
        skipped.append(("quotas", quota_why))
    return TriageContext(
        jobs=tuple(jobs),
        queues=tuple(queues),
        compute_environments=tuple(ces),
        job_definitions=tuple(defs),
        endpoints=tuple(endpoints),
        training_jobs=tuple(training),
        quotas=tuple(sorted(quota_values.items())),
        thresholds=thresholds(services),
        unreadable=tuple(dict.fromkeys(skipped)),
        array_children=tuple(children),
        invocations=tuple(sorted(invocations.items())),
    )


async def _invocations(services: Services, endpoints: Sequence[Endpoint], idle_h: float) -> dict[str, float]:
    """Invocations over the last `idle_h` hours of the endpoints that could be idle that long (one cached read)."""
    candidates = idle_candidates(endpoints, idle_h, datetime.now(UTC))
    pairs = [(e.name, v.name) for e in candidates for v in e.variants]
    return await services.metrics.invocation_totals(pairs, round(idle_h * 3600)) if pairs else {}


async def _none(value: T) -> T:
    return value

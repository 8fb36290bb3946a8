"""Gather one TriageContext: every read triage and `:all` need, concurrently. The only I/O behind triage.

A service the credentials cannot read (or an endpoint that lacks it) leaves its part empty and is named in
`context.unreadable`, so Batch triage still works when SageMaker or Service Quotas are denied.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Sequence
from typing import TYPE_CHECKING, TypeVar

from hybridml import clock
from hybridml.aws._util import bounded_gather
from hybridml.aws.errors import AwsError, translate
from hybridml.domain.batch import Job, JobStatus
from hybridml.domain.monitoring import MonitoringSchedule
from hybridml.domain.notebooks import Notebook
from hybridml.domain.pipelines import Pipeline
from hybridml.domain.sagemaker import Endpoint
from hybridml.domain.tuning import TuningJob
from hybridml.triage.context import Thresholds, TriageContext
from hybridml.triage.instances import QUOTA_CODES
from hybridml.triage.watches import could_be_idle, idle_candidates

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
        notebook_running_h=s.watches.notebook_idle_h,
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
    training: bool = True,
    endpoint_details: bool = True,
    quotas: bool = True,
    mlops: bool = True,
    extra_jobs: Sequence[str] = (),
    max_age_s: float = 0.0,
    idle_h: float = 0.0,
) -> TriageContext:
    """One snapshot. `details=False` skips DescribeJobs (enough for watches and `:all`); `extra_jobs` are
    described and added when the listing does not hold them; `mlops` reads pipelines, tuning jobs, monitors and
    notebooks (each skipped when its pane is denied). Reads younger than `max_age_s` (the views' own, through the
    shared cache and job sweep) are reused: the watches state the freshness they need.
    `endpoint_details=False` reads endpoints from ListEndpoints alone (status and times, no variants).
    `idle_h` reads the Invocations of the endpoints the idle watch could call idle over that many hours
    (`context.invocations`), and their variants (`_idle_reads`)."""
    skipped: list[tuple[str, str]] = []
    batch = services.batch
    denied = services.denied_services()
    queues_t = asyncio.ensure_future(batch.job_queues(max_age_s=max_age_s))
    ces_t = asyncio.ensure_future(batch.compute_environments(max_age_s=max_age_s))
    defs_t = asyncio.ensure_future(batch.job_definitions(max_age_s=max_age_s))
    jobs_t = asyncio.ensure_future(batch.all_jobs(services.settings.batch.queues, max_age_s=max(1.0, max_age_s)))
    use_sm = sagemaker and "sagemaker" not in denied
    eps_t = asyncio.ensure_future(
        _optional(
            "sagemaker",
            services.sagemaker.endpoints(max_age_s=max_age_s)
            if endpoint_details
            else services.sagemaker.endpoint_summaries(max_age_s=max_age_s),
            [],
            skipped,
        )
        if use_sm
        else _none([])
    )
    tjs_t = asyncio.ensure_future(
        _optional("sagemaker", services.training.training_jobs(max_age_s=max_age_s), [], skipped)
        if use_sm and training
        else _none([])
    )
    ops_t = asyncio.ensure_future(
        _mlops(services, denied, skipped, max_age_s) if mlops and sagemaker else _none(_NO_OPS)
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
            await asyncio.gather(eps_t, tjs_t, quota_t, ops_t, return_exceptions=True)
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
        endpoints, trainings, (quota_values, quota_why), ops = await asyncio.gather(eps_t, tjs_t, quota_t, ops_t)
    except BaseException:
        for task in (eps_t, tjs_t, quota_t, ops_t):
            task.cancel()
        raise
    invocations: dict[str, float] = {}
    if idle_h > 0 and use_sm:
        endpoints, invocations = await _optional(
            "endpoint metrics", _idle_reads(services, endpoints, idle_h), (endpoints, {}), skipped
        )
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
        training_jobs=tuple(trainings),
        pipelines=tuple(ops[0]),
        tuning_jobs=tuple(ops[1]),
        monitors=tuple(ops[2]),
        notebooks=tuple(ops[3]),
        quotas=tuple(sorted(quota_values.items())),
        thresholds=thresholds(services),
        unreadable=tuple(dict.fromkeys(skipped)),
        array_children=tuple(children),
        invocations=tuple(sorted(invocations.items())),
    )


IDLE_READ_MAX_AGE_S = 600.0  # the idle watch counts hours: endpoint details and totals this old will do
# Endpoints the idle watch describes anew per round (a DescribeEndpoint each, and a DescribeEndpointConfig the first
# time): 200 candidates take 25 rounds (~12 min at the default 30 s) instead of ~400 calls in the first minute,
# more than the whole default budget of 300 a minute (bench: header peak 586/min). Idleness is counted in hours.
IDLE_DESCRIBES_PER_ROUND = 8


async def _idle_reads(
    services: Services, endpoints: list[Endpoint], idle_h: float
) -> tuple[list[Endpoint], dict[str, float]]:
    """For the idle watch: the variants of the endpoints that could be idle `idle_h` hours (a summary listing has
    none; the full listing is reused when younger than IDLE_READ_MAX_AGE_S, the view's own when it is open; else
    IDLE_DESCRIBES_PER_ROUND more are described each round, oldest first, and kept while unchanged), and their
    Invocations over that window (one GetMetricData, totals reused as long)."""
    now = clock.utcnow()  # the watch evaluates with the same clock
    maybe = {e.name for e in endpoints if could_be_idle(e, idle_h, now)}
    bare = [e for e in endpoints if e.name in maybe and not e.variants]
    bare.sort(key=lambda e: (e.created_at or now, e.name))
    if bare:  # oldest first, a few describes a round: never one burst over every endpoint of the account
        full = await services.sagemaker.described(
            [e.name for e in bare], new_at_most=IDLE_DESCRIBES_PER_ROUND, max_age_s=IDLE_READ_MAX_AGE_S
        )
        endpoints = [
            dataclasses.replace(e, variants=full[e.name].variants)
            if e.name in maybe and not e.variants and e.name in full
            else e
            for e in endpoints
        ]
    pairs = [(e.name, v.name) for e in idle_candidates(endpoints, idle_h, now) for v in e.variants]
    if not pairs:
        return endpoints, {}
    window = round(idle_h * 3600)
    return endpoints, await services.metrics.invocation_totals(pairs, window, max_age_s=IDLE_READ_MAX_AGE_S)


async def _none(value: T) -> T:
    return value


_NO_OPS: tuple[list[Pipeline], list[TuningJob], list[MonitoringSchedule], list[Notebook]] = ([], [], [], [])


async def _mlops(
    services: Services, denied: set[str], skipped: list[tuple[str, str]], max_age_s: float
) -> tuple[list[Pipeline], list[TuningJob], list[MonitoringSchedule], list[Notebook]]:
    """Pipelines (with their newest run), tuning jobs, monitors and notebooks; a denied or failing part is empty
    and named in `skipped`."""

    def part(pane: str, call: Awaitable[list[T]]) -> Awaitable[list[T]]:
        if pane in denied:
            if asyncio.iscoroutine(call):
                call.close()
            skipped.append((pane, "access denied at start-up"))
            return _none([])
        return _optional(pane, call, [], skipped)

    pipelines, tuning, monitors, notebooks = await asyncio.gather(
        part("sagemaker-pipelines", services.pipelines.pipelines(max_age_s=max_age_s)),
        part("sagemaker-tuning", services.tuning.tuning_jobs(max_age_s=max_age_s)),
        part("sagemaker-monitoring", services.monitoring.schedules(max_age_s=max_age_s)),
        part("sagemaker-notebooks", services.notebooks.notebooks(max_age_s=max_age_s)),
    )
    return pipelines, tuning, monitors, notebooks

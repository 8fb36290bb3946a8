"""Watches: thresholds from `[watches]` evaluated on every refresh -> alerts for the header. Pure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from hybridml.config import WatchSettings
from hybridml.domain.batch import Job, JobStatus
from hybridml.domain.sagemaker import Endpoint
from hybridml.domain.units import human_duration
from hybridml.triage.context import TriageContext

_EPOCH = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Alert:
    key: str  # stable while the condition holds: the bell rings once per new key
    text: str


def _finished_at(job: Job) -> datetime:
    return job.stopped_at or job.created_at or _EPOCH


def _stalled_array(parent: Job, after_min: float, now: datetime) -> Alert | None:
    """An array parent stays PENDING while its children wait or run, so the parent's own status says nothing:
    alert when its statusSummary shows children RUNNABLE and none starting or running, for `after_min`."""
    counts = dict(parent.array.status_counts) if parent.array is not None else {}
    waiting = counts.get("RUNNABLE", 0)
    moving = counts.get("STARTING", 0) + counts.get("RUNNING", 0)
    age = parent.age_s(now)
    if not waiting or moving or age is None or age < after_min * 60:
        return None
    return Alert(f"array/{parent.job_id}", f"{parent.name}: {waiting} children RUNNABLE, none running")


def evaluate(ctx: TriageContext, rules: WatchSettings, now: datetime) -> list[Alert]:
    if not rules.enabled:
        return []
    alerts: list[Alert] = []
    waiting: dict[str, int] = defaultdict(int)
    for job in ctx.jobs:
        if job.status in (JobStatus.SUBMITTED, JobStatus.PENDING, JobStatus.RUNNABLE):
            waiting[job.queue] += 1
        if rules.runnable_after_min and job.status is JobStatus.RUNNABLE and not job.is_array_parent:
            age = job.age_s(now)
            if age is not None and age >= rules.runnable_after_min * 60:
                alerts.append(Alert(f"runnable/{job.job_id}", f"{job.name} RUNNABLE {human_duration(age)}"))
        elif rules.runnable_after_min and job.is_array_parent and not job.status.is_terminal:
            alert = _stalled_array(job, rules.runnable_after_min, now)
            if alert is not None:
                alerts.append(alert)
    if rules.queue_blocked:
        for queue in ctx.queues:
            if not waiting.get(queue.name):
                continue
            # a DISABLED queue still runs the jobs already in it (JobQueueDetail `state`): not blocked by itself;
            # a CE that is UPDATING still places jobs (`ComputeEnvironment.usable`)
            why = ""
            if queue.status == "INVALID":
                why = "invalid"
            elif not any(ce.usable for ce in ctx.queue_ces(queue)):
                why = "no valid CE"
            if why:
                alerts.append(Alert(f"queue/{queue.name}", f"queue {queue.name} blocked ({why})"))
    if rules.failed_in_a_row:
        by_def: dict[str, list[Job]] = defaultdict(list)
        for job in ctx.jobs:
            if job.status.is_terminal and not job.is_array_child:
                by_def[job.job_definition_name].append(job)
        for name, jobs in sorted(by_def.items()):
            last = sorted(jobs, key=_finished_at)[-rules.failed_in_a_row :]
            if len(last) == rules.failed_in_a_row and all(j.status is JobStatus.FAILED for j in last):
                alerts.append(
                    Alert(f"failed/{name}/{last[-1].job_id}", f"{name} failed {rules.failed_in_a_row}x in a row")
                )
    if rules.endpoint_not_in_service_after_min:
        for ep in ctx.endpoints:
            if ep.status == "InService":
                continue
            since = ep.modified_at or ep.created_at
            waited = (now - since).total_seconds() if since else None
            if ep.status == "Failed" or (waited is not None and waited >= rules.endpoint_not_in_service_after_min * 60):
                alerts.append(Alert(f"endpoint/{ep.name}/{ep.status}", f"endpoint {ep.name} {ep.status}"))
    if rules.idle_endpoint_h:
        alerts += idle_endpoint_alerts(ctx, rules.idle_endpoint_h, now)
    return alerts + ops_alerts(ctx, rules, now)


def ops_alerts(ctx: TriageContext, rules: WatchSettings, now: datetime) -> list[Alert]:
    """Pipelines, Model Monitor and notebooks. Keys name the run (or the start), so a new failure rings again."""
    alerts: list[Alert] = []
    if rules.pipeline_failed:
        for p in ctx.pipelines:
            e = p.latest
            if e is not None and e.failed:
                step = f" at {e.failed_step}" if e.failed_step else ""
                alerts.append(Alert(f"pipeline/{e.arn}", f"pipeline {p.name} failed{step}"))
    if rules.monitor_violations:
        for m in ctx.monitors:
            last = m.last
            if last is None or last.status not in ("CompletedWithViolations", "Failed"):
                continue
            what = "monitor failed" if last.status == "Failed" else f"{last.violations or ''} violations".strip()
            alerts.append(Alert(f"monitor/{m.name}/{last.key}", f"{m.endpoint or m.name}: {what}"))
    if rules.notebook_idle_h:
        for n in ctx.notebooks:
            running = n.running_s(now)
            if running is not None and running >= rules.notebook_idle_h * 3600:
                alerts.append(
                    Alert(f"notebook/{n.key}/{n.running_since}", f"{n.label} running {human_duration(running)}")
                )
    return alerts


def could_be_idle(ep: Endpoint, hours: float, now: datetime) -> bool:
    """InService and created at least `hours` ago: what a listing's summary can tell (it has no variants)."""
    return (
        ep.status == "InService" and ep.created_at is not None and (now - ep.created_at).total_seconds() >= hours * 3600
    )


def idle_candidates(endpoints: Iterable[Endpoint], hours: float, now: datetime) -> list[Endpoint]:
    """Endpoints that could be idle for `hours`: InService, created at least that long ago, with instances (a
    serverless variant bills per request, so an idle one costs nothing; no variants read: not a candidate)."""
    return [ep for ep in endpoints if could_be_idle(ep, hours, now) and any(not v.serverless for v in ep.variants)]


def per_day(hourly: float | None) -> str:
    """What an hourly price comes to in a day: `$67.58/day`, or `cost unknown` without a catalogue price."""
    return "cost unknown" if hourly is None else f"${hourly * 24:,.2f}/day"


def idle_endpoint_alerts(ctx: TriageContext, hours: float, now: datetime) -> list[Alert]:
    """An InService endpoint with no Invocations over the last `hours` (every production variant, from CloudWatch
    `AWS/SageMaker` Invocations) still bills each instance hour: say what it costs a day. An endpoint whose
    Invocations were not read (metrics denied, or not a candidate) is never called idle."""
    read = dict(ctx.invocations)
    out = []
    for ep in idle_candidates(ctx.endpoints, hours, now):
        if read.get(ep.name) == 0:
            text = f"endpoint {ep.name} idle (no invocations in {hours:g}h): {per_day(ep.price_per_hour)}"
            out.append(Alert(f"idle/{ep.name}", text))
    return out


def summary(alerts: list[Alert], width: int = 60) -> str:
    """The header text: a count and the first alerts that fit."""
    if not alerts:
        return ""
    text = f"{len(alerts)}: " + "; ".join(a.text for a in alerts)
    return text if len(text) <= width else text[: width - 1] + "…"

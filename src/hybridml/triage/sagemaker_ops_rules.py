"""Why is this pipeline, tuning job, monitor, endpoint variant or notebook worth a page? Pure rules, no I/O."""

from __future__ import annotations

from datetime import datetime, timedelta

from hybridml.domain.monitoring import MonitoringSchedule
from hybridml.domain.notebooks import STUDIO, Notebook
from hybridml.domain.pipelines import Pipeline
from hybridml.domain.prices import hourly
from hybridml.domain.sagemaker import Endpoint
from hybridml.domain.triage import Finding, ResourceKind, Severity
from hybridml.domain.tuning import TuningJob
from hybridml.render.fmt import age, human_duration
from hybridml.triage.context import TriageContext

RECENT = timedelta(hours=24)  # a failed run older than this is history, not a page (unless asked with `t`)
MIN_FAILED_TRIALS = 2  # "every training job failing" needs at least this many failures to say so


def _recent(when: datetime | None, now: datetime, any_age: bool) -> bool:
    return any_age or (when is not None and now - when <= RECENT)


def explain_pipeline(p: Pipeline, ctx: TriageContext, now: datetime, *, any_age: bool = False) -> list[Finding]:
    e = p.latest
    if e is None or not e.failed or not _recent(e.ended_at or e.started_at, now, any_age):
        return []
    step = e.failed_step or "(no step reports Failed)"
    return [
        Finding(
            Severity.ERROR,
            "PIPELINE_EXECUTION_FAILED",
            ResourceKind.PIPELINE,
            p.name,
            p.name,
            f"Run {e.display_name or e.execution_id} failed at step {step} ({age(e.started_at, now)} ago).",
            "Open the run (enter in :pipelines, or t) to read the step's FailureReason, press l for the job's logs; "
            "fix the cause, then RetryPipelineExecution (resumes from the failed step) or start a new run.",
            (
                ("PipelineExecutionStatus", e.status),
                ("failed step", step),
                ("FailureReason", e.failure_reason or "-"),
                ("PipelineExecutionArn", e.arn),
            ),
        )
    ]


def explain_tuning(j: TuningJob, ctx: TriageContext, now: datetime, *, any_age: bool = False) -> list[Finding]:
    evidence = (
        ("HyperParameterTuningJobStatus", j.status),
        ("TrainingJobStatusCounters", f"{j.completed} completed, {j.in_progress} in progress, {j.failed} failed"),
        ("InstanceType", f"{j.instance_type or '-'} x{max(1, j.instance_count)}"),
    )
    if j.status == "Failed" and _recent(j.ended_at or j.modified_at, now, any_age):
        return [
            Finding(
                Severity.ERROR,
                "TUNING_FAILED",
                ResourceKind.TUNING_JOB,
                j.name,
                j.name,
                f"Tuning job failed: {j.failure_reason or 'no FailureReason given'}",
                "Read the FailureReason and a failed training job's logs (enter, then l); fix and start a new "
                "tuning job (a warm start reuses what the finished jobs learned).",
                (*evidence, ("FailureReason", j.failure_reason or "-")),
            )
        ]
    if j.status in ("InProgress", "Stopping") and j.failed >= MIN_FAILED_TRIALS and j.completed == 0:
        burn = j.price_per_hour
        cost = f", ${burn:,.2f}/h for the {j.in_progress} running now" if burn else ""
        return [
            Finding(
                Severity.ERROR,
                "TUNING_EVERY_JOB_FAILING",
                ResourceKind.TUNING_JOB,
                j.name,
                j.name,
                f"Every training job it launched has failed ({j.failed} of {j.launched}); it keeps launching "
                f"more on {j.instance_type or 'its instances'}{cost}.",
                "Stop it (ctrl+k in :tuning). The same error in every job means the script, image or data is "
                "broken, not the hyperparameters: open a failed training job (enter) and its logs (l).",
                evidence,
            )
        ]
    return []


def explain_monitor(
    s: MonitoringSchedule, ctx: TriageContext, now: datetime, *, any_age: bool = False
) -> list[Finding]:
    last = s.last
    evidence = [("MonitoringScheduleStatus", s.status), ("EndpointName", s.endpoint or "-")]
    if s.status == "Failed":
        return [
            Finding(
                Severity.ERROR,
                "MONITOR_SCHEDULE_FAILED",
                ResourceKind.MONITOR,
                s.name,
                s.name,
                f"Monitoring schedule failed: {s.failure_reason or 'no FailureReason given'}",
                "Recreate the schedule after fixing its job definition (role, image, baseline, endpoint).",
                (*evidence, ("FailureReason", s.failure_reason or "-")),
            )
        ]
    if last is None or not _recent(last.scheduled_at, now, any_age):
        return []
    evidence += [("last run", f"{last.status}, scheduled {age(last.scheduled_at, now)} ago")]
    if last.status == "Failed":
        no_data = "no data" in last.failure_reason.lower()
        fix = (
            f"The endpoint captured nothing to analyse: enable data capture on {s.endpoint} (EnableCapture in its "
            "endpoint config) and check that it serves traffic."
            if no_data
            else "Open the run (enter in :monitors, then t) and its processing job's logs (l)."
        )
        return [
            Finding(
                Severity.ERROR,
                "MONITOR_EXECUTION_FAILED",
                ResourceKind.MONITOR,
                s.name,
                s.name,
                f"The last monitoring run failed: {last.failure_reason or 'no FailureReason given'}",
                fix,
                (*evidence, ("FailureReason", last.failure_reason or "-")),
            )
        ]
    if last.status == "CompletedWithViolations":
        count = "" if last.violations is None else f"{last.violations} "
        return [
            Finding(
                Severity.WARNING,
                "MONITOR_VIOLATIONS",
                ResourceKind.MONITOR,
                s.name,
                s.name,
                f"The last monitoring run of {s.endpoint} found {count}constraint violations (drift from the "
                "baseline).",
                "t in :monitors shows the report's location and the first violations; compare with the baseline "
                "and retrain or update the baseline constraints.",
                tuple(evidence),
            )
        ]
    return []


def explain_variants(ep: Endpoint, ctx: TriageContext, now: datetime) -> list[Finding]:
    """A variant that gets no traffic (weight 0) but keeps instances running: paid for, serving nothing."""
    if ep.status != "InService" or len(ep.variants) < 2:
        return []
    found: list[Finding] = []
    for v in ep.variants:
        weight = v.desired_weight if v.desired_weight is not None else v.current_weight
        count = v.current_instance_count or 0
        if weight is None or weight > 0 or count <= 0:
            continue
        price = hourly(v.instance_type)
        cost = f" (${price * count:,.2f}/h)" if price is not None else ""
        found.append(
            Finding(
                Severity.WARNING,
                f"ENDPOINT_VARIANT_NO_TRAFFIC:{v.name}",
                ResourceKind.ENDPOINT,
                ep.name,
                ep.name,
                f"Variant {v.name} has weight 0 but {count} x {v.instance_type} running{cost}: it serves no requests.",
                f"Shift traffic to it (w in :endpoints) if it is a candidate, or update {ep.name} to an endpoint "
                "config without it (a variant cannot scale to 0 instances). To test a model on live traffic "
                "without serving its answers, use a shadow variant instead.",
                ((f"variant[{v.name}].weight", f"{weight:g}"), (f"variant[{v.name}].instances", str(count))),
            )
        )
    return found


def explain_notebook(n: Notebook, ctx: TriageContext, now: datetime, *, any_age: bool = False) -> list[Finding]:
    limit_h = ctx.thresholds.notebook_running_h
    running = n.running_s(now)
    if running is None or (not any_age and (not limit_h or running < limit_h * 3600)):
        return []
    spent = n.cost_so_far(now)
    what = f"{n.app_type} app of {n.owner}" if n.kind == STUDIO else "notebook instance"
    money = f", ~${spent:,.2f} so far" if spent is not None else ""
    return [
        Finding(
            Severity.WARNING,
            "NOTEBOOK_RUNNING_LONG",
            ResourceKind.NOTEBOOK,
            n.key,
            n.label,
            f"{what} {n.label} has been running for {human_duration(running)} on {n.instance_type}{money}.",
            "If nobody is using it, stop it (ctrl+k in :notebooks); its storage is kept. Prevent it: an idle "
            "shutdown lifecycle configuration (notebook instances) or Studio's idle shutdown settings.",
            (
                ("status", n.status),
                ("running since", f"{n.running_since:%Y-%m-%d %H:%M} UTC" if n.running_since else "-"),
                ("InstanceType", n.instance_type or "-"),
            ),
        )
    ]


def ops_findings(ctx: TriageContext, now: datetime) -> list[Finding]:
    found: list[Finding] = []
    for p in ctx.pipelines:
        found += explain_pipeline(p, ctx, now)
    for j in ctx.tuning_jobs:
        found += explain_tuning(j, ctx, now)
    for s in ctx.monitors:
        found += explain_monitor(s, ctx, now)
    for ep in ctx.endpoints:
        found += explain_variants(ep, ctx, now)
    for n in ctx.notebooks:
        found += explain_notebook(n, ctx, now)
    return found

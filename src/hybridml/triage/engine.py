"""`triage(context, now) -> list[Finding]`: every finding fleet-wide, worst first. Pure."""

from __future__ import annotations

from datetime import datetime

from hybridml.domain.triage import Finding, ResourceKind
from hybridml.triage.batch_rules import explain_job, queue_findings, stuck_findings
from hybridml.triage.context import TriageContext
from hybridml.triage.sagemaker_ops_rules import (
    explain_monitor,
    explain_notebook,
    explain_pipeline,
    explain_tuning,
    explain_variants,
    ops_findings,
)
from hybridml.triage.sagemaker_rules import explain_endpoint, explain_training

_KIND_ORDER = {
    ResourceKind.JOB: 0,
    ResourceKind.ENDPOINT: 1,
    ResourceKind.TRAINING_JOB: 2,
    ResourceKind.PIPELINE: 3,
    ResourceKind.TUNING_JOB: 4,
    ResourceKind.MONITOR: 5,
    ResourceKind.NOTEBOOK: 6,
    ResourceKind.QUEUE: 7,
    ResourceKind.COMPUTE_ENVIRONMENT: 8,
}


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Worst first; then by resource; a resource's own findings keep the order the rules gave."""
    unique = list({f.key: f for f in findings}.values())
    order = {f.key: i for i, f in enumerate(unique)}
    return sorted(
        unique,
        key=lambda f: (-int(f.severity), _KIND_ORDER.get(f.resource_kind, 9), f.resource_name, order[f.key]),
    )


def triage(ctx: TriageContext, now: datetime) -> list[Finding]:
    found: list[Finding] = []
    for job in ctx.jobs:
        found += stuck_findings(job, ctx, now)
    for queue in ctx.queues:
        found += queue_findings(queue, ctx)
    for ep in ctx.endpoints:
        found += explain_endpoint(ep, ctx, now)
    for tj in ctx.training_jobs:
        if not tj.tuning_job:  # a tuning job's training jobs are reported once, on the tuning job
            found += explain_training(tj, ctx, now)
    found += ops_findings(ctx, now)
    return sort_findings(found)


def explain(ctx: TriageContext, kind: str, ident: str, now: datetime) -> list[Finding]:
    """Findings about one resource, whatever its age (the `t` key): a job 2 minutes RUNNABLE is explained too."""
    if kind == ResourceKind.JOB:
        job = ctx.job_by_id.get(ident)
        return sort_findings(explain_job(job, ctx, now)) if job else []
    if kind == ResourceKind.ENDPOINT:
        eps = [e for e in ctx.endpoints if e.name == ident]
        if not eps:
            return []
        return sort_findings(explain_endpoint(eps[0], ctx, now, any_age=True) + explain_variants(eps[0], ctx, now))
    if kind == ResourceKind.TRAINING_JOB:
        tjs = [t for t in ctx.training_jobs if t.name == ident]
        return sort_findings(explain_training(tjs[0], ctx, now, any_age=True)) if tjs else []
    if kind == ResourceKind.PIPELINE:
        return sort_findings(
            [f for p in ctx.pipelines if p.name == ident for f in explain_pipeline(p, ctx, now, any_age=True)]
        )
    if kind == ResourceKind.TUNING_JOB:
        return sort_findings(
            [f for j in ctx.tuning_jobs if j.name == ident for f in explain_tuning(j, ctx, now, any_age=True)]
        )
    if kind == ResourceKind.MONITOR:
        return sort_findings(
            [f for m in ctx.monitors if m.name == ident for f in explain_monitor(m, ctx, now, any_age=True)]
        )
    if kind == ResourceKind.NOTEBOOK:
        return sort_findings([f for n in ctx.notebooks if n.key == ident for f in explain_notebook(n, ctx, now)])
    return [f for f in triage(ctx, now) if f.resource_id == ident or f"{kind} {ident}" in f.related]

"""Array jobs are explained through their children. Pure.

AWS Batch keeps an array parent PENDING while its children wait or run (ListJobs `jobStatus`: "Array job parents
are updated to PENDING when any child job is updated to RUNNABLE and remain in PENDING status while child jobs are
running"), and a queue's listing holds no children: a parent PENDING for hours is healthy, and a stuck array shows
only as children stuck RUNNABLE. The snapshot reads the parent's `statusSummary` (children per status) and one page
of its RUNNABLE children; each distinct reason among them is explained once, on the parent:
"900 children RUNNABLE: <cause>".
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable
from datetime import datetime

from hybridml.domain.batch import Job, JobStatus
from hybridml.domain.triage import ActionKind, Finding, FindingAction
from hybridml.triage.batch_common import is_stuck
from hybridml.triage.batch_reasons import reason_code
from hybridml.triage.context import TriageContext

MAX_REASONS = 3  # distinct child reasons explained per parent


def child_counts(parent: Job, children: list[Job]) -> Counter[str]:
    """Children per status: the parent's statusSummary when read, else what the sample shows."""
    if parent.array is not None and parent.array.status_counts:
        return Counter(dict(parent.array.status_counts))
    return Counter(c.status.value for c in children)


def _as_child(child: Job, parent: Job) -> Job:
    """A listed child (a JobSummary) with what it shares with its parent (queue, definition, resources, deps)."""
    return dataclasses.replace(
        child,
        queue=child.queue or parent.queue,
        job_definition=child.job_definition or parent.job_definition,
        resources=parent.resources if not child.resources.vcpus and not child.resources.memory_mib else child.resources,
        depends_on=child.depends_on or parent.depends_on,
        image=child.image or parent.image,
    )


def _on_parent(found: Finding, parent: Job, child: Job, count: int, total: int, sampled: int) -> Finding:
    if count == total:
        who = f"{total} children RUNNABLE"
    elif sampled >= total:
        who = f"{count} of {total} children RUNNABLE"
    else:
        who = f"{count} of the {sampled} RUNNABLE children read ({total} RUNNABLE)"
    action = found.action
    if action is not None and action.kind == ActionKind.CANCEL_JOB:  # cancelling the parent cancels every child
        action = FindingAction(
            ActionKind.CANCEL_JOB, parent.job_id, f"cancel array job {parent.name}", (), parent.status, "FAILED"
        )
    evidence = (
        ("array.size", str(parent.array.size if parent.array else "?")),
        ("children RUNNABLE", str(total)),
        ("example child", child.job_id),
        *((k.replace("job.", "child.", 1), v) for k, v in found.evidence if k not in ("job.status", "job.queue")),
    )
    return dataclasses.replace(
        found,
        resource_id=parent.job_id,
        resource_name=parent.name,
        summary=f"{who}: {found.summary}",
        evidence=(("job.status", parent.status.value), ("job.queue", parent.queue), *evidence),
        action=action,
    )


def array_findings(
    parent: Job,
    ctx: TriageContext,
    now: datetime,
    explain_job: Callable[[Job, TriageContext, datetime], list[Finding]],
    is_certain: Callable[[Job, list[Finding]], bool],
) -> list[Finding]:
    """Findings about an array parent: its stuck children's causes, one per distinct status reason. The job rules
    come from `batch_rules` (which calls this), so the two modules do not import each other."""
    if parent.status.is_terminal:
        return []
    sample = [c for c in ctx.children_of(parent.job_id) if c.status is JobStatus.RUNNABLE]
    counts = child_counts(parent, sample)
    total = counts.get("RUNNABLE", 0) or len(sample)
    if not sample:
        return []
    # children starting or running: the array makes progress and the rest queue behind them, so a guess with no
    # cause in the API (NO_VISIBLE_CAUSE) says nothing; what Batch or the fleet's state names still counts
    moving = counts.get("STARTING", 0) + counts.get("RUNNING", 0) > 0
    groups: dict[str, list[Job]] = {}
    for child in sorted(sample, key=lambda c: c.created_at or now):
        groups.setdefault(reason_code(child), []).append(child)
    out: list[Finding] = []
    for _, members in sorted(groups.items(), key=lambda kv: -len(kv[1]))[:MAX_REASONS]:
        child = _as_child(members[0], parent)
        found = explain_job(child, ctx, now)
        if not (is_stuck(child, ctx, now) or is_certain(child, found)):
            continue
        if moving:
            found = [f for f in found if f.cause != "NO_VISIBLE_CAUSE"]
        count = total if len(groups) == 1 else len(members)
        out += [_on_parent(f, parent, child, count, total, len(sample)) for f in found]
    return out

"""Why is this Batch job stuck? Pure rules over a TriageContext: each returns findings, never does I/O.

Causes follow the AWS Batch troubleshooting guide ("Jobs stuck in a RUNNABLE status") and the
statusReason codes Batch sets on such jobs. Placement rules live in `batch_placement.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from hybridml.domain.batch import ComputeEnvironment, Job, JobQueue, JobStatus
from hybridml.domain.triage import ActionKind, Finding, FindingAction, ResourceKind, Severity
from hybridml.domain.units import human_duration
from hybridml.triage.batch_arrays import array_findings
from hybridml.triage.batch_common import WAITING, Evidence, finding, is_stuck
from hybridml.triage.batch_placement import fit_rule, max_vcpus_rule, quota_rule, spot_rule
from hybridml.triage.batch_reasons import is_decisive, reason_code_rule, time_limit_rule
from hybridml.triage.context import TriageContext


# -- queue and compute environments --------------------------------------------------------------------
def _enable_ce(ce: ComputeEnvironment) -> FindingAction:
    return FindingAction(
        ActionKind.ENABLE_COMPUTE_ENVIRONMENT,
        ce.name,
        f"enable compute environment {ce.name}",
        (),
        "DISABLED",
        "ENABLED",
    )


def queue_rule(job: Job, ctx: TriageContext, now: datetime) -> list[Finding]:
    queue = ctx.queue_by_name.get(job.queue)
    if queue is None:
        return [
            finding(
                job,
                Severity.ERROR,
                "QUEUE_NOT_FOUND",
                f"The job's queue '{job.queue}' does not exist any more.",
                "Cancel the job and resubmit it to an existing queue.",
                [],
            )
        ]
    out: list[Finding] = []
    q_evidence: Evidence = [("queue.state", queue.state), ("queue.status", queue.status)]
    ces = ctx.queue_ces(queue)
    usable = [ce for ce in ces if ce.usable]
    for ce in ces:
        if ce.status == "INVALID":
            out.append(
                finding(
                    job,
                    Severity.ERROR if not usable else Severity.WARNING,
                    "CE_INVALID",
                    f"Compute environment '{ce.name}' is INVALID: {ce.status_reason or 'no reason given'}",
                    "Fix what the status reason names (roles, instance profile, subnets, security groups, AMI), then "
                    "update the compute environment; an INVALID CE launches nothing.",
                    [(f"ce[{ce.name}].status", ce.status), (f"ce[{ce.name}].statusReason", ce.status_reason)],
                    related=(f"ce {ce.name}",),
                )
            )
        elif ce.state == "DISABLED":
            out.append(
                finding(
                    job,
                    Severity.ERROR if not usable else Severity.WARNING,
                    "CE_DISABLED",
                    f"Compute environment '{ce.name}' is DISABLED: Batch places no jobs there and it launches no "
                    "instances.",
                    "Enable the compute environment (UpdateComputeEnvironment state=ENABLED).",
                    [(f"ce[{ce.name}].state", ce.state)],
                    _enable_ce(ce),
                    (f"ce {ce.name}",),
                )
            )
        elif ce.status not in ("VALID", "UPDATING"):
            out.append(
                finding(
                    job,
                    Severity.WARNING,
                    "CE_NOT_READY",
                    f"Compute environment '{ce.name}' is {ce.status}: it places no jobs until it is VALID.",
                    "Wait for it to become VALID (CREATING), or attach another compute environment (DELETING).",
                    [(f"ce[{ce.name}].status", ce.status)],
                    related=(f"ce {ce.name}",),
                )
            )
    if not usable:
        out.append(
            finding(
                job,
                Severity.ERROR,
                "QUEUE_NO_VALID_CE",
                f"Queue '{queue.name}' has no ENABLED and VALID compute environment, so nothing can run from it.",
                "Fix or enable one of its compute environments, or attach a working one to the queue.",
                [*q_evidence, ("queue.computeEnvironments", ",".join(ce.name for ce in ces) or "(none)")],
                related=(f"queue {queue.name}",),
            )
        )
    if queue.state == "DISABLED":  # JobQueueDetail state: "jobs already in the queue can finish"
        action = FindingAction(
            ActionKind.ENABLE_JOB_QUEUE, queue.name, f"enable job queue {queue.name}", (), "DISABLED", "ENABLED"
        )
        out.append(
            finding(
                job,
                Severity.INFO,
                "QUEUE_DISABLED",
                f"Queue '{queue.name}' is DISABLED: it accepts no new jobs, but jobs already in it (this one "
                "included) can still run and finish — it is not what holds this job.",
                "Enable the queue (UpdateJobQueue state=ENABLED) to submit to it again; fix what else is named here "
                "for this job to run.",
                q_evidence,
                action,
                (f"queue {queue.name}",),
            )
        )
    elif queue.status == "INVALID":
        out.append(
            finding(
                job,
                Severity.ERROR,
                "QUEUE_INVALID",
                f"Queue '{queue.name}' is INVALID: {queue.status_reason or 'no reason given'}.",
                "Fix the queue's compute environment order (each CE must exist and be VALID) and update the queue.",
                [*q_evidence, ("queue.statusReason", queue.status_reason)],
                related=(f"queue {queue.name}",),
            )
        )
    return out


# -- dependencies, spot, quotas, hints -----------------------------------------------------------------
def depends_rule(job: Job, ctx: TriageContext, now: datetime) -> list[Finding]:
    out: list[Finding] = []
    for dep_id in job.depends_on:
        dep = ctx.job_by_id.get(dep_id)
        if dep is None:
            continue
        evidence: Evidence = [("dependsOn", dep_id), ("dependency.name", dep.name), ("dependency.status", dep.status)]
        if dep.status is JobStatus.FAILED:
            out.append(
                finding(
                    job,
                    Severity.ERROR,
                    "DEPENDENCY_FAILED",
                    f"It depends on '{dep.name}', which FAILED: this job will never start.",
                    "Cancel this job, fix and rerun the dependency, then resubmit with the new dependency id.",
                    [*evidence, ("dependency.statusReason", dep.status_reason)],
                    FindingAction(
                        ActionKind.CANCEL_JOB, job.job_id, f"cancel job {job.name}", (), job.status, "FAILED"
                    ),
                    (f"job {dep.name}",),
                )
            )
        elif not dep.status.is_terminal:
            stuck = " (which is itself stuck)" if is_stuck(dep, ctx, now) else ""
            out.append(
                finding(
                    job,
                    Severity.INFO,
                    "WAITING_ON_DEPENDENCY",
                    f"It waits for '{dep.name}' ({dep.status.value}){stuck} to finish.",
                    "Nothing to do unless the dependency is stuck: press t on it to see why.",
                    evidence,
                    related=(f"job {dep.name}",),
                )
            )
    return out


def hints_rule(job: Job, ctx: TriageContext, now: datetime, found: list[Finding]) -> list[Finding]:
    out: list[Finding] = []
    age = human_duration(job.age_s(now))
    stuck = is_stuck(job, ctx, now)
    if job.status is JobStatus.STARTING and stuck:
        out.append(
            finding(
                job,
                Severity.WARNING,
                "STARTING_TOO_LONG",
                f"Placed on an instance but not running after {age}: usually the image pull or the container start.",
                "Check the image exists and the instance role can pull it (ECR), that subnets have a route to ECR/S3 "
                "(NAT or VPC endpoints), and the task's log stream for errors.",
                [("job.image", job.image or "-")],
            )
        )
    elif stuck and job.status is JobStatus.RUNNABLE and not any(f.severity >= Severity.WARNING for f in found):
        out.append(
            finding(
                job,
                Severity.WARNING,
                "NO_VISIBLE_CAUSE",
                f"RUNNABLE for {age} with no cause visible in the API.",
                "Check that instances can register with ECS: subnets need a route to the ECS endpoint (NAT gateway, "
                "internet gateway or VPC endpoints), the instance role needs AmazonEC2ContainerServiceforEC2Role, and "
                "the AMI must run the ECS agent. Also check EC2 vCPU quotas.",
                [("job.statusReason", job.status_reason or "(none)")],
            )
        )
    elif (
        stuck
        and job.status in (JobStatus.SUBMITTED, JobStatus.PENDING)
        and not any(f.severity >= Severity.INFO for f in found)
    ):
        queue = ctx.queue_by_name.get(job.queue)
        fair_share = bool(queue and queue.scheduling_policy_arn)
        evidence: Evidence = [("job.dependsOn", ",".join(job.depends_on) or "(none)")]
        if queue is not None and fair_share:
            evidence += [("queue.schedulingPolicyArn", queue.scheduling_policy_arn)]
            evidence += [("job.shareIdentifier", job.share_identifier or "(none)")]
        out.append(
            finding(
                job,
                Severity.WARNING,
                "WAITING_TOO_LONG",
                f"{job.status.value} for {age} without a dependency holding it.",
                (
                    "The queue uses a fair-share scheduling policy: this job's share may be used up by other work "
                    "of the same share identifier, or its weight too low — check the policy's share weights."
                    if fair_share
                    else "Batch moves SUBMITTED/PENDING jobs on within seconds; this long usually means an API-side "
                    "delay or a dependency that was deleted. Cancel and resubmit if it does not move."
                ),
                evidence,
            )
        )
    jd = ctx.jobdef_of(job)
    if jd is not None and jd.log_driver and jd.log_driver != "awslogs":
        out.append(
            finding(
                job,
                Severity.INFO,
                "NO_AWSLOGS",
                f"Job definition {jd.name_revision} logs with '{jd.log_driver}', not awslogs: "
                "no CloudWatch logs to read.",
                "Use the awslogs log driver to see this job's output here.",
                [("jobDefinition.logDriver", jd.log_driver)],
            )
        )
    return out


JOB_RULES: tuple[Callable[[Job, TriageContext, datetime], list[Finding]], ...] = (
    reason_code_rule,
    time_limit_rule,
    queue_rule,
    fit_rule,
    max_vcpus_rule,
    depends_rule,
    spot_rule,
    quota_rule,
)


# Causes that are certain the moment they are seen: no waiting time makes them any surer.
CERTAIN_NOW = frozenset({"JOB_DOES_NOT_FIT", "NO_GPU_INSTANCE", "CE_MAX_VCPUS_TOO_LOW", "QUEUE_NO_VALID_CE"})


def explain_job(job: Job, ctx: TriageContext, now: datetime) -> list[Finding]:
    """Every finding about one job (whether or not it is past the stuck threshold). An array parent is explained
    through its children (`batch_arrays.py`): a PENDING parent is what AWS shows while children wait or run."""
    if job.is_array_parent:
        return array_findings(job, ctx, now, explain_job, is_certain)
    if job.status not in WAITING:
        return []
    found = [f for rule in JOB_RULES for f in rule(job, ctx, now)]
    return found + hints_rule(job, ctx, now, found)


def is_certain(job: Job, found: list[Finding]) -> bool:
    """Batch (or the fleet's own state) says the job cannot run as things are: report it now, not after
    `stuck_after_min` (waiting times are for causes that need time to be sure of)."""
    return is_decisive(job) or any(f.cause in CERTAIN_NOW for f in found)


def stuck_findings(job: Job, ctx: TriageContext, now: datetime) -> list[Finding]:
    """What fleet-wide triage reports about a job: everything once it is stuck, or at once when it is certain."""
    if job.status not in WAITING and not job.is_array_parent:
        return []
    found = explain_job(job, ctx, now)
    if job.is_array_parent or is_stuck(job, ctx, now) or is_certain(job, found):
        return found
    return []


def queue_findings(queue: JobQueue, ctx: TriageContext) -> list[Finding]:
    """Fleet-level: an INVALID compute environment is broken even when nothing waits on it."""
    out = []
    for ce in ctx.queue_ces(queue):
        if ce.status == "INVALID":
            out.append(
                Finding(
                    Severity.WARNING,
                    "CE_INVALID",
                    ResourceKind.COMPUTE_ENVIRONMENT,
                    ce.name,
                    ce.name,
                    f"Compute environment '{ce.name}' (queue {queue.name}) is INVALID: {ce.status_reason or '-'}",
                    "Fix what the status reason names, then update the compute environment.",
                    (("ce.status", ce.status), ("ce.statusReason", ce.status_reason)),
                    related=(f"queue {queue.name}",),
                )
            )
    return out

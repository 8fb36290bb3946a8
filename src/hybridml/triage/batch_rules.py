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
from hybridml.triage.batch_common import WAITING, Evidence, finding, is_stuck, raise_max_action, request_text
from hybridml.triage.batch_placement import fit_rule, max_vcpus_rule, quota_rule, spot_rule
from hybridml.triage.context import TriageContext

# -- statusReason codes set by Batch -------------------------------------------------------------------
REASON_CODES: dict[str, tuple[Severity, str, str]] = {
    "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY": (
        Severity.WARNING,
        "EC2 has no capacity right now for the instance types this job's compute environments may launch.",
        "Allow more instance types or families (or 'optimal'), more subnets/Availability Zones, or add a second "
        "compute environment (on-demand next to spot, or another family) to the queue. It clears when capacity frees.",
    ),
    "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE": (
        Severity.ERROR,
        "The compute environment's maxvCpus is lower than the job's vCPU requirement, so Batch will never place it.",
        "Raise maxvCpus of the compute environment to at least the job's vCPUs (with an instance type that large), "
        "or submit the job with fewer vCPUs.",
    ),
    "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT": (
        Severity.ERROR,
        "No instance type of the queue's compute environments can meet the job's vCPU/memory/GPU requirement.",
        "Lower the job's requirement (remember the ECS memory overhead) or allow a larger instance type.",
    ),
    "MISCONFIGURATION:SERVICE_ROLE_PERMISSIONS": (
        Severity.ERROR,
        "The Batch service role lacks permissions, so Batch cannot launch instances for this job.",
        "Use the AWSServiceRoleForBatch service-linked role, or attach AWSBatchServiceRole policy to the "
        "compute environment's service role, then update the compute environment.",
    ),
}


def reason_code_rule(job: Job, ctx: TriageContext, now: datetime) -> list[Finding]:
    reason = job.status_reason.strip()
    if not reason:
        return []
    code = reason.split(" ", 1)[0].rstrip(" -:")
    known = REASON_CODES.get(code)
    queue = ctx.queue_by_name.get(job.queue)
    ces = ctx.queue_ces(queue) if queue else []
    if known is None:
        return []
    severity, summary, fix = known
    evidence: Evidence = [("job.statusReason", reason)]
    action = None
    if code == "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE":
        evidence += [("job.vcpus", f"{job.resources.vcpus:g}")]
        evidence += [(f"ce[{ce.name}].maxvCpus", str(ce.resources.max_vcpus)) for ce in ces if ce.resources]
        action = raise_max_action(job, ces)
    elif code == "MISCONFIGURATION:SERVICE_ROLE_PERMISSIONS":
        evidence += [(f"ce[{ce.name}].serviceRole", ce.service_role or "(service-linked)") for ce in ces]
    elif code == "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT":
        evidence += [("job.resources", request_text(job))]
    elif code.startswith("CAPACITY"):
        evidence += [
            (f"ce[{ce.name}].instanceTypes", ",".join(ce.resources.instance_types)) for ce in ces if ce.resources
        ]
    return [finding(job, severity, code, summary, fix, evidence, action, tuple(f"ce {ce.name}" for ce in ces))]


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
    if queue.state == "DISABLED":
        action = FindingAction(
            ActionKind.ENABLE_JOB_QUEUE, queue.name, f"enable job queue {queue.name}", (), "DISABLED", "ENABLED"
        )
        out.append(
            finding(
                job,
                Severity.ERROR,
                "QUEUE_DISABLED",
                f"Queue '{queue.name}' is DISABLED: it accepts no new work and starts nothing already in it.",
                "Enable the queue (UpdateJobQueue state=ENABLED) or move the work to another queue.",
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
                    f"Compute environment '{ce.name}' is DISABLED: it scales in and launches no instances.",
                    "Enable the compute environment (UpdateComputeEnvironment state=ENABLED).",
                    [(f"ce[{ce.name}].state", ce.state)],
                    _enable_ce(ce),
                    (f"ce {ce.name}",),
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
    queue_rule,
    fit_rule,
    max_vcpus_rule,
    depends_rule,
    spot_rule,
    quota_rule,
)


def explain_job(job: Job, ctx: TriageContext, now: datetime) -> list[Finding]:
    """Every finding about one job (whether or not it is past the stuck threshold)."""
    if job.status not in WAITING:
        return []
    found = [f for rule in JOB_RULES for f in rule(job, ctx, now)]
    return found + hints_rule(job, ctx, now, found)


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

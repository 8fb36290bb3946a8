"""What Batch itself says about a waiting job: its `statusReason` code, and whether the queue's
`jobStateTimeLimitActions` will cancel it. Pure.

The codes (JobDetail `statusReason` in the Batch API reference, and the Batch User Guide pages "Jobs stuck in a
RUNNABLE status" and "Job state time limit actions"):
- CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - "All compute environments have insufficient capacity to service the job."
- MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE - "All compute environments have a maxVcpu setting that is
  smaller than the job requirements."
- MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - "All compute environments have no connected instances that meet the
  job requirements."
- MISCONFIGURATION:SERVICE_ROLE_PERMISSIONS - "All compute environments have problems with the service role
  permissions."
- MISCONFIGURATION:EC2_INSTANCE_CONFIGURATION_UNSUPPORTED - the compute environments' EC2 configuration (instance
  type, AMI or launch template) cannot run the job.
- ACTION_REQUIRED - Batch cannot place the job until someone acts on what the rest of the reason names.
- UNDETERMINED - Batch has not determined why the job is not placed yet.
A MISCONFIGURATION or ACTION_REQUIRED reason is a finding at once: nothing changes it but a fix. CAPACITY and
UNDETERMINED can clear by themselves, so they wait `stuck_after_min` like causes the API does not state.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from hybridml.domain.batch import DECISIVE_REASON_PREFIXES, Job, TimeLimitAction
from hybridml.domain.triage import Finding, Severity
from hybridml.domain.units import human_duration
from hybridml.triage.batch_common import Evidence, finding, raise_max_action, request_text
from hybridml.triage.context import TriageContext

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
    "MISCONFIGURATION:EC2_INSTANCE_CONFIGURATION_UNSUPPORTED": (
        Severity.ERROR,
        "The compute environments' EC2 configuration cannot run this job: an instance type, AMI or launch template "
        "that Batch cannot launch (or that does not match the job's architecture or platform).",
        "Check the compute environment's instance types, AMI (ECS-optimized, the job's architecture) and launch "
        "template against what the rest of the status reason names, then update the compute environment.",
    ),
    "ACTION_REQUIRED": (
        Severity.ERROR,
        "Batch cannot place the job until someone acts: the rest of the status reason names what.",
        "Do what the status reason asks (for example fix the resource it names), or cancel the job.",
    ),
    "UNDETERMINED": (
        Severity.WARNING,
        "Batch has not determined why the job is not placed yet.",
        "Wait a few minutes for Batch to name a cause; if it stays, check the compute environments (state, maxvCpus, "
        "instance types), EC2 quotas and the instances' ECS registration.",
    ),
}


def reason_code(job: Job) -> str:
    """The code at the start of the status reason ("MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - ..." -> the code)."""
    return job.status_reason.strip().split(" ", 1)[0].rstrip(" -:")


def is_decisive(job: Job) -> bool:
    """Batch has said the job cannot be placed as things are: no point waiting to be sure."""
    return job.status_reason.strip().startswith(DECISIVE_REASON_PREFIXES)


def reason_code_rule(job: Job, ctx: TriageContext, now: datetime) -> list[Finding]:
    reason = job.status_reason.strip()
    code = reason_code(job)
    known = REASON_CODES.get(code)
    if not reason or known is None:
        return []
    queue = ctx.queue_by_name.get(job.queue)
    ces = ctx.queue_ces(queue) if queue else []
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
    elif code.startswith("CAPACITY") or code == "MISCONFIGURATION:EC2_INSTANCE_CONFIGURATION_UNSUPPORTED":
        evidence += [
            (f"ce[{ce.name}].instanceTypes", ",".join(ce.resources.instance_types)) for ce in ces if ce.resources
        ]
    return [finding(job, severity, code, summary, fix, evidence, action, tuple(f"ce {ce.name}" for ce in ces))]


def due_action(job: Job, ctx: TriageContext) -> TimeLimitAction | None:
    """The queue's time-limit action that applies to this job as it is now (its state and reason), if any."""
    queue = ctx.queue_by_name.get(job.queue)
    reason = job.status_reason.strip()
    for action in queue.time_limit_actions if queue is not None else ():
        if action.reason and action.state == job.status.value and reason.startswith(action.reason):
            return action
    return None


def _action_text(action: TimeLimitAction) -> str:
    return f"{action.state} {action.reason} after {action.max_time_s}s: {action.action}"


def time_limit_rule(job: Job, ctx: TriageContext, now: datetime) -> list[Finding]:
    """JobStateTimeLimitAction: "Specifies an action that Batch will take after the job has remained at the head of
    the queue in the specified state for longer than the specified time." Say when Batch will act on its own."""
    action = due_action(job, ctx)
    if action is None:
        return []
    limit = human_duration(action.max_time_s)
    verb = "cancel" if action.action == "CANCEL" else action.action.lower()
    waited = job.age_s(now)
    if job.created_at is not None and waited is not None and waited < action.max_time_s:
        earliest = job.created_at + timedelta(seconds=action.max_time_s)
        when = f"at {earliest:%H:%M} UTC at the earliest (in {human_duration(action.max_time_s - waited)})"
    else:
        when = "any time now (the clock runs only while it is at the head of the queue)"
    return [
        finding(
            job,
            Severity.INFO,
            "BATCH_WILL_CANCEL" if action.action == "CANCEL" else "BATCH_WILL_ACT",
            f"Batch will {verb} this job itself {when}: queue '{job.queue}' {verb}s {action.state} jobs with this "
            f"reason after {limit} at the head of the queue.",
            "Fix the cause before then, or resubmit after the fix; to keep the job, change the queue's "
            "jobStateTimeLimitActions (UpdateJobQueue).",
            [
                (
                    "queue.jobStateTimeLimitAction",
                    f"{action.state} {action.reason} {action.max_time_s}s {action.action}",
                ),
                ("job.statusReason", job.status_reason),
            ],
            related=(f"queue {job.queue}",),
        )
    ]

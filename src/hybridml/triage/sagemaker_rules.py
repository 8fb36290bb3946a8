"""Why is this SageMaker endpoint or training job stuck or broken? Pure rules, no I/O."""

from __future__ import annotations

from datetime import datetime, timedelta

from hybridml.domain.sagemaker import Endpoint, TrainingJob
from hybridml.domain.triage import Finding, ResourceKind, Severity
from hybridml.domain.units import human_duration
from hybridml.triage.context import TriageContext

TRANSITIONS = ("Creating", "Updating", "SystemUpdating", "RollingBack", "Deleting")
RECENT = timedelta(hours=24)


def _since(when: datetime | None, now: datetime) -> float | None:
    return None if when is None else (now - when).total_seconds()


def explain_endpoint(ep: Endpoint, ctx: TriageContext, now: datetime, *, any_age: bool = False) -> list[Finding]:
    evidence = [("EndpointStatus", ep.status), ("InstanceType", ep.instance_type or "-")]
    for v in ep.variants:
        evidence.append(
            (f"variant[{v.name}].instances", f"{v.current_instance_count} current / {v.desired_instance_count} desired")
        )

    def finding(severity: Severity, cause: str, summary: str, fix: str, extra: list[tuple[str, str]]) -> Finding:
        return Finding(severity, cause, ResourceKind.ENDPOINT, ep.name, ep.name, summary, fix, tuple(evidence + extra))

    logs = f"/aws/sagemaker/Endpoints/{ep.name}"
    if ep.status == "Failed":
        return [
            finding(
                Severity.ERROR,
                "ENDPOINT_FAILED",
                f"Endpoint failed: {ep.failure_reason or 'no FailureReason given'}",
                f"Read the container logs in {logs}. The model server must answer GET /ping with 200 within the "
                "health-check time and fit the instance's memory; fix the model or config, then update the endpoint "
                "with a new endpoint config (or delete and recreate it).",
                [("FailureReason", ep.failure_reason or "-")],
            )
        ]
    if ep.status == "OutOfService":
        return [
            finding(
                Severity.ERROR,
                "ENDPOINT_OUT_OF_SERVICE",
                "Endpoint is OutOfService: it answers no requests.",
                f"Check {logs} and the variants' instance counts; update the endpoint to recover.",
                [],
            )
        ]
    if ep.status in TRANSITIONS:
        waited = _since(ep.modified_at or ep.created_at, now)
        limit = ctx.thresholds.endpoint_transition_min * 60
        if waited is not None and (any_age or waited >= limit):
            return [
                finding(
                    Severity.WARNING,
                    "ENDPOINT_TRANSITION_TOO_LONG",
                    f"Endpoint has been {ep.status} for {human_duration(waited)} (more than {human_duration(limit)}).",
                    f"Check {logs} for a container that does not start or pass /ping, the account quota "
                    f"'{ep.instance_type} for endpoint usage' in Service Quotas (SageMaker), and instance capacity "
                    "for that type in the region.",
                    [("LastModifiedTime", f"{ep.modified_at:%Y-%m-%d %H:%M} UTC" if ep.modified_at else "-")],
                )
            ]
    return []


def explain_training(job: TrainingJob, ctx: TriageContext, now: datetime, *, any_age: bool = False) -> list[Finding]:
    evidence = [
        ("TrainingJobStatus", job.status),
        ("SecondaryStatus", job.secondary_status),
        ("InstanceType", f"{job.instance_type} x{job.instance_count}"),
    ]

    def finding(severity: Severity, cause: str, summary: str, fix: str, extra: list[tuple[str, str]]) -> Finding:
        return Finding(
            severity, cause, ResourceKind.TRAINING_JOB, job.name, job.name, summary, fix, tuple(evidence + extra)
        )

    ended_recently = job.ended_at is not None and (any_age or now - job.ended_at <= RECENT)
    if job.status == "Stopped" and job.secondary_status == "MaxRuntimeExceeded" and ended_recently:
        return [
            finding(
                Severity.WARNING,
                "TRAINING_MAX_RUNTIME_EXCEEDED",
                "SageMaker stopped the job: it ran past StoppingCondition.MaxRuntimeInSeconds.",
                "Raise MaxRuntimeInSeconds (up to 28 days), write checkpoints to resume from, or train for fewer "
                "epochs; the model artifacts of a stopped job may be incomplete.",
                [
                    ("MaxRuntimeInSeconds", str(job.max_runtime_s or "-")),
                    ("BillableTimeInSeconds", str(job.billable_seconds or "-")),
                ],
            )
        ]
    if job.status == "Failed" and ended_recently:
        return [
            finding(
                Severity.ERROR,
                "TRAINING_FAILED",
                f"Training failed: {job.failure_reason or 'no FailureReason given'}",
                "Read the job's log stream in /aws/sagemaker/TrainingJobs; for an out-of-memory error lower the batch "
                "size or pick a larger instance; fix and start a new job (clone it).",
                [("FailureReason", job.failure_reason or "-")],
            )
        ]
    if job.status != "InProgress":
        return []
    since = _phase_started(job) or job.created_at
    waited = _since(since, now)
    if waited is None:
        return []
    if job.secondary_status == "Starting":
        limit = ctx.thresholds.training_starting_min * 60
        if any_age or waited >= limit:
            return [
                finding(
                    Severity.WARNING,
                    "TRAINING_STARTING_TOO_LONG",
                    f"Still 'Starting' (acquiring instances) after {human_duration(waited)}.",
                    f"SageMaker is waiting for {job.instance_type} capacity or quota: check the quota "
                    f"'{job.instance_type} for training job usage' in Service Quotas, try another instance type or "
                    "region, or use managed spot training with a longer MaxWaitTimeInSeconds.",
                    [("phase started", f"{since:%Y-%m-%d %H:%M} UTC" if since else "-")],
                )
            ]
    elif job.secondary_status == "Downloading":
        limit = ctx.thresholds.training_downloading_min * 60
        if any_age or waited >= limit:
            return [
                finding(
                    Severity.WARNING,
                    "TRAINING_DOWNLOADING_TOO_LONG",
                    f"Still 'Downloading' the input data after {human_duration(waited)}.",
                    "Large File-mode inputs are copied to the instance first: use FastFile or Pipe input mode, "
                    "shard the data, and if the job runs in a VPC give it an S3 VPC endpoint; check the volume size.",
                    [("phase started", f"{since:%Y-%m-%d %H:%M} UTC" if since else "-")],
                )
            ]
    return []


def _phase_started(job: TrainingJob) -> datetime | None:
    for t in reversed(job.transitions):
        if t.status == job.secondary_status:
            return t.start
    return None

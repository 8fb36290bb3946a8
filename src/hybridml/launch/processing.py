"""Launch the YOLO container as a SageMaker processing job: the same image and flags as a Batch job, on one
`ml.*` instance SageMaker provisions for the job and releases when it ends (no queue, no compute environment).

`plan_processing_launch` builds the CreateProcessingJob (nothing is sent); the caller confirms it (the TUI's
dialog, `hybridml yolo run --sagemaker-processing`), then `send_processing` sends it through `Services.run`.
`poll_processing_runs` follows the open runs (DescribeProcessingJob); the report arrives at the callback receiver.
"""

from __future__ import annotations

from dataclasses import dataclass

from hybridml.actions.processing import CreateProcessingJob, StopProcessingJob
from hybridml.config import LaunchSettings
from hybridml.domain.launch import LaunchRun, LaunchStatus, LaunchTarget
from hybridml.domain.processing import ProcessingJob
from hybridml.launch.batch import LaunchError, check_callback, still_open
from hybridml.launch.registry import LaunchRegistry
from hybridml.services import Services

PROCESSING_TO_LAUNCH = {
    "InProgress": LaunchStatus.STARTING,  # RUNNING once ProcessingStartTime is set
    "Stopping": LaunchStatus.RUNNING,
    "Completed": LaunchStatus.SUCCEEDED,
    "Failed": LaunchStatus.FAILED,
    "Stopped": LaunchStatus.FAILED,
}


@dataclass(frozen=True)
class ProcessingLaunchPlan:
    run_id: str
    video_url: str
    callback_url: str
    create: CreateProcessingJob

    def lines(self) -> list[str]:
        return [self.create.confirm_text(), "", self.create.call_text()]


def job_name(run_id: str) -> str:
    return f"yolo-{run_id}"


def plan_processing_launch(
    services: Services,
    settings: LaunchSettings,
    run_id: str,
    video_url: str,
    callback_url: str,
    *,
    instance_type: str | None = None,
    role_arn: str | None = None,
) -> ProcessingLaunchPlan:
    """The CreateProcessingJob for one run (validated: what SageMaker would refuse is refused here)."""
    check_callback(callback_url, settings, demo=services.demo, where="a processing job runs on an instance in AWS")
    role = role_arn or settings.sagemaker_role_arn or ""
    if not role:
        raise LaunchError(
            "a SageMaker execution role is required: pass --role ARN or set [launch] sagemaker_role_arn "
            "(SageMaker assumes it to pull the image and write the job's logs)"
        )
    create = CreateProcessingJob(
        name=job_name(run_id),
        image=settings.image_uri,
        role_arn=role,
        instance_type=instance_type or settings.processing_instance_type,
        video_url=video_url,
        callback_url=callback_url,
        tags=(("hybridml:launch", run_id),),
    )
    create.validate()
    return ProcessingLaunchPlan(run_id, video_url, callback_url, create)


async def send_processing(services: Services, registry: LaunchRegistry, plan: ProcessingLaunchPlan) -> LaunchRun:
    """CreateProcessingJob through `Services.run`; the run is listed from here on (FAILED when the call fails)."""
    run = registry.runs.get(plan.run_id)
    if run is None:
        run = registry.create(LaunchTarget.SAGEMAKER_PROCESSING, plan.video_url, run_id=plan.run_id)
        run = registry.update(
            run.run_id,
            callback_url=plan.callback_url,
            job_id=plan.create.name,
            instance_type=plan.create.instance_type,
        )
    try:
        await services.run(plan.create)
    except Exception as exc:
        registry.update(run.run_id, status=LaunchStatus.FAILED, message=str(exc))
        raise
    return registry.runs[run.run_id]


def apply_job(registry: LaunchRegistry, run: LaunchRun, job: ProcessingJob) -> None:
    """Bring a run up to date with its processing job; the callback's report, when it came, decides the outcome."""
    status = PROCESSING_TO_LAUNCH.get(job.status, LaunchStatus.STARTING)
    if status is LaunchStatus.STARTING and job.started_at is not None:
        status = LaunchStatus.RUNNING
    if run.result is not None and status is not LaunchStatus.FAILED:  # the report came: it says how the run went
        status = LaunchStatus.SUCCEEDED if run.result.status == "ok" else LaunchStatus.FAILED
    message = job.failure_reason or (f"processing job {job.status}" if job.status == "Stopped" else run.message)
    changes = {
        "status": status,
        "message": message,
        "started_at": job.started_at,
        "stopped_at": job.ended_at,
        "instance_type": job.instance_type or run.instance_type,
    }
    if any(getattr(run, key) != value for key, value in changes.items()):
        registry.update(run.run_id, **changes)


async def poll_processing_runs(services: Services, registry: LaunchRegistry) -> None:
    """DescribeProcessingJob for each open processing run."""
    for run in list(registry.runs.values()):
        if run.target is LaunchTarget.SAGEMAKER_PROCESSING and run.job_id and still_open(run):
            apply_job(registry, run, await services.training.processing_job(run.job_id))


async def stop_action(services: Services, run: LaunchRun) -> StopProcessingJob:
    """The StopProcessingJob for a run, on its job as it is now (InvalidRequest when it has ended)."""
    if run.target is not LaunchTarget.SAGEMAKER_PROCESSING or not run.job_id:
        raise LaunchError(f"run {run.run_id} is not a processing job")
    action = StopProcessingJob(await services.training.processing_job(run.job_id))
    action.validate()
    return action

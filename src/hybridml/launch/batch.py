"""Launch the YOLO container as a Batch job: `video_url`/`callback_url` travel as `Ref::` parameters.

The job definition for the configured image is registered when no ACTIVE revision uses that image.
"""

from __future__ import annotations

from hybridml.aws.errors import aws_call
from hybridml.config import LaunchSettings
from hybridml.domain.batch import JobStatus
from hybridml.domain.launch import LaunchRun, LaunchStatus, LaunchTarget
from hybridml.launch.registry import LaunchRegistry
from hybridml.services import Services

# `--device cuda`: on a GPU queue the container fails fast (exit 2) rather than fall back to the CPU.
YOLO_COMMAND = [
    "python3", "src/main.py", "--video_url", "Ref::video_url", "--callback_url", "Ref::callback_url",
    "--device", "cuda",
]  # fmt: skip


async def ensure_job_definition(services: Services, settings: LaunchSettings) -> str:
    """`name:revision` of an ACTIVE definition running the configured image; registers one if missing."""
    for jd in await services.batch.job_definitions():
        if jd.name == settings.job_definition and jd.image == settings.image_uri:
            return jd.name_revision
    client = await services.session.mutation_client("batch")
    request = {
        "jobDefinitionName": settings.job_definition,
        "type": "container",
        "parameters": {"video_url": "", "callback_url": ""},
        "containerProperties": {
            "image": settings.image_uri,
            "command": YOLO_COMMAND,
            "resourceRequirements": [
                {"type": "VCPU", "value": "4"},
                {"type": "MEMORY", "value": "15000"},
                {"type": "GPU", "value": "1"},
            ],
            "environment": [{"name": "YOLO_OFFLINE", "value": "1"}],
        },
        "timeout": {"attemptDurationSeconds": 3600},
        "retryStrategy": {"attempts": 2},
    }

    async def register() -> dict[str, object]:
        async with aws_call("batch", "RegisterJobDefinition"):
            return dict(await client.register_job_definition(**request))

    response = await services.mutate("register-job-definition", settings.job_definition, request, register)
    return f"{response['jobDefinitionName']}:{response['revision']}"


async def launch_on_batch(
    services: Services, registry: LaunchRegistry, run: LaunchRun, queue: str, settings: LaunchSettings
) -> LaunchRun:
    """Submit the job; parameters are exactly the two URLs given."""
    definition = await ensure_job_definition(services, settings)
    client = await services.session.mutation_client("batch")
    request = {
        "jobName": f"yolo-{run.run_id}",
        "jobQueue": queue,
        "jobDefinition": definition,
        "parameters": {"video_url": run.video_url, "callback_url": run.callback_url},
        "tags": {"hybridml:launch": run.run_id},
    }

    async def submit() -> dict[str, object]:
        async with aws_call("batch", "SubmitJob"):
            return dict(await client.submit_job(**request))

    try:
        response = await services.mutate("yolo-launch", queue, request, submit)
    except Exception as exc:
        registry.update(run.run_id, status=LaunchStatus.FAILED, message=str(exc))
        raise
    return registry.update(run.run_id, job_id=str(response["jobId"]), status=LaunchStatus.STARTING)


BATCH_TO_LAUNCH = {
    JobStatus.SUBMITTED: LaunchStatus.STARTING,
    JobStatus.PENDING: LaunchStatus.STARTING,
    JobStatus.RUNNABLE: LaunchStatus.STARTING,
    JobStatus.STARTING: LaunchStatus.STARTING,
    JobStatus.RUNNING: LaunchStatus.RUNNING,
    JobStatus.SUCCEEDED: LaunchStatus.SUCCEEDED,
    JobStatus.FAILED: LaunchStatus.FAILED,
}


async def poll_batch_runs(services: Services, registry: LaunchRegistry) -> None:
    """Bring Batch runs' status up to date (one DescribeJobs for all of them)."""
    open_runs = {
        r.job_id: r
        for r in registry.runs.values()
        if r.target is LaunchTarget.BATCH and r.job_id and not r.status.is_final
    }
    if not open_runs:
        return
    for job in await services.batch.describe_jobs(list(open_runs)):
        run = open_runs[job.job_id]
        status = BATCH_TO_LAUNCH[job.status]
        if run.result is not None and status is not LaunchStatus.FAILED:
            status = LaunchStatus.SUCCEEDED if run.result.status == "ok" else LaunchStatus.FAILED
        if status is not run.status:
            registry.update(run.run_id, status=status, message=job.status_reason or run.message)

"""Launch the YOLO container as a Batch job: `video_url`/`callback_url` travel as `Ref::` parameters.

`plan_batch_launch` says everything that will be sent before anything is: the job definition to register when
no ACTIVE revision runs the configured image, the SubmitJob, and whether the job can ever run on the queue (the
fit check). The caller confirms it (the TUI's dialog, `hybridml yolo run --batch`), then `send_plan` sends it.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from hybridml.actions.launch import YOLO_RESOURCES, LaunchSubmit, RegisterJobDefinition
from hybridml.aws.batch_actions import SubmittedJob
from hybridml.config import LaunchSettings
from hybridml.domain.batch import JobQueue, JobStatus
from hybridml.domain.launch import LaunchRun, LaunchStatus, LaunchTarget
from hybridml.domain.submit import SubmitRequest
from hybridml.launch.registry import LaunchRegistry
from hybridml.services import Services
from hybridml.triage.fit import FitResult, fit_check

STILL_OPEN_S = 3600.0


class LaunchError(Exception):
    """A launch that cannot start; the message says why."""


@dataclass(frozen=True)
class BatchLaunchPlan:
    run_id: str
    video_url: str
    callback_url: str
    queue: JobQueue
    register: RegisterJobDefinition | None  # None: an ACTIVE revision already runs the image
    submit: LaunchSubmit
    fit: FitResult
    spot: bool = False  # the queue's first compute environment is SPOT (for the comparison's prices)

    def lines(self) -> list[str]:
        """What will be sent, in words, then each call as it will be sent."""
        out = []
        if self.register is not None:
            out += [self.register.confirm_text(), "", self.register.call_text(), ""]
        else:
            out += [f"job definition {self.submit.submit.job_definition} (ACTIVE, runs the configured image)", ""]
        out += [f"submit to queue {self.queue.name}: {self.fit.summary}", *[f"  ✖ {p}" for p in self.fit.problems]]
        out += [f"  ⚠ {w}" for w in self.fit.warnings]
        out += ["", self.submit.call_text()]
        return out


def is_loopback_url(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_callback(
    url: str, settings: LaunchSettings, *, demo: bool, where: str = "a Batch job runs on an instance in AWS"
) -> None:
    """A Batch (or processing) job runs on an instance in AWS: it cannot reach this machine's loopback address."""
    if demo or settings.callback_public_url or not is_loopback_url(url):
        return
    raise LaunchError(
        f"the callback URL {url} is this machine's loopback address: {where} and "
        "cannot reach it, so its report would be lost. Set [launch] callback_public_url to an address the "
        "instance can reach (e.g. a tunnel to the receiver), or pass --callback-url"
    )


async def plan_batch_launch(
    services: Services, settings: LaunchSettings, run_id: str, queue_name: str, video_url: str, callback_url: str
) -> BatchLaunchPlan:
    """Read the definitions, queues and compute environments; nothing is sent."""
    check_callback(callback_url, settings, demo=services.demo)
    definitions = await services.batch.job_definitions()
    queues = await services.batch.job_queues()
    ces = await services.batch.compute_environments()
    queue = next((q for q in queues if queue_name in (q.name, q.arn)), None)
    if queue is None:
        known = ", ".join(sorted(q.name for q in queues)) or "none"
        raise LaunchError(f"no job queue named {queue_name!r} (known: {known})")
    existing = next(
        (d for d in definitions if d.name == settings.job_definition and d.image == settings.image_uri), None
    )
    register = None if existing is not None else RegisterJobDefinition(settings.job_definition, settings.image_uri)
    request = SubmitRequest(
        queue=queue.name,
        job_definition=existing.name_revision if existing is not None else settings.job_definition,
        job_name=f"yolo-{run_id}",
        parameters=(("video_url", video_url), ("callback_url", callback_url)),
        tags=(("hybridml:launch", run_id),),
    )
    resources = existing.resources if existing is not None else YOLO_RESOURCES
    fit = fit_check(resources, queue, ces, platform=existing.platform if existing is not None else "EC2")
    head = queue.compute_environments[0] if queue.compute_environments else ""
    first = next((ce for ce in ces if head in (ce.name, ce.arn)), None)
    spot = first is not None and first.resources is not None and first.resources.type in ("SPOT", "FARGATE_SPOT")
    return BatchLaunchPlan(run_id, video_url, callback_url, queue, register, LaunchSubmit(request), fit, spot)


async def send_plan(services: Services, registry: LaunchRegistry, plan: BatchLaunchPlan) -> LaunchRun:
    """Register (when planned), then submit the job with the new revision; each through `Services.run`. The run
    is listed from here on (FAILED with the reason when a call fails)."""
    return await submit_step(services, registry, plan, await register_step(services, registry, plan))


async def register_step(services: Services, registry: LaunchRegistry, plan: BatchLaunchPlan) -> str | None:
    """The planned RegisterJobDefinition (None when none is needed): its `name:revision`."""
    if plan.register is None:
        return None
    try:
        return await services.run(plan.register)
    except Exception as exc:
        _failed(registry, plan, exc)
        raise


async def submit_step(
    services: Services, registry: LaunchRegistry, plan: BatchLaunchPlan, revision: str | None
) -> LaunchRun:
    """The run's SubmitJob (with the revision just registered, if any); the run is STARTING, or FAILED."""
    submit = plan.submit if revision is None else LaunchSubmit(_with_definition(plan.submit.submit, revision))
    run = _listed(registry, plan)
    try:
        submitted: SubmittedJob = await services.run(submit)
    except Exception as exc:
        _failed(registry, plan, exc)
        raise
    return registry.update(run.run_id, job_id=submitted.job_id, status=LaunchStatus.STARTING)


def _listed(registry: LaunchRegistry, plan: BatchLaunchPlan) -> LaunchRun:
    run = registry.runs.get(plan.run_id)
    if run is None:
        run = registry.create(LaunchTarget.BATCH, plan.video_url, queue=plan.queue.name, run_id=plan.run_id)
        run = registry.update(run.run_id, callback_url=plan.callback_url, spot=plan.spot)
    return run


def _failed(registry: LaunchRegistry, plan: BatchLaunchPlan, exc: Exception) -> None:
    registry.update(_listed(registry, plan).run_id, status=LaunchStatus.FAILED, message=str(exc))


def _with_definition(request: SubmitRequest, definition: str) -> SubmitRequest:
    return replace(request, job_definition=definition)


BATCH_TO_LAUNCH = {
    JobStatus.SUBMITTED: LaunchStatus.STARTING,
    JobStatus.PENDING: LaunchStatus.STARTING,
    JobStatus.RUNNABLE: LaunchStatus.STARTING,
    JobStatus.STARTING: LaunchStatus.STARTING,
    JobStatus.RUNNING: LaunchStatus.RUNNING,
    JobStatus.SUCCEEDED: LaunchStatus.SUCCEEDED,
    JobStatus.FAILED: LaunchStatus.FAILED,
}


def still_open(run: LaunchRun, now: datetime | None = None) -> bool:
    """Worth polling: not final, or final by its report while the job has not ended yet (its end time is what
    the comparison needs); given up an hour after the run ended."""
    if not run.status.is_final:
        return True
    ended = run.finished_at or run.created_at
    return run.stopped_at is None and ((now or datetime.now(UTC)) - ended).total_seconds() < STILL_OPEN_S


async def poll_batch_runs(services: Services, registry: LaunchRegistry) -> None:
    """Bring Batch runs' status up to date (one DescribeJobs for all of them)."""
    open_runs = {
        r.job_id: r for r in registry.runs.values() if r.target is LaunchTarget.BATCH and r.job_id and still_open(r)
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
        times = {"started_at": job.started_at, "stopped_at": job.stopped_at, "instance_type": job.instance_type}
        if any(getattr(run, key) != value for key, value in times.items() if value):  # for the comparison (`C`)
            registry.update(run.run_id, **{key: value for key, value in times.items() if value})

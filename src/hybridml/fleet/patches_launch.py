"""Named patches: what AWS does with a container, which moto never runs (registered with `@patch`).

moto answers a Batch SubmitJob with a job SUCCEEDED at once, a CreateProcessingJob with a job Completed at once and
a CreateEndpoint with an endpoint InService at once, and runs nothing. For the bundled YOLO image (see
`fleet/containers.py`: which image, what differs from an instance, and that it is off unless enabled) these patches
do what AWS documents: the container runs with the arguments AWS would give it, its output goes to the CloudWatch
stream AWS would write, and its exit decides how the job ends. Every other image keeps moto's behaviour.
The request shapes moto drops are kept for every image.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from hybridml.fleet.containers import HOST, report_summary
from hybridml.fleet.patches import patch, replace

PROCESSING_LOG_GROUP = "/aws/sagemaker/ProcessingJobs"
BATCH_LOG_GROUP = "/aws/batch/job"
QUEUE_STEP_S = 1.0  # the demo's Batch scheduler: SUBMITTED -> PENDING -> RUNNABLE -> STARTING, each this long
STOP_S = 2.0  # a processing job the fleet does not run is Stopping this long
FAILURE_REASON_MAX = 1024  # FailureReason: "A string, up to one KB in size"
_stopping: dict[str, float] = {}  # processing jobs being stopped (not run by the host) -> when they are Stopped


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)  # moto keeps SageMaker times naive UTC


def _put_lines(group: str, stream: str, lines: list[str]) -> None:
    """Append `lines` to a CloudWatch stream (group and stream made when missing)."""
    from hybridml.fleet.backends import logs_backend

    logs = logs_backend()
    if group not in logs.groups:
        logs.create_log_group(group, {})
    if stream not in logs.groups[group].streams:
        logs.create_log_stream(group, stream)
    stamp = int(time.time() * 1000)
    events = [{"timestamp": stamp, "message": line or " "} for line in lines]
    if events:
        logs.put_log_events(group, stream, events)


def _failure(code: int, last_lines: list[str], problem: str) -> str:
    """A FailureReason from the container's last words: its report's error, or its `error: ...` line."""
    why = problem
    if not why:
        said = [line.removeprefix("error: ") for line in last_lines if line.startswith("error: ")]
        found = [m for line in last_lines if (m := report_summary(line))]
        why = f"AlgorithmError: {(found or said or ['see the job logs'])[-1]} (exit code {code})"
    return why[:FAILURE_REASON_MAX]


# -- SageMaker Processing --------------------------------------------------------------------------------------
@patch
def sagemaker_processing_job_keeps_its_request() -> None:
    """DescribeProcessingJob returns `ProcessingResources` (a required member of its answer) and the `Environment`
    the job was created with; moto drops both."""
    from moto.sagemaker.responses import SageMakerResponse

    original = SageMakerResponse.create_processing_job

    def create_processing_job(self: Any) -> Any:
        result = original(self)
        job = self.sagemaker_backend.processing_jobs[self._get_param("ProcessingJobName")]
        job.processing_resources = self._get_param("ProcessingResources")
        job.environment = self._get_param("Environment")
        return result

    replace(SageMakerResponse, "create_processing_job", create_processing_job)


@patch
def sagemaker_processing_job_runs_its_container() -> None:
    """A processing job is InProgress while SageMaker provisions its instance and runs its container; it then is
    Completed, or Failed with a `FailureReason` ("up to one KB"). DescribeProcessingJob: "ProcessingStartTime: The
    time at which the processing job started", "ProcessingEndTime: The time at which the processing job
    completed". Its output is in CloudWatch Logs, group /aws/sagemaker/ProcessingJobs, stream
    `<job name>/algo-<n>-<epoch>` (SageMaker developer guide, "Log Amazon SageMaker AI Events with Amazon
    CloudWatch"). moto marks every job Completed at once; for the bundled image the fleet runs it."""
    from moto.sagemaker.responses import SageMakerResponse

    original = SageMakerResponse.create_processing_job

    def create_processing_job(self: Any) -> Any:
        result = original(self)
        job = self.sagemaker_backend.processing_jobs[self._get_param("ProcessingJobName")]
        if HOST.can_run(str((job.app_specification or {}).get("ImageUri", ""))):
            _run_processing(job)
        return result

    replace(SageMakerResponse, "create_processing_job", create_processing_job)


PROVISION_S = 3.0  # SageMaker provisions the job's instance and pulls the image first (minutes on AWS; scaled down)


def _run_processing(job: Any) -> None:
    name = str(job.processing_job_name)
    job.processing_job_status, job.processing_end_time = "InProgress", None
    app = job.app_specification or {}
    args = [*(app.get("ContainerEntrypoint") or []), *(app.get("ContainerArguments") or [])]
    stream: list[str] = []
    tail: list[str] = []

    def on_start() -> None:
        now = _utcnow()
        job.processing_start_time = job.last_modified_time = now
        stream.append(f"{name}/algo-1-{int(now.replace(tzinfo=UTC).timestamp())}")
        _put_lines(PROCESSING_LOG_GROUP, stream[0], [])

    def on_line(line: str) -> None:
        tail[:] = [*tail[-4:], line]
        if stream:
            _put_lines(PROCESSING_LOG_GROUP, stream[0], [line])

    def on_exit(code: int, stopped: bool, problem: str) -> None:
        now = _utcnow()
        job.processing_end_time = job.last_modified_time = now
        if stopped:
            job.processing_job_status = "Stopped"
        elif code == 0:
            job.processing_job_status = "Completed"
        else:
            job.processing_job_status = "Failed"
            job.failure_reason = _failure(code, tail, problem)

    def start() -> None:
        time.sleep(PROVISION_S)
        if job.processing_job_status != "InProgress":  # stopped while its instance was being provisioned
            return
        HOST.start(name, args, dict(job.environment or {}), on_start=on_start, on_line=on_line, on_exit=on_exit)

    threading.Thread(target=start, name=f"provision {name}", daemon=True).start()


def _settle_stopping(job: Any) -> None:
    due = _stopping.get(job.arn)
    if due is not None and time.monotonic() >= due:
        job.processing_job_status = "Stopped"
        job.processing_end_time = job.last_modified_time = _utcnow()
        _stopping.pop(job.arn, None)


@patch
def sagemaker_stop_processing_job_is_gradual() -> None:
    """StopProcessingJob stops an InProgress job: it is Stopping until its container has stopped, then Stopped
    (ProcessingJobStatus: InProgress | Completed | Failed | Stopping | Stopped); a job that has ended cannot be
    stopped (ValidationException). moto sets Stopped at once, whatever the status."""
    from moto.sagemaker.exceptions import ValidationError
    from moto.sagemaker.models import SageMakerModelBackend

    describe = SageMakerModelBackend.describe_processing_job
    list_jobs = SageMakerModelBackend.list_processing_jobs

    def stop_processing_job(self: Any, name: str) -> None:
        describe(self, name)  # ValidationException "Could not find processing job" when unknown
        job = self.processing_jobs[name]
        if job.processing_job_status != "InProgress":
            raise ValidationError(
                message=f"The request was rejected because the processing job is in status {job.processing_job_status}."
            )
        job.processing_job_status, job.last_modified_time = "Stopping", _utcnow()
        if not HOST.stop(name):
            _stopping[job.arn] = time.monotonic() + STOP_S

    def describe_processing_job(self: Any, name: str) -> dict[str, Any]:
        job = self.processing_jobs.get(name)
        if job is not None:
            _settle_stopping(job)
        return describe(self, name)  # type: ignore[no-any-return]

    def list_processing_jobs(self: Any, *args: Any, **kwargs: Any) -> Any:
        for job in list(self.processing_jobs.values()):
            _settle_stopping(job)
        return list_jobs(self, *args, **kwargs)

    replace(SageMakerModelBackend, "stop_processing_job", stop_processing_job)
    replace(SageMakerModelBackend, "describe_processing_job", describe_processing_job)
    replace(SageMakerModelBackend, "list_processing_jobs", list_processing_jobs)


# -- SageMaker hosting ---------------------------------------------------------------------------------------
def _model_image(backend: Any, config_name: str) -> str:
    config = backend.endpoint_configs.get(config_name)
    variants = config.production_variants if config is not None else []
    model = backend._models.get(variants[0].get("ModelName", "")) if variants else None
    container = (getattr(model, "primary_container", None) or {}) if model is not None else {}
    return str(container.get("Image", "") or "")


@patch
def sagemaker_endpoint_serves_its_container() -> None:
    """CreateEndpoint: the endpoint is Creating while SageMaker launches the instances and starts the container
    (`docker run IMAGE serve`); it is InService once the container answers GET /ping with 200, and Failed when it
    never does ("The primary container for production variant AllTraffic did not pass the ping health check"). The
    container's output goes to /aws/sagemaker/Endpoints/<name>, stream `<variant>/<instance id>`. DeleteEndpoint
    stops it. moto makes every endpoint InService at once; for the bundled image the fleet starts the container
    (other images stay InService at once: there is no container here to wait for)."""
    from moto.sagemaker.models import SageMakerModelBackend

    create, delete = SageMakerModelBackend.create_endpoint, SageMakerModelBackend.delete_endpoint

    def create_endpoint(self: Any, endpoint_name: str, endpoint_config_name: str, tags: Any) -> Any:
        endpoint = create(self, endpoint_name, endpoint_config_name, tags)
        if HOST.can_run(_model_image(self, endpoint_config_name)):
            _serve(endpoint)
        return endpoint

    def delete_endpoint(self: Any, endpoint_name: str) -> None:
        delete(self, endpoint_name)
        HOST.stop(endpoint_name)

    replace(SageMakerModelBackend, "create_endpoint", create_endpoint)
    replace(SageMakerModelBackend, "delete_endpoint", delete_endpoint)


def _serve(endpoint: Any) -> None:
    name = str(endpoint.endpoint_name)
    group = f"/aws/sagemaker/Endpoints/{name}"
    variant = str(endpoint.production_variants[0].get("VariantName", "AllTraffic"))
    stream = f"{variant}/i-{uuid.uuid4().hex[:17]}"
    endpoint.endpoint_status, endpoint.last_modified_time = "Creating", _utcnow()

    def on_ready() -> None:
        endpoint.endpoint_status, endpoint.last_modified_time = "InService", _utcnow()

    def on_exit(code: int, problem: str) -> None:
        if problem and endpoint.endpoint_status in ("Creating", "InService"):
            endpoint.endpoint_status, endpoint.last_modified_time = "Failed", _utcnow()
            endpoint.failure_reason = (
                f"The primary container for production variant {variant} did not pass the ping health check. "
                f"Please check CloudWatch logs for this endpoint. ({problem})"
            )[:FAILURE_REASON_MAX]

    HOST.serve(name, {}, on_ready=on_ready, on_line=lambda line: _put_lines(group, stream, [line]), on_exit=on_exit)


def model_error(endpoint: str, status: int, body: bytes, account: str, region: str) -> Exception:
    """InvokeEndpoint's answer when the container answered an error, or nothing within 60 s: ModelError (HTTP 424,
    with `OriginalStatusCode` and `OriginalMessage`), "Model (owned by the customer in the container) returned 4xx
    or 5xx error code." (sagemaker-runtime service model); a timeout reads "Received server error (0) from primary
    with message "Your invocation timed out while waiting for a response from container primary."" """
    import json

    from moto.core.exceptions import JsonRESTError

    original = body.decode("utf-8", errors="replace")[:4096]
    kind = "client" if 400 <= status < 500 else "server"
    error = JsonRESTError(
        "ModelError",
        f'Received {kind} error ({status}) from primary with message "{original}". See '
        f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#logEventViewer:"
        f"group=/aws/sagemaker/Endpoints/{endpoint} in account {account} for more information.",
    )
    error.code = 424
    error.description = json.dumps(
        {"__type": "ModelError", "message": error.message, "OriginalStatusCode": status, "OriginalMessage": original}
    )
    return error


# -- Batch -----------------------------------------------------------------------------------------------------
_REF = re.compile(r"Ref::([A-Za-z0-9_]+)")


def resolved_command(job: Any) -> list[str]:
    """The container's command: SubmitJob's override, else the definition's, each `Ref::name` replaced by the job's
    parameter ("Parameters in a SubmitJob request override any corresponding parameter defaults from the job
    definition")."""
    props = job.job_definition.container_properties or {}
    command = list((job.container_overrides or {}).get("command") or props.get("command") or [])
    params = {**(job.job_definition.parameters or {}), **(job.parameters or {})}
    return [_REF.sub(lambda m: str(params.get(m.group(1), m.group(0))), str(part)) for part in command]


@patch
def batch_runs_the_bundled_container() -> None:
    """Batch places a job on an instance of its queue's compute environment, starts its container with the
    resolved command, and the job ends by the container's exit code ("Job states": SUBMITTED, PENDING, RUNNABLE,
    STARTING, RUNNING, then SUCCEEDED or FAILED); `startedAt` is "when the job transitioned from the STARTING state
    to the RUNNING state"; the container's output goes to /aws/batch/job, stream `<definition>/default/<task id>`
    ("Each container attempt receives a log stream name when they reach the RUNNING status"). moto without Docker
    runs nothing. For the bundled image, a job submitted with a `video_url` parameter is run by the fleet (the
    scheduler's waits take QUEUE_STEP_S each); other jobs are moved on by the simulator, as before."""
    from moto.batch.models import BatchBackend
    from moto.batch.responses import BatchResponse

    from hybridml.fleet.patches import _submitted_job

    submitjob = BatchResponse.submitjob
    terminate = BatchBackend.terminate_job

    def submit(self: Any) -> str:
        response: str = submitjob(self)
        job = _submitted_job(response)
        given = self._get_param("parameters") or {}
        image = str((job.job_definition.container_properties or {}).get("image", "")) if job is not None else ""
        if job is not None and "video_url" in given and not job._child_jobs and HOST.can_run(image):
            HOST.batch_jobs.add(job.job_id)
            threading.Thread(target=_run_batch, args=(job,), name=f"batch {job.job_id}", daemon=True).start()
        return response

    def terminate_job(self: Any, job_id: str, reason: str) -> None:
        terminate(self, job_id, reason)
        if job_id in HOST.batch_jobs:
            HOST.stop(job_id)

    replace(BatchResponse, "submitjob", submit)
    replace(BatchBackend, "terminate_job", terminate_job)


def _placement(job: Any) -> Any:
    """Where Batch would start `job` now, or why it waits (`fleet/scheduler.py`)."""
    from hybridml.fleet.backends import batch_backend
    from hybridml.fleet.patches_infra import DEMO_EC2_VCPU_QUOTAS
    from hybridml.fleet.scheduler import Scheduler

    jobs = [j for j in batch_backend()._jobs.values() if j is not job]
    return Scheduler(jobs, {code: value for code, (_, value) in DEMO_EC2_VCPU_QUOTAS.items()}).place(job)


def _run_batch(job: Any) -> None:
    """SUBMITTED -> PENDING -> RUNNABLE; STARTING once the scheduler places it (a job that never fits stays
    RUNNABLE with Batch's reason, as on AWS, until it is cancelled); RUNNING while the container runs."""
    for status in ("PENDING", "RUNNABLE"):
        time.sleep(QUEUE_STEP_S)
        if job.job_stopped or not HOST.enabled:  # cancelled or terminated while it waited
            HOST.batch_jobs.discard(job.job_id)
            return
        job.status = status
    while True:
        time.sleep(QUEUE_STEP_S)
        if job.job_stopped or not HOST.enabled:
            HOST.batch_jobs.discard(job.job_id)
            return
        placement = _placement(job)
        if placement.instance_type:
            break
        job.job_stopped_reason = placement.reason or None
    job.job_stopped_reason = None
    job.hybridml_instance_type = placement.instance_type
    job.status = "STARTING"
    stream = f"{job.job_definition.name}/default/{uuid.uuid4().hex}"
    tail: list[str] = []

    def on_start() -> None:
        job.job_started_at = datetime.now()
        job.log_stream_name = stream
        _put_lines(BATCH_LOG_GROUP, stream, [])
        if not job.job_stopped:
            job.status = "RUNNING"

    def on_line(line: str) -> None:
        tail[:] = [*tail[-4:], line]
        _put_lines(BATCH_LOG_GROUP, stream, [line])

    def on_exit(code: int, stopped: bool, problem: str) -> None:
        now = datetime.now()
        started = job.job_started_at or now
        job.attempts.append(
            {
                "container": {"logStreamName": stream, "exitCode": code, "taskArn": "", "reason": problem[:255]},
                "startedAt": int(started.timestamp() * 1000),
                "stoppedAt": int(now.timestamp() * 1000),
                "statusReason": "Essential container in task exited",
            }
        )
        HOST.batch_jobs.discard(job.job_id)
        if job.job_stopped:  # terminated: it is FAILED already, with the caller's reason
            return
        job.exit_code = code
        job.job_stopped, job.job_stopped_at = True, now
        job.job_stopped_reason = None if code == 0 else "Essential container in task exited"
        job.status = "SUCCEEDED" if code == 0 else "FAILED"

    HOST.start(job.job_id, resolved_command(job), {}, on_start=on_start, on_line=on_line, on_exit=on_exit)

"""Named patches that make moto 5.2 behave as AWS documents (see shared/STYLE.md "moto facts").

Each patch is a small function named after the AWS behaviour it emulates; its docstring quotes the rule (the
botocore service model or the user guide). `replace()` keeps moto's own function, so `tests/conformance`
can call it (`unpatched()`) and prove the gap still exists: when a moto upgrade closes it, that test fails
and the patch can go. `apply_patches()` applies them all once; they only touch moto's in-process backends,
which is why the fleet runs moto in-process. Batch jobs are here; compute environments, queues, CloudWatch
Logs, Service Quotas and SageMaker instance types are in `patches_infra.py`.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from typing import Any

_applied = False
_lock = threading.Lock()
PATCHES: list[Callable[[], None]] = []
UNPATCHED: dict[tuple[type, str], Any] = {}


def patch(func: Callable[[], None]) -> Callable[[], None]:
    PATCHES.append(func)
    return func


def replace(owner: type, name: str, new: Any) -> Any:
    """Set `owner.name = new`; returns what was there (the previous patch, or moto's own function)."""
    current = getattr(owner, name, None)
    UNPATCHED.setdefault((owner, name), current)
    setattr(owner, name, new)
    return current


def unpatched(owner: type, name: str) -> Any:
    """moto's own `owner.name`, as it was before any patch (the patches are applied when this is called)."""
    apply_patches()
    return UNPATCHED.get((owner, name), getattr(owner, name, None))


@patch
def batch_job_status_is_set_by_the_fleet() -> None:
    """Batch's scheduler moves a job through SUBMITTED, PENDING, RUNNABLE, STARTING, RUNNING (Batch User Guide,
    "Job states"); moto moves it one state per read instead ("manual", times 1). The fleet's simulator sets it."""
    from moto.moto_api import state_manager

    state_manager.set_transition("batch::job", {"progression": "manual", "times": 10**12})


@patch
def batch_list_jobs_by_queue_hides_array_children() -> None:
    """ListJobs: "You must specify only one of the following items: A job queue ID to return a list of jobs in
    that job queue [...] An array job ID to return a list of the children for that job". Children are listed
    with `arrayJobId`, not under their queue; moto lists them under the queue too."""
    from moto.batch.models import BatchBackend

    original = BatchBackend.list_jobs

    def list_jobs(self: Any, job_queue_name: Any, array_job_id: Any, *args: Any, **kwargs: Any) -> Any:
        jobs = original(self, job_queue_name, array_job_id, *args, **kwargs)
        if job_queue_name and not array_job_id:
            jobs = [j for j in jobs if "index" not in (j.array_properties or {})]
        return jobs

    replace(BatchBackend, "list_jobs", list_jobs)


@patch
def batch_list_jobs_without_status_lists_running_only() -> None:
    """ListJobs `jobStatus`: "If you don't specify a status, only RUNNING jobs are returned." (for a queue and
    for `arrayJobId` alike; the documented example "lists the running jobs in the HighPriority job queue").
    moto returns jobs of every status."""
    from moto.batch.models import BatchBackend

    original = BatchBackend.list_jobs

    def list_jobs(
        self: Any, job_queue_name: Any, array_job_id: Any, job_status: Any = None, filters: Any = None
    ) -> Any:
        jobs = original(self, job_queue_name, array_job_id, job_status, filters)
        if job_status is None and filters is None:
            jobs = [j for j in jobs if j.status == "RUNNING"]
        return jobs

    replace(BatchBackend, "list_jobs", list_jobs)


@patch
def batch_describe_jobs_looks_up_ids() -> None:
    """DescribeJobs takes "A list of up to 100 job IDs" and answers only those; moto scans every job for each
    call (O(n), and unsafe while jobs are added): look the ids up."""
    from moto.batch.models import BatchBackend

    def describe_jobs(self: Any, jobs: list[str] | None) -> list[dict[str, Any]]:
        if not jobs:
            return [job.describe() for job in list(self._jobs.values())]
        result = []
        for ref in jobs:
            job_id = ref.rsplit("/", 1)[-1] if ref.startswith("arn:") else ref
            job = self._jobs.get(job_id)
            if job is not None:
                result.append(job.describe())
        return result

    replace(BatchBackend, "describe_jobs", describe_jobs)


@patch
def batch_cancel_and_terminate_stop_the_job() -> None:
    """CancelJob: "Jobs that are in a SUBMITTED, PENDING, or RUNNABLE state are cancelled and the job status is
    updated to FAILED." TerminateJob: "Jobs that are in the STARTING or RUNNING state are terminated, which causes
    them to transition to FAILED." moto only records the reason."""
    from moto.batch.models import BatchBackend

    cancel, terminate = BatchBackend.cancel_job, BatchBackend.terminate_job

    def _fail(self: Any, job_id: str, allowed: tuple[str, ...]) -> None:
        job = self.get_job_by_id(job_id)
        if job is not None and job._status in allowed and not job.job_stopped:
            job._mark_stopped(success=False)
            for child in job._child_jobs or []:
                if child._status in allowed and not child.job_stopped:
                    child.job_stopped_reason = job.job_stopped_reason
                    child._mark_stopped(success=False)

    def cancel_job(self: Any, job_id: str, reason: str) -> None:
        cancel(self, job_id, reason)
        _fail(self, job_id, ("SUBMITTED", "PENDING", "RUNNABLE"))

    def terminate_job(self: Any, job_id: str, reason: str) -> None:
        terminate(self, job_id, reason)
        _fail(self, job_id, ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING"))

    replace(BatchBackend, "cancel_job", cancel_job)
    replace(BatchBackend, "terminate_job", terminate_job)


@patch
def batch_job_queue_status_reason_is_stored() -> None:
    """DescribeJobQueues' JobQueueDetail has `statusReason`: "A short, human-readable string to provide
    additional details for the current status of the job queue." moto never returns it (nor any status but
    VALID); the fleet stores a queue's status and reason on the model, as for compute environments."""
    from moto.batch.models import JobQueue

    original = JobQueue.describe

    def describe(self: Any) -> dict[str, Any]:
        item: dict[str, Any] = original(self)
        status = getattr(self, "hybridml_status", None)
        if status:
            item["status"] = status
            item["statusReason"] = getattr(self, "hybridml_status_reason", "")
        return item

    JobQueue.describe = describe  # type: ignore[method-assign]


@patch
def batch_job_detail_shows_effective_container() -> None:
    """JobDetail `container` is "An object that represents the details for the container that's associated with
    the job": image, resourceRequirements (with SubmitJob's overrides), exitCode, logConfiguration,
    instanceType. moto's omits the image, the GPU/resourceRequirements overrides, the exit code and the logs."""
    from moto.batch.models import Job

    original = Job._container_details

    def _container_details(self: Any) -> dict[str, Any]:
        details: dict[str, Any] = original(self)
        props = self.job_definition.container_properties or {}
        merged = {r["type"]: r["value"] for r in props.get("resourceRequirements", []) or []}
        for req in self.container_overrides.get("resourceRequirements", []) or []:
            merged[req["type"]] = req["value"]
        if merged:
            details["resourceRequirements"] = [{"type": k, "value": str(v)} for k, v in merged.items()]
            details["vcpus"] = int(float(merged.get("VCPU", details.get("vcpus", 1))))
            details["memory"] = int(float(merged.get("MEMORY", details.get("memory", 512))))
        details["image"] = props.get("image", "")
        if "logConfiguration" in props:
            details["logConfiguration"] = props["logConfiguration"]
        if self.exit_code is not None:
            details["exitCode"] = self.exit_code
        instance_type = getattr(self, "hybridml_instance_type", "")
        if instance_type:
            details["instanceType"] = instance_type
        return details

    replace(Job, "_container_details", _container_details)


@patch
def batch_job_summary_has_array_properties() -> None:
    """JobSummary `arrayProperties` (ArrayPropertiesSummary): `size` "is returned for parent array jobs", `index`
    "for children of array jobs", and `statusSummary`, "A summary of the number of array job children in each
    available job status. This parameter is returned for parent array jobs." moto's summary has none of it."""
    from moto.batch.models import Job

    original = Job.describe_short

    def describe_short(self: Any) -> dict[str, Any]:
        result: dict[str, Any] = original(self)
        if self._child_jobs:
            counts: dict[str, int] = {}
            for child in self._child_jobs:
                counts[child.status] = counts.get(child.status, 0) + 1
            result["arrayProperties"] = {"size": len(self._child_jobs), "statusSummary": counts}
        elif "index" in (self.array_properties or {}):
            result["arrayProperties"] = {"index": self.array_properties["index"]}
        return result

    replace(Job, "describe_short", describe_short)


@patch
def batch_running_attempt_is_listed_when_it_ends() -> None:
    """A job's `attempts` are its past tries: AttemptDetail `stoppedAt` is "when the attempt transitioned from the
    RUNNING state to a terminal state"; while an attempt runs, its stream is the job's `container.logStreamName`
    ("Each container attempt receives a log stream name when they reach the RUNNING status"), and the attempt
    joins `attempts` when it ends. moto appends the attempt to `attempts` when it starts."""
    from moto.batch.models import Job

    original = Job.describe

    def describe(self: Any) -> dict[str, Any]:
        result: dict[str, Any] = original(self)
        if result.get("status") not in ("SUCCEEDED", "FAILED"):
            result["attempts"] = [a for a in result.get("attempts", []) or [] if a.get("stoppedAt")]
        return result

    replace(Job, "describe", describe)


def _submitted_job(response: Any) -> Any:
    import json

    from moto.batch_simple.models import batch_simple_backends

    job_id = json.loads(response)["jobId"]
    for regions in batch_simple_backends.values():
        for backend in regions.values():
            job = backend._jobs.get(job_id)
            if job is not None:
                return job
    return None


@patch
def batch_submit_job_keeps_retry_strategy() -> None:
    """SubmitJob `retryStrategy`: "When a retry strategy is specified here, it overrides the retry strategy defined
    in the job definition"; JobDetail returns it. moto drops SubmitJob's retryStrategy."""
    from moto.batch.models import Job
    from moto.batch.responses import BatchResponse

    submitjob, describe = BatchResponse.submitjob, Job.describe

    def submit(self: Any) -> str:
        response: str = submitjob(self)
        strategy = self._get_param("retryStrategy")
        job = _submitted_job(response) if strategy else None
        for each in ([job, *(job._child_jobs or [])]) if job is not None else []:
            each.hybridml_retry_strategy = strategy
        return response

    def describe_job(self: Any) -> dict[str, Any]:
        result: dict[str, Any] = describe(self)
        strategy = getattr(self, "hybridml_retry_strategy", None) or self.job_definition.retry_strategy
        if strategy:
            result["retryStrategy"] = strategy
        return result

    replace(BatchResponse, "submitjob", submit)
    replace(Job, "describe", describe_job)


@patch
def batch_api_submitted_jobs_start_submitted() -> None:
    """JobSummary `createdAt`: "For non-array jobs and parent array jobs, this is when the job entered the
    SUBMITTED state". Docker-less moto finishes a job the moment it is submitted; on AWS it starts SUBMITTED
    (the simulator moves it on). In-process seeding sets its own states and is not affected."""
    from datetime import datetime

    from moto.batch.responses import BatchResponse

    submitjob = BatchResponse.submitjob

    def submit(self: Any) -> str:
        response: str = submitjob(self)
        job = _submitted_job(response)
        for each in [job, *(job._child_jobs or [])] if job is not None else []:
            each.job_stopped, each.job_stopped_reason, each.exit_code = False, None, None
            each.attempts, each.latest_attempt, each.log_stream_name = [], None, None
            each.job_started_at = datetime(1970, 1, 1)
            each.status = "SUBMITTED" if each is job else "PENDING"
        return response

    replace(BatchResponse, "submitjob", submit)


def apply_patches() -> None:
    global _applied
    with _lock:
        if _applied:
            return
        for module in (
            "patches_infra",
            "patches_launch",
            "patches_paging",
            "patches_sagemaker",
            "patches_sagemaker_ops",
            "patches_sagemaker_monitor",
            "patches_sagemaker_notebooks",
        ):
            importlib.import_module(f"hybridml.fleet.{module}")  # registers its @patch functions

        for func in PATCHES:
            func()
        _applied = True

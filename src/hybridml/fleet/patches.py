"""Named patches for what moto 5.2 lacks or does differently from AWS (see shared/STYLE.md).

Each patch is a small function named after the gap it closes; `apply_patches()` applies them all once.
They only ever touch moto's in-process backends, which is why the fleet runs moto in-process.
"""

from __future__ import annotations

import importlib
import re
import threading
from collections.abc import Callable
from typing import Any

_applied = False
_lock = threading.Lock()
PATCHES: list[Callable[[], None]] = []


def patch(func: Callable[[], None]) -> Callable[[], None]:
    PATCHES.append(func)
    return func


@patch
def batch_job_status_is_set_by_the_fleet() -> None:
    """moto advances a job's status on every read ("immediate" progression): the fleet sets it instead."""
    from moto.moto_api import state_manager

    state_manager.set_transition("batch::job", {"progression": "manual", "times": 10**12})


@patch
def batch_list_jobs_by_queue_hides_array_children() -> None:
    """AWS lists array children only with arrayJobId; moto also lists them under their queue."""
    from moto.batch.models import BatchBackend

    original = BatchBackend.list_jobs

    def list_jobs(self: Any, job_queue_name: Any, array_job_id: Any, *args: Any, **kwargs: Any) -> Any:
        jobs = original(self, job_queue_name, array_job_id, *args, **kwargs)
        if job_queue_name and not array_job_id:
            jobs = [j for j in jobs if "index" not in (j.array_properties or {})]
        return jobs

    BatchBackend.list_jobs = list_jobs  # type: ignore[method-assign]


@patch
def batch_describe_jobs_looks_up_ids() -> None:
    """moto scans every job for each DescribeJobs (O(n), and unsafe while jobs are added): look ids up."""
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

    BatchBackend.describe_jobs = describe_jobs  # type: ignore[method-assign]


@patch
def batch_cancel_and_terminate_stop_the_job() -> None:
    """moto only records the reason; AWS moves a cancelled/terminated job to FAILED."""
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

    BatchBackend.cancel_job = cancel_job  # type: ignore[method-assign]
    BatchBackend.terminate_job = terminate_job  # type: ignore[method-assign]


@patch
def batch_compute_environment_status_is_stored() -> None:
    """moto always reports a CE as VALID; the fleet stores INVALID CEs (with a reason) on the model."""
    from moto.batch.models import BatchBackend

    original = BatchBackend.describe_compute_environments

    def describe_compute_environments(self: Any, environments: list[str] | None = None) -> list[dict[str, Any]]:
        result = original(self, environments)
        for item in result:
            env = self._compute_environments.get(item["computeEnvironmentArn"])
            status = getattr(env, "hybridml_status", None)
            if status:
                item["status"] = status
                item["statusReason"] = getattr(env, "hybridml_status_reason", "")
        return result

    BatchBackend.describe_compute_environments = describe_compute_environments  # type: ignore[method-assign]


@patch
def batch_job_detail_shows_effective_container() -> None:
    """moto's job detail omits the image, GPU/resourceRequirements overrides, exit code and log config."""
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

    Job._container_details = _container_details  # type: ignore[method-assign]


@patch
def batch_job_summary_has_array_properties() -> None:
    """AWS's JobSummary carries arrayProperties (size on a parent, index on a child); moto's omits it."""
    from moto.batch.models import Job

    original = Job.describe_short

    def describe_short(self: Any) -> dict[str, Any]:
        result: dict[str, Any] = original(self)
        if self._child_jobs:
            result["arrayProperties"] = {"size": len(self._child_jobs)}
        elif "index" in (self.array_properties or {}):
            result["arrayProperties"] = {"index": self.array_properties["index"]}
        return result

    Job.describe_short = describe_short  # type: ignore[method-assign]


@patch
def batch_update_compute_environment_applies_vcpus() -> None:
    """moto ignores computeResources in UpdateComputeEnvironment; AWS applies min/desired/max vCPUs."""
    from moto.batch.exceptions import ClientException
    from moto.batch.models import BatchBackend

    original = BatchBackend.update_compute_environment

    def update_compute_environment(
        self: Any, compute_environment_name: str, state: Any, compute_resources: Any, service_role: Any
    ) -> Any:
        env = self.get_compute_environment(compute_environment_name)
        if env is not None and compute_resources:
            current = env.compute_resources or {}
            new = {k: compute_resources[k] for k in ("minvCpus", "desiredvCpus", "maxvCpus") if k in compute_resources}
            merged = {**{k: current.get(k, 0) for k in ("minvCpus", "desiredvCpus", "maxvCpus")}, **new}
            if min(merged.values()) < 0:
                raise ClientException("vCPU values must not be negative")
            if merged["minvCpus"] > merged["maxvCpus"]:
                raise ClientException("minvCpus must be less than or equal to maxvCpus")
            if not merged["minvCpus"] <= merged["desiredvCpus"] <= merged["maxvCpus"]:
                raise ClientException("desiredvCpus must be between minvCpus and maxvCpus")
        result = original(self, compute_environment_name, state, compute_resources, service_role)
        if env is not None and compute_resources:
            env.compute_resources.update(new)
        return result

    BatchBackend.update_compute_environment = update_compute_environment  # type: ignore[method-assign]


@patch
def batch_submit_job_rejects_disabled_queue() -> None:
    """AWS refuses new jobs on a DISABLED queue; moto accepts them. Checked at the API, so the fleet can still
    place jobs that were submitted before their queue was disabled."""
    from moto.batch.exceptions import ClientException
    from moto.batch.responses import BatchResponse

    original = BatchResponse.submitjob

    def submitjob(self: Any) -> str:
        queue = self.batch_backend.get_job_queue(self._get_param("jobQueue"))
        if queue is not None and queue.state != "ENABLED":
            raise ClientException(f"Job queue {queue.name} is {queue.state} and does not accept new jobs")
        result: str = original(self)
        return result

    BatchResponse.submitjob = submitjob  # type: ignore[method-assign]


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
    """moto drops SubmitJob's retryStrategy; AWS keeps it (or the definition's) and returns it in DescribeJobs."""
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

    BatchResponse.submitjob = submit  # type: ignore[method-assign]
    Job.describe = describe_job  # type: ignore[method-assign]


@patch
def batch_api_submitted_jobs_start_submitted() -> None:
    """Docker-less moto finishes a job the moment it is submitted; on AWS it starts SUBMITTED (the simulator
    moves it on). In-process seeding sets its own states and is not affected."""
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
            each.status = "SUBMITTED"
        return response

    BatchResponse.submitjob = submit  # type: ignore[method-assign]


_EXTRA_SAGEMAKER_TYPES = re.compile(r"^ml\.(g5|g6|g6e|p4d|p4de|p5|p5e|inf2|trn1|c6i|m6i|r6i|c7i|m7i)\.\w+$")


@patch
def sagemaker_accepts_current_instance_types() -> None:
    """moto's validators reject ml.g5.* and other current families that AWS accepts."""
    from moto.sagemaker import models

    for cls in vars(models).values():
        validate = getattr(cls, "validate_instance_type", None) if isinstance(cls, type) else None
        if validate is None or getattr(validate, "_hybridml", False):
            continue

        def make(original: Callable[[Any, str], None]) -> Callable[[Any, str], None]:
            def validate_instance_type(self: Any, instance_type: str) -> None:
                if _EXTRA_SAGEMAKER_TYPES.match(instance_type or ""):
                    return
                original(self, instance_type)

            validate_instance_type._hybridml = True  # type: ignore[attr-defined]
            return validate_instance_type

        cls.validate_instance_type = make(validate)


# The demo account's EC2 vCPU quotas (a new account's P quota is 0, as on AWS).
DEMO_EC2_VCPU_QUOTAS: dict[str, tuple[str, float]] = {
    "L-1216C47A": ("Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances", 1152.0),
    "L-DB2E81BA": ("Running On-Demand G and VT instances", 512.0),
    "L-417A185B": ("Running On-Demand P instances", 0.0),
    "L-34B43A08": ("All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests", 1152.0),
    "L-3819A6DF": ("All G and VT Spot Instance Requests", 256.0),
    "L-7212CCBC": ("All P Spot Instance Requests", 0.0),
}


@patch
def servicequotas_knows_ec2_vcpu_quotas() -> None:
    """moto's Service Quotas only knows "vpc"; AWS answers the EC2 vCPU quotas triage reads."""
    from moto.servicequotas.models import ServiceQuotasBackend

    original = ServiceQuotasBackend.get_service_quota

    def get_service_quota(self: Any, service_code: str, quota_code: str) -> dict[str, Any]:
        if service_code == "ec2" and quota_code in DEMO_EC2_VCPU_QUOTAS:
            name, value = DEMO_EC2_VCPU_QUOTAS[quota_code]
            return {
                "ServiceCode": "ec2",
                "ServiceName": "Amazon Elastic Compute Cloud (Amazon EC2)",
                "QuotaArn": f"arn:aws:servicequotas:{self.region_name}:{self.account_id}:ec2/{quota_code}",
                "QuotaCode": quota_code,
                "QuotaName": name,
                "Value": value,
                "Unit": "None",
                "Adjustable": True,
                "GlobalQuota": False,
            }
        result: dict[str, Any] = original(self, service_code, quota_code)
        return result

    ServiceQuotasBackend.get_service_quota = get_service_quota  # type: ignore[method-assign]


def apply_patches() -> None:
    global _applied
    with _lock:
        if _applied:
            return
        for module in (
            "patches_sagemaker",
            "patches_sagemaker_ops",
            "patches_sagemaker_monitor",
            "patches_sagemaker_notebooks",
        ):
            importlib.import_module(f"hybridml.fleet.{module}")  # registers its @patch functions

        for func in PATCHES:
            func()
        _applied = True

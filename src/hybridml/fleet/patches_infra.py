"""Patches (registered with `@patch`, see `patches.py`) for Batch compute environments and queues, CloudWatch
Logs, Service Quotas and SageMaker instance types: each emulates the AWS rule its docstring quotes."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from typing import Any

from hybridml.fleet.patches import patch, replace


@patch
def batch_compute_environment_status_is_stored() -> None:
    """ComputeEnvironmentDetail `status`: "The current status of the compute environment (for example, CREATING or
    VALID)", one of CREATING | UPDATING | DELETING | DELETED | VALID | INVALID, with a `statusReason`. moto always
    answers VALID; the fleet stores another status (INVALID with a reason, UPDATING) on the model."""
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

    replace(BatchBackend, "describe_compute_environments", describe_compute_environments)


@patch
def batch_update_compute_environment_applies_vcpus() -> None:
    """ComputeResourceUpdate: `maxvCpus` is "The maximum number of Amazon EC2 vCPUs that an environment can
    reach", `minvCpus` "The minimum number of vCPUs that an environment should maintain"; desiredvCpus "must be
    between the minvCpus and maxvCpus values". moto ignores computeResources in UpdateComputeEnvironment."""
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

    replace(BatchBackend, "update_compute_environment", update_compute_environment)


@patch
def batch_submit_job_rejects_disabled_queue() -> None:
    """JobQueueDetail `state`: "If the job queue state is DISABLED, new jobs can't be added to the queue, but jobs
    already in the queue can finish." moto accepts new jobs. Checked at the API, so the fleet can still place jobs
    that were submitted before their queue was disabled."""
    from moto.batch.exceptions import ClientException
    from moto.batch.responses import BatchResponse

    original = BatchResponse.submitjob

    def submitjob(self: Any) -> str:
        queue = self.batch_backend.get_job_queue(self._get_param("jobQueue"))
        if queue is not None and queue.state != "ENABLED":
            raise ClientException(f"Job queue {queue.name} is {queue.state} and does not accept new jobs")
        result: str = original(self)
        return result

    replace(BatchResponse, "submitjob", submitjob)


@patch
def batch_job_queue_keeps_time_limit_actions() -> None:
    """JobQueueDetail `jobStateTimeLimitActions`: "The set of actions that Batch perform on jobs that remain at the
    head of the job queue in the specified state longer than specified times." moto drops them on
    CreateJobQueue / UpdateJobQueue and never returns them."""
    from moto.batch.models import JobQueue
    from moto.batch.responses import BatchResponse

    create, update, describe = BatchResponse.createjobqueue, BatchResponse.updatejobqueue, JobQueue.describe

    def _store(self: Any, ref: str) -> None:
        actions = self._get_param("jobStateTimeLimitActions")
        queue = self.batch_backend.get_job_queue(ref) if actions is not None else None
        if queue is not None:
            queue.hybridml_time_limit_actions = list(actions)

    def createjobqueue(self: Any) -> str:
        result: str = create(self)
        _store(self, self._get_param("jobQueueName"))
        return result

    def updatejobqueue(self: Any) -> str:
        result: str = update(self)
        _store(self, self._get_param("jobQueue"))
        return result

    def describe_queue(self: Any) -> dict[str, Any]:
        result: dict[str, Any] = describe(self)
        actions = getattr(self, "hybridml_time_limit_actions", None)
        if actions:
            result["jobStateTimeLimitActions"] = actions
        return result

    replace(BatchResponse, "createjobqueue", createjobqueue)
    replace(BatchResponse, "updatejobqueue", updatejobqueue)
    replace(JobQueue, "describe", describe_queue)


@patch
def logs_forward_token_continues_after_a_start_time_read() -> None:
    """GetLogEvents `nextForwardToken`: "The token for the next set of items in the forward direction [...] If you
    have reached the end of the stream, it returns the same token you passed in." A read with `startTime` returns
    a token that continues from there. moto's token is a position in the list it filtered by `startTime`, so the
    next read (token only) starts that many events into the whole stream and returns old lines again."""
    from moto.logs.exceptions import InvalidParameterException
    from moto.logs.models import LogStream

    def position(token: str) -> tuple[str, int]:
        try:
            return token[0], int(token[2:])
        except (IndexError, ValueError):
            raise InvalidParameterException("The specified nextToken is invalid.") from None

    def get_log_events(
        self: Any, start_time: Any, end_time: Any, limit: Any, next_token: Any, start_from_head: Any
    ) -> tuple[list[dict[str, Any]], str, str]:
        limit = limit or 10_000
        events = sorted(self.events, key=lambda e: e.timestamp)  # positions count in the whole stream
        stamps = [e.timestamp for e in events]
        lo = bisect.bisect_left(stamps, int(start_time)) if start_time else 0
        hi = bisect.bisect_left(stamps, int(end_time)) if end_time else len(events)  # endTime is exclusive
        if next_token:
            direction, index = position(next_token)
            if direction == "f":
                first, last = max(lo, index + 1), min(hi, index + 1 + limit) - 1
            elif direction == "b":
                last = min(hi, index) - 1
                first = max(lo, last - limit + 1)
            else:
                raise InvalidParameterException("The specified nextToken is invalid.")
        elif start_from_head:
            first, last = lo, min(hi, lo + limit) - 1
        else:
            last = hi - 1
            first = max(lo, last - limit + 1)
        if first > last:  # nothing here: the same forward token again (caught up)
            forward = next_token if next_token and next_token[0] == "f" else f"f/{first - 1:056d}"
            return [], f"b/{first:056d}", forward
        page = [e.to_response_dict() for e in events[first : last + 1]]
        return page, f"b/{first:056d}", f"f/{last:056d}"

    replace(LogStream, "get_log_events", get_log_events)


_EXTRA_SAGEMAKER_TYPES = re.compile(r"^ml\.(g5|g6|g6e|p4d|p4de|p5|p5e|inf2|trn1|c6i|m6i|r6i|c7i|m7i)\.\w+$")


@patch
def sagemaker_accepts_current_instance_types() -> None:
    """SageMaker's `ProductionVariantInstanceType` / `TrainingInstanceType` enums (botocore sagemaker model) list
    ml.g5.*, ml.g6.*, ml.p5.*, ml.trn1.* ...; moto's validators reject them."""
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

        replace(cls, "validate_instance_type", make(validate))


# The demo account's EC2 vCPU quotas (a new account's P quota is 0, as on AWS).
DEMO_EC2_VCPU_QUOTAS: dict[str, tuple[str, float]] = {
    "L-1216C47A": ("Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances", 1152.0),
    "L-DB2E81BA": ("Running On-Demand G and VT instances", 512.0),
    "L-417A185B": ("Running On-Demand P instances", 0.0),
    "L-2C3B7624": ("Running On-Demand Trn instances", 0.0),
    "L-7295265B": ("Running On-Demand X instances", 0.0),
    "L-34B43A08": ("All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests", 1152.0),
    "L-3819A6DF": ("All G and VT Spot Instance Requests", 256.0),
    "L-7212CCBC": ("All P Spot Instance Requests", 0.0),
    "L-6B0D517C": ("All Trn Spot Instance Requests", 0.0),
    "L-E3A00192": ("All X Spot Instance Requests", 0.0),
}


@patch
def servicequotas_knows_ec2_vcpu_quotas() -> None:
    """GetServiceQuota "Retrieves the applied quota value for the specified account-level or resource-level quota"
    for any service, EC2's vCPU quotas included; moto's Service Quotas only knows "vpc"."""
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

    replace(ServiceQuotasBackend, "get_service_quota", get_service_quota)

"""Named patches for SageMaker / Application Auto Scaling gaps in moto 5.2 (registered with `@patch`).

Changes take time on AWS: an update puts the endpoint in Updating and it comes back InService later;
a stopped training job is Stopping, then Stopped. moto does both at once (or not at all). Here the change
is recorded with a due time and settled on the next read after it, so the demo and the tests see both states
without a background thread. `ENDPOINT_UPDATE_S` / `TRAINING_STOP_S` set the delays (tests shorten them).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from hybridml.fleet.patches import patch

ENDPOINT_UPDATE_S = 4.0
TRAINING_STOP_S = 3.0


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)  # moto keeps SageMaker times naive UTC


def settle_endpoint(endpoint: Any, *, force: bool = False) -> None:
    """Finish a pending update whose time has come: current counts/weights catch up, InService again."""
    due = getattr(endpoint, "hybridml_settle_at", None)
    if due is None or (time.monotonic() < due and not force):
        return
    for variant in endpoint.production_variants:
        if variant.get("DesiredInstanceCount") is not None:
            variant["CurrentInstanceCount"] = variant["DesiredInstanceCount"]
        if variant.get("DesiredWeight") is not None:
            variant["CurrentWeight"] = variant["DesiredWeight"]
    endpoint.endpoint_status = "InService"
    endpoint.last_modified_time = _utcnow()
    endpoint.hybridml_settle_at = None


def settle_training_job(job: Any, *, force: bool = False) -> None:
    due = getattr(job, "hybridml_stop_at", None)
    if due is None or (time.monotonic() < due and not force):
        return
    now = _utcnow()
    transitions = list(job.secondary_status_transitions or [])
    if transitions and "EndTime" not in transitions[-1]:
        transitions[-1] = {**transitions[-1], "EndTime": now}
    transitions.append({"Status": "Stopped", "StartTime": now, "StatusMessage": "Training job stopped by request"})
    job.secondary_status_transitions = transitions
    job.training_job_status, job.secondary_status = "Stopped", "Stopped"
    job.training_end_time = job.last_modified_time = now
    if job.training_start_time is not None:
        job.billable_time_in_seconds = int((now - job.training_start_time).total_seconds())
    job.hybridml_stop_at = None


def _endpoint_or_error(backend: Any, name: str) -> Any:
    from moto.sagemaker.exceptions import ValidationError
    from moto.sagemaker.models import FakeEndpoint

    endpoint = backend.endpoints.get(name)
    if endpoint is None:
        arn = FakeEndpoint.arn_formatter(name, backend.account_id, backend.region_name)
        raise ValidationError(message=f"Could not find endpoint '{arn}'.")
    settle_endpoint(endpoint)
    return endpoint


def _refuse_if_busy(endpoint: Any) -> None:
    from moto.sagemaker.exceptions import ValidationError

    if endpoint.endpoint_status != "InService":
        raise ValidationError(
            message=f'Cannot update in-progress endpoint "{endpoint.arn}". Status: {endpoint.endpoint_status}'
        )


@patch
def sagemaker_endpoint_reads_settle_pending_updates() -> None:
    """Reads see an update finish once its time has come (AWS: Updating for minutes, then InService)."""
    from moto.sagemaker.models import SageMakerModelBackend

    describe, list_endpoints = SageMakerModelBackend.describe_endpoint, SageMakerModelBackend.list_endpoints

    def describe_endpoint(self: Any, endpoint_name: str) -> dict[str, Any]:
        endpoint = self.endpoints.get(endpoint_name)
        if endpoint is not None:
            settle_endpoint(endpoint)
        return describe(self, endpoint_name)  # type: ignore[no-any-return]

    def list_endpoints_settled(self: Any, *args: Any, **kwargs: Any) -> Any:
        for endpoint in list(self.endpoints.values()):
            settle_endpoint(endpoint)
        return list_endpoints(self, *args, **kwargs)

    SageMakerModelBackend.describe_endpoint = describe_endpoint  # type: ignore[method-assign]
    SageMakerModelBackend.list_endpoints = list_endpoints_settled  # type: ignore[method-assign,assignment]


@patch
def sagemaker_update_weights_and_capacities_is_gradual() -> None:
    """moto applies the change at once, sets omitted weights/counts to null and accepts a busy endpoint.
    AWS refuses a busy endpoint, keeps what is omitted, and moves Updating -> InService as instances come."""
    from moto.sagemaker.exceptions import AWSValidationException
    from moto.sagemaker.models import SageMakerModelBackend

    def update_endpoint_weights_and_capacities(
        self: Any, endpoint_name: str, desired_weights_and_capacities: list[dict[str, Any]]
    ) -> str:
        endpoint = _endpoint_or_error(self, endpoint_name)
        _refuse_if_busy(endpoint)
        by_name = {v["VariantName"]: v for v in endpoint.production_variants}
        seen: set[str] = set()
        for change in desired_weights_and_capacities or []:
            name = str(change.get("VariantName"))
            if name in seen:
                raise AWSValidationException(f'The variant name "{name}" was non-unique within the request.')
            if name not in by_name:
                raise AWSValidationException(
                    f'The variant name(s) "{name}" is/are not present within endpoint configuration '
                    f'"{endpoint.endpoint_config_name}".'
                )
            seen.add(name)
        for change in desired_weights_and_capacities or []:
            variant = by_name[change["VariantName"]]
            if change.get("DesiredInstanceCount") is not None:
                variant["DesiredInstanceCount"] = int(change["DesiredInstanceCount"])
            if change.get("DesiredWeight") is not None:
                variant["DesiredWeight"] = float(change["DesiredWeight"])
        endpoint.endpoint_status = "Updating"
        endpoint.last_modified_time = _utcnow()
        endpoint.hybridml_settle_at = time.monotonic() + ENDPOINT_UPDATE_S
        return str(endpoint.arn)

    SageMakerModelBackend.update_endpoint_weights_and_capacities = (  # type: ignore[method-assign]
        update_endpoint_weights_and_capacities
    )


@patch
def sagemaker_update_endpoint_is_implemented() -> None:
    """moto has no UpdateEndpoint (HTTP 500): switch the endpoint config, Updating until it settles."""
    from moto.sagemaker.models import SageMakerModelBackend
    from moto.sagemaker.responses import SageMakerResponse

    def update_endpoint(self: Any, endpoint_name: str, endpoint_config_name: str) -> str:
        endpoint = _endpoint_or_error(self, endpoint_name)
        _refuse_if_busy(endpoint)
        config = self.describe_endpoint_config(endpoint_config_name)  # ValidationException when unknown
        endpoint.endpoint_config_name = endpoint_config_name
        variants = endpoint._process_production_variants(config["ProductionVariants"])
        current = {v["VariantName"]: v for v in endpoint.production_variants}
        for v in variants:  # instances are replaced gradually: report the old count until settled
            old = current.get(v["VariantName"], {})
            v["CurrentInstanceCount"] = old.get("CurrentInstanceCount", 0)
        endpoint.production_variants = variants
        endpoint.endpoint_status = "Updating"
        endpoint.last_modified_time = _utcnow()
        endpoint.hybridml_settle_at = time.monotonic() + ENDPOINT_UPDATE_S
        return str(endpoint.arn)

    def update_endpoint_response(self: Any) -> Any:
        from moto.core.responses import ActionResult

        arn = self.sagemaker_backend.update_endpoint(
            self._get_param("EndpointName"), self._get_param("EndpointConfigName")
        )
        return ActionResult({"EndpointArn": arn})

    SageMakerModelBackend.update_endpoint = update_endpoint  # type: ignore[attr-defined]
    SageMakerResponse.update_endpoint = update_endpoint_response  # type: ignore[attr-defined]


@patch
def sagemaker_stop_training_job_is_implemented() -> None:
    """moto has no StopTrainingJob (HTTP 500): InProgress -> Stopping, then Stopped on a later read
    (DescribeTrainingJob or ListTrainingJobs)."""
    from moto.sagemaker.exceptions import ValidationError
    from moto.sagemaker.models import SageMakerModelBackend
    from moto.sagemaker.responses import SageMakerResponse

    describe, list_jobs = SageMakerModelBackend.describe_training_job, SageMakerModelBackend.list_training_jobs

    def stop_training_job(self: Any, name: str) -> None:
        describe(self, name)  # ValidationException "Could not find training job" when unknown
        job = self.training_jobs[name]
        if job.training_job_status != "InProgress":
            raise ValidationError(
                message=f"The request was rejected because the training job is in status {job.training_job_status}."
            )
        now = _utcnow()
        transitions = list(job.secondary_status_transitions or [])
        if transitions and "EndTime" not in transitions[-1]:
            transitions[-1] = {**transitions[-1], "EndTime": now}
        transitions.append({"Status": "Stopping", "StartTime": now, "StatusMessage": "Stopping the training job"})
        job.secondary_status_transitions = transitions
        job.training_job_status, job.secondary_status = "Stopping", "Stopping"
        job.last_modified_time = now
        job.hybridml_stop_at = time.monotonic() + TRAINING_STOP_S

    def describe_training_job(self: Any, name: str) -> dict[str, Any]:
        job = self.training_jobs.get(name)
        if job is not None:
            settle_training_job(job)
        return describe(self, name)  # type: ignore[no-any-return]

    def list_training_jobs(self: Any, *args: Any, **kwargs: Any) -> Any:
        for job in list(self.training_jobs.values()):
            settle_training_job(job)
        return list_jobs(self, *args, **kwargs)

    def stop_training_job_response(self: Any) -> Any:
        from moto.core.responses import EmptyResult

        self.sagemaker_backend.stop_training_job(self._get_param("TrainingJobName"))
        return EmptyResult()

    SageMakerModelBackend.stop_training_job = stop_training_job  # type: ignore[attr-defined]
    SageMakerModelBackend.describe_training_job = describe_training_job  # type: ignore[method-assign,assignment]
    SageMakerModelBackend.list_training_jobs = list_training_jobs  # type: ignore[method-assign]
    SageMakerResponse.stop_training_job = stop_training_job_response  # type: ignore[attr-defined]


@patch
def sagemaker_runtime_invoke_needs_an_endpoint() -> None:
    """moto answers InvokeEndpoint for any name (in server mode it even reads the name as None, since it
    comes in the URL path, so every endpoint shares one answer cache); AWS rejects an unknown endpoint, or one
    not in service, with a ValidationError. Unqueued requests get a model-shaped JSON answer (`_demo_answer`);
    answers queued via /moto-api/static/sagemaker/endpoint-results still come first."""
    import base64
    import json
    from urllib.parse import unquote

    from moto.sagemaker.exceptions import ValidationError
    from moto.sagemaker.models import sagemaker_backends
    from moto.sagemakerruntime.responses import SageMakerRuntimeResponse

    def invoke_endpoint(self: Any) -> Any:
        parts = self.path.split("/")
        from_path = unquote(parts[2]) if len(parts) > 2 and parts[1] == "endpoints" else ""
        name = str(self._get_params().get("EndpointName") or from_path)
        endpoint = sagemaker_backends[self.current_account][self.region].endpoints.get(name)
        if endpoint is None:
            raise ValidationError(message=f"Endpoint {name} of account {self.current_account} not found.")
        if endpoint.endpoint_status not in ("InService", "Updating"):
            raise ValidationError(message=f"Endpoint {name} is not in service ({endpoint.endpoint_status}).")
        from hybridml.fleet.containers import HOST

        if HOST.serving(name):  # the bundled container runs for this endpoint (fleet/patches_launch.py)
            return _container_answer(self, name, endpoint)
        unique = {k: v for k, v in self.headers.items() if k.lower().startswith("x-amzn-sagemaker")}
        unique["Accept"] = self.headers.get("Accept")
        unique["Body"] = self.body if isinstance(self.body, str) else base64.b64encode(self.body or b"").decode()
        key = base64.b64encode(json.dumps(unique).encode("utf-8"))
        backend = self.sagemakerruntime_backend
        if key not in backend.results.get(name, {}) and not backend.results_queue:
            backend.results_queue.append(_demo_answer(name, self.body))
        body, content_type, variant, attributes = backend.invoke_endpoint(endpoint_name=name, unique_repr=key)
        headers = {"Content-Type": content_type}
        if variant:
            headers["x-Amzn-Invoked-Production-Variant"] = variant
        if attributes:
            headers["X-Amzn-SageMaker-Custom-Attributes"] = attributes
        return 200, headers, body

    SageMakerRuntimeResponse.invoke_endpoint = invoke_endpoint  # type: ignore[method-assign]


def _container_answer(response: Any, name: str, endpoint: Any) -> Any:
    """POST /invocations to the endpoint's container; an error answer is InvokeEndpoint's ModelError."""
    from hybridml.fleet.containers import HOST
    from hybridml.fleet.patches_launch import model_error

    body = response.body if isinstance(response.body, bytes) else str(response.body or "").encode()
    status, answer, content_type = HOST.invoke(name, body, str(response.headers.get("Content-Type") or ""))
    if status >= 400:
        raise model_error(name, status, answer, response.current_account, response.region)
    variant = str(endpoint.production_variants[0].get("VariantName", "")) if endpoint.production_variants else ""
    return 200, {"Content-Type": content_type, "x-Amzn-Invoked-Production-Variant": variant}, answer


def _demo_answer(endpoint: str, body: Any) -> tuple[str, str, str, str]:
    """What the demo's endpoints answer when no result was queued: JSON shaped like a real model's output
    (moto's own default is the literal body 'body' with content type 'content_type')."""
    import hashlib
    import json

    digest = hashlib.sha256(body if isinstance(body, bytes) else str(body).encode()).digest()
    if "yolo" in endpoint:
        detections = [
            {"label": "dog", "confidence": round(0.55 + digest[i] / 600, 3), "box": [digest[i], digest[i + 1], 64, 48]}
            for i in range(1 + digest[0] % 3)
        ]
        answer: dict[str, Any] = {"model": endpoint, "detections": detections}
    elif "embed" in endpoint:
        answer = {"model": endpoint, "embedding": [round((b - 128) / 128, 4) for b in digest[:16]], "dim": 16}
    else:
        answer = {"model": endpoint, "predictions": [round(digest[0] / 255, 4)]}
    return (json.dumps(answer), "application/json", "AllTraffic", "")


@patch
def autoscaling_rejects_min_above_max() -> None:
    """moto stores MinCapacity > MaxCapacity; AWS answers ValidationException."""
    from moto.applicationautoscaling.exceptions import AWSValidationException
    from moto.applicationautoscaling.models import ApplicationAutoscalingBackend

    original = ApplicationAutoscalingBackend.register_scalable_target

    def register_scalable_target(
        self: Any,
        namespace: str,
        r_id: str,
        dimension: str,
        min_capacity: Any,
        max_capacity: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        lo, hi = min_capacity, max_capacity
        existing = self.targets.get(dimension, {}).get(r_id)
        if existing is not None:
            lo = existing.min_capacity if lo is None else lo
            hi = existing.max_capacity if hi is None else hi
        if lo is not None and hi is not None and int(lo) > int(hi):
            raise AWSValidationException("Minimum capacity cannot be greater than maximum capacity")
        return original(self, namespace, r_id, dimension, min_capacity, max_capacity, *args, **kwargs)

    ApplicationAutoscalingBackend.register_scalable_target = register_scalable_target  # type: ignore[method-assign]

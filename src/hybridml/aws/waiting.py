"""`hybridml wait ARN`: poll a SageMaker run until it finishes and say how it ended.

Pipeline executions, training / tuning / processing / transform jobs and endpoints (an endpoint "finishes" when
it is InService, or fails). A failed poll (throttled, 5xx, connection lost) is not the run failing: polling goes
on until the deadline."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hybridml.aws.errors import InvalidRequest, ServiceFailure, Throttled, Unreachable
from hybridml.aws.sagemaker_common import describe
from hybridml.aws.session import AwsSession

SUCCEEDED, FAILED, STOPPED = "succeeded", "failed", "stopped"

# ARN resource type -> (describe operation, its name parameter, status key, {status: outcome})
_KINDS: dict[str, tuple[str, str, str, dict[str, str]]] = {
    "training-job": ("describe_training_job", "TrainingJobName", "TrainingJobStatus",
                     {"Completed": SUCCEEDED, "Failed": FAILED, "Stopped": STOPPED}),
    "hyper-parameter-tuning-job": ("describe_hyper_parameter_tuning_job", "HyperParameterTuningJobName",
                                   "HyperParameterTuningJobStatus",
                                   {"Completed": SUCCEEDED, "Failed": FAILED, "Stopped": STOPPED}),
    "processing-job": ("describe_processing_job", "ProcessingJobName", "ProcessingJobStatus",
                       {"Completed": SUCCEEDED, "Failed": FAILED, "Stopped": STOPPED}),
    "transform-job": ("describe_transform_job", "TransformJobName", "TransformJobStatus",
                      {"Completed": SUCCEEDED, "Failed": FAILED, "Stopped": STOPPED}),
    "endpoint": ("describe_endpoint", "EndpointName", "EndpointStatus",
                 {"InService": SUCCEEDED, "Failed": FAILED, "OutOfService": FAILED}),
    "pipeline-execution": ("describe_pipeline_execution", "PipelineExecutionArn", "PipelineExecutionStatus",
                           {"Succeeded": SUCCEEDED, "Failed": FAILED, "CompletedWithFailures": FAILED,
                            "Stopped": STOPPED}),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class RunState:
    kind: str
    name: str
    status: str
    outcome: str = ""  # "" while running; else SUCCEEDED / FAILED / STOPPED
    reason: str = ""


class WaitTimedOut(Exception):
    def __init__(self, state: RunState | None, waited_s: float, last_error: str = "") -> None:
        status = state.status if state else "unknown"
        why = f"; last poll failed: {last_error}" if last_error else ""
        super().__init__(f"still {status} after {int(waited_s)}s (gave up waiting; it goes on in AWS){why}")
        self.state = state


def parse_arn(arn: str) -> tuple[str, str]:
    """(kind, name) of a SageMaker ARN `wait` understands; InvalidRequest for anything else."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "sagemaker":
        raise InvalidRequest(f"'{arn}' is not a SageMaker ARN (arn:aws:sagemaker:REGION:ACCOUNT:TYPE/NAME)")
    resource = parts[5]
    if resource.startswith("pipeline/") and "/execution/" in resource:
        return "pipeline-execution", arn
    kind, _, name = resource.partition("/")
    if kind not in _KINDS or not name:
        known = ", ".join(sorted({*_KINDS} - {"pipeline-execution"} | {"pipeline/NAME/execution/ID"}))
        raise InvalidRequest(f"cannot wait on a '{kind}' ({arn}); supported: {known}")
    return kind, name


async def state_of(session: AwsSession, arn: str) -> RunState:
    kind, name = parse_arn(arn)
    operation, param, key, outcomes = _KINDS[kind]
    raw: dict[str, Any] = await describe(session, operation, f"{kind} {name}", **{param: name})
    status = str(raw.get(key, ""))
    return RunState(
        kind, name.rsplit("/", 1)[-1], status, outcomes.get(status, ""), str(raw.get("FailureReason") or "")
    )


async def wait_for(
    session: AwsSession,
    arn: str,
    *,
    timeout_s: float,
    poll_s: float = 10.0,
    on_status: Callable[[RunState, float], None] | None = None,
) -> RunState:
    """Poll until the run has an outcome; WaitTimedOut at the deadline. NotFound / InvalidRequest are raised."""
    parse_arn(arn)  # a bad ARN fails before the first call
    started = time.monotonic()
    state: RunState | None = None
    last_error = ""
    while True:
        try:
            state = await state_of(session, arn)
            last_error = ""
        except (Throttled, Unreachable, ServiceFailure) as exc:
            last_error = str(exc)
        elapsed = time.monotonic() - started
        if state is not None:
            if on_status is not None:
                on_status(state, elapsed)
            if state.outcome:
                return state
        if elapsed + poll_s > timeout_s:
            raise WaitTimedOut(state, elapsed, last_error)
        await asyncio.sleep(poll_s)

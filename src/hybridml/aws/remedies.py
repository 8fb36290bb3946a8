"""The one-key fixes triage offers, each one mutating call. Callers go through `services.mutate(...)`."""

from __future__ import annotations

from typing import Any

from hybridml.aws.errors import InvalidRequest, aws_call
from hybridml.aws.session import AwsSession
from hybridml.domain.triage import ActionKind, FindingAction

SERVICE = "batch"


def request_of(action: FindingAction) -> dict[str, Any]:
    """The AWS request the action sends (for the confirm dialog and the audit log)."""
    if action.kind == ActionKind.ENABLE_COMPUTE_ENVIRONMENT:
        return {"computeEnvironment": action.target, "state": "ENABLED"}
    if action.kind == ActionKind.ENABLE_JOB_QUEUE:
        return {"jobQueue": action.target, "state": "ENABLED"}
    if action.kind == ActionKind.RAISE_MAX_VCPUS:
        return {"computeEnvironment": action.target, "computeResources": {"maxvCpus": int(action.param("maxvCpus"))}}
    if action.kind == ActionKind.CANCEL_JOB:
        return {"jobId": action.target, "reason": "cancelled from hybridml triage: its dependency failed"}
    raise InvalidRequest(f"unknown triage action '{action.kind}'")


OPERATIONS = {
    ActionKind.ENABLE_COMPUTE_ENVIRONMENT: "update_compute_environment",
    ActionKind.ENABLE_JOB_QUEUE: "update_job_queue",
    ActionKind.RAISE_MAX_VCPUS: "update_compute_environment",
    ActionKind.CANCEL_JOB: "cancel_job",
}


async def apply(session: AwsSession, action: FindingAction) -> dict[str, Any]:
    """Send the action's call once (no automatic retries)."""
    request = request_of(action)
    operation = OPERATIONS[action.kind]
    client = await session.mutation_client(SERVICE)
    async with aws_call(SERVICE, operation):
        result: dict[str, Any] = await getattr(client, operation)(**request)
    return result

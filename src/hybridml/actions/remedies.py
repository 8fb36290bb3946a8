"""The one-key fixes triage offers (`a`), as the Batch actions they are: the same validation, confirm text,
audit name and send path as the keys of the `:ce`, `:queues` and `:jobs` views."""

from __future__ import annotations

from typing import Any

from hybridml.actions.base import Action, ActionSpec, Readers, register
from hybridml.actions.batch import CancelJob, ScaleComputeEnvironment, SetComputeEnvironmentState, SetQueueState
from hybridml.aws.batch_actions import ScaleChange
from hybridml.aws.errors import InvalidRequest, NotFound
from hybridml.domain.triage import ActionKind, FindingAction

APPLY = register(
    ActionSpec(
        "triage.apply",
        "Apply fix",
        key="a",
        views=("triage", "explain"),
        help="apply the selected finding's fix (the Batch action it names, after a confirm)",
    )
)
CANCEL_REASON = "cancelled from hybridml triage: its dependency failed"


async def remedy_action(readers: Readers, fix: FindingAction) -> Action[Any]:
    """The action that applies `fix`, built from what Batch says now (NotFound when the resource is gone)."""
    if fix.kind in (ActionKind.ENABLE_COMPUTE_ENVIRONMENT, ActionKind.RAISE_MAX_VCPUS):
        ce = next((c for c in await readers.batch.compute_environments() if fix.target in (c.name, c.arn)), None)
        if ce is None:
            raise NotFound(f"compute environment {fix.target} not found", service="batch")
        if fix.kind == ActionKind.ENABLE_COMPUTE_ENVIRONMENT:
            return SetComputeEnvironmentState(ce, enabled=True)
        try:
            new_max = int(fix.param("maxvCpus"))
        except ValueError:
            raise InvalidRequest(f"the fix has no valid maxvCpus ({fix.param('maxvCpus')!r})") from None
        return ScaleComputeEnvironment(ce, ScaleChange(max_vcpus=new_max))
    if fix.kind == ActionKind.ENABLE_JOB_QUEUE:
        queue = next((q for q in await readers.batch.job_queues() if fix.target in (q.name, q.arn)), None)
        if queue is None:
            raise NotFound(f"job queue {fix.target} not found", service="batch")
        return SetQueueState(queue, enabled=True)
    if fix.kind == ActionKind.CANCEL_JOB:
        job = await readers.batch.job(fix.target)
        if job is None:
            raise NotFound(f"job {fix.target} not found", service="batch")
        return CancelJob(job, CANCEL_REASON)
    raise InvalidRequest(f"unknown triage fix '{fix.kind}'")

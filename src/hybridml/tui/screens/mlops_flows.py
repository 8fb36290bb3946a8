"""The MLOps action flows: stop a tuning job, approve / reject a model version, shift an endpoint's A/B traffic
weights, stop a notebook. Each runs in a worker started by `flows.act` and goes through `flows.confirm_and_run`
(confirm showing before -> after and the exact call, then the progress dialog; `Services.run` sends it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from hybridml import clock
from hybridml.actions.base import Action
from hybridml.actions.mlops import (
    RejectModelPackage,
    SetModelApproval,
    StopTuningJob,
    UpdateWeights,
    set_approval,
    stop_notebook,
)
from hybridml.aws.errors import NotFound
from hybridml.domain.notebooks import Notebook
from hybridml.domain.registry import ModelPackage
from hybridml.domain.sagemaker import Endpoint
from hybridml.domain.tuning import TuningJob
from hybridml.render.fmt import human_duration
from hybridml.render.traffic import weights_body
from hybridml.tui.console import console
from hybridml.tui.screens.flows import confirm_and_run
from hybridml.tui.screens.progress import ActionResult

if TYPE_CHECKING:
    from textual.widget import Widget


def all_ok(results: Sequence[ActionResult] | None) -> bool:
    return bool(results) and all(r.ok for r in results or [])


async def stop_tuning_flow(host: Widget, job: TuningJob) -> bool:
    """Confirm (what runs, for how long, at what cost) -> StopHyperParameterTuningJob."""
    action = StopTuningJob(job)
    now = clock.utcnow()
    burn = f"${job.price_per_hour:,.2f}/h" if job.price_per_hour is not None else "an unknown rate"
    results = await confirm_and_run(
        host,
        [action],
        title=f"Stop tuning job {job.name}?",
        body=(
            f"{job.name}, running for {human_duration(job.duration_s(now))}; "
            f"its {job.in_progress} running training job(s) cost {burn}\n\n{action.confirm_text()}"
        ),
        confirm_label="Stop it",
        cancel_label="Keep it running",
    )
    return all_ok(results)


async def approval_flow(host: Widget, package: ModelPackage, approval: str) -> bool:
    """Confirm -> UpdateModelPackage. A rejection asks a reason, sent as ApprovalDescription."""
    action = set_approval(package, approval)
    reject = isinstance(action, RejectModelPackage)
    verb = "Reject" if reject else "Approve"

    async def send(sent: Action[Any], reason: str) -> str:
        assert isinstance(sent, SetModelApproval)
        await console(host).services.run(replace(sent, description=reason) if reject else sent)
        return approval

    note = "\n\nThe reason you type is sent as ApprovalDescription." if reject else ""
    results = await confirm_and_run(
        host,
        [action],
        title=f"{verb} {package.label}?",
        body=f"{package.label}  ({package.description or 'no description'})\n\n{action.confirm_text()}{note}",
        confirm_label=verb,
        danger=reject,
        reason="" if reject else None,
        send=send,
    )
    return all_ok(results)


async def weights_flow(host: Widget, endpoint: Endpoint) -> UpdateWeights | None:
    """The weights form (on fresh weights) -> confirm (every variant's share before -> after) -> send; the action
    sent, or None when nothing was."""
    from hybridml.tui.screens.weights_form import WeightsScreen

    services = console(host).services
    endpoint = await services.sagemaker.endpoint(endpoint.name)  # decide on fresh weights
    if len(endpoint.variants) < 2:
        host.notify(f"{endpoint.name} has one variant: there is no traffic to shift", severity="warning")
        return None
    request = await host.app.push_screen_wait(WeightsScreen(endpoint))
    if request is None:
        return None
    action = UpdateWeights(endpoint, request.weights)
    results = await confirm_and_run(
        host,
        [action],
        title=f"Shift traffic of {endpoint.name}?",
        body=weights_body(endpoint, request),
        confirm_label="Shift",
        danger=False,
    )
    return action if all_ok(results) else None


async def stop_notebook_flow(host: Widget, nb: Notebook) -> bool:
    """Confirm (how long it ran, what it cost so far) -> StopNotebookInstance, or DeleteApp for a Studio app."""
    action = stop_notebook(nb)
    now = clock.utcnow()
    spent = nb.cost_so_far(now)
    cost = f" (~${spent:,.2f} so far)" if spent is not None else ""

    async def send(sent: Action[Any], reason: str) -> str:
        try:
            await console(host).services.run(sent)
        except NotFound:
            return "it no longer exists"
        return "stop requested"

    results = await confirm_and_run(
        host,
        [action],
        title=f"Stop {nb.label}?",
        body=(
            f"{nb.label}  ({nb.owner or 'notebook instance'})\n"
            f"running  {human_duration(nb.running_s(now))} on {nb.instance_type or '-'}{cost}\n\n"
            f"{action.confirm_text()}"
        ),
        confirm_label="Stop",
        cancel_label="Keep it running",
        send=send,
    )
    return all_ok(results)

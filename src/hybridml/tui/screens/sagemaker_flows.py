"""The SageMaker action flows: scale / delete an endpoint, stop / clone a training job (each in a worker started by
`flows.act`; the endpoints view adds the wait for InService and its progress line)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from hybridml import clock
from hybridml.actions.sagemaker import (
    DeleteEndpoint,
    StopTrainingJob,
    clone_training,
    scale_actions,
)
from hybridml.aws.errors import InvalidRequest, NotFound
from hybridml.domain.sagemaker import Endpoint, ScaleRequest, TrainingJob
from hybridml.render.fmt import human_duration
from hybridml.tui.console import console
from hybridml.tui.screens.flows import confirm_and_run

if TYPE_CHECKING:
    from textual.widget import Widget


def scale_body(endpoint: Endpoint, request: ScaleRequest) -> Text:
    """The confirm dialog's before -> after lines."""
    v = endpoint.variant(request.variant)
    text = Text()
    text.append(f"{endpoint.name} / {request.variant}  ({endpoint.status})\n\n", style="bold")
    if request.desired is not None:
        before = "-" if v is None or v.desired_instance_count is None else str(v.desired_instance_count)
        text.append(f"instances     {before}  →  {request.desired}\n")
    if request.min_capacity is not None or request.max_capacity is not None:
        before = v.autoscaling if v is not None else "-"
        lo = request.min_capacity if request.min_capacity is not None else (v.autoscaling_min if v else None)
        hi = request.max_capacity if request.max_capacity is not None else (v.autoscaling_max if v else None)
        text.append(f"autoscaling   {before}  →  {lo}..{hi}\n")
    for warning in request.warnings(v):
        text.append(f"\n⚠ {warning}", style="yellow")
    text.append("\n\nThe endpoint goes to Updating and serves on the old instances until InService again.", style="dim")
    return text


async def scale_endpoint_flow(host: Widget, endpoint: Endpoint) -> ScaleRequest | None:
    """Form -> confirm -> send (bounds first, then the count); the request when everything was sent."""
    from hybridml.tui.screens.scale_form import ScaleScreen

    services = console(host).services
    endpoint = await services.sagemaker.endpoint(endpoint.name)  # decide on fresh numbers
    if endpoint.variants and all(v.serverless for v in endpoint.variants):
        raise InvalidRequest(
            f"{endpoint.name} is serverless: it has no instances to scale (its capacity is the endpoint config's "
            "ServerlessConfig); deploy a new endpoint config instead"
        )
    request: ScaleRequest | None = await host.app.push_screen_wait(ScaleScreen(endpoint))
    if request is None:
        return None
    actions = await scale_actions(services, request)
    results = await confirm_and_run(
        host,
        actions,
        title=f"Scale endpoint {endpoint.name}?",
        body=scale_body(endpoint, request),
        confirm_label="Scale",
        danger=False,
        sequential=True,
    )
    return request if results and all(r.ok for r in results) else None


async def delete_endpoint_flow(host: Widget, endpoint: Endpoint) -> bool:
    """Typed-name confirm -> DeleteEndpoint; True when it is gone (or was already)."""

    async def send(action: object, reason: str) -> str:
        assert isinstance(action, DeleteEndpoint)
        try:
            await console(host).services.run(action)
        except NotFound:
            return "it was already deleted"
        return "deleted"

    action = DeleteEndpoint(endpoint)
    results = await confirm_and_run(
        host,
        [action],
        title=f"Delete endpoint {endpoint.name}",
        confirm_label="Delete",
        cancel_label="Keep it",
        require_typed=endpoint.name,
        send=send,
    )
    return bool(results) and all(r.ok for r in results or [])


async def stop_training_flow(host: Widget, job: TrainingJob) -> bool:
    action = StopTrainingJob(job)
    ran = human_duration(job.duration_s(clock.utcnow()))
    results = await confirm_and_run(
        host,
        [action],
        title=f"Stop training job {job.name}?",
        body=f"{job.name}, running for {ran}\n\n{action.confirm_text()}",
        confirm_label="Stop it",
        cancel_label="Keep it running",
    )
    return bool(results) and all(r.ok for r in results or [])


async def clone_training_flow(host: Widget, job: TrainingJob) -> str | None:
    """Name + template form -> confirm (before -> after) -> CreateTrainingJob; the new job's name."""
    from hybridml.tui.screens.clone_training import CloneRequest, CloneTrainingScreen

    services = console(host).services
    templates = services.settings.sagemaker.training_templates
    request: CloneRequest | None = await host.app.push_screen_wait(CloneTrainingScreen(job, templates))
    if request is None:
        return None
    template = templates.get(request.template) if request.template else None
    action = await clone_training(services, job.name, request.name, template)
    lines = [f"source      {job.name}", f"new job     {request.name}"]
    if template is not None:
        lines.append(f"template    {request.template}")
        if template.instance_type or template.instance_count:
            after = f"{template.instance_count or job.instance_count} x {template.instance_type or job.instance_type}"
            lines.append(f"instances   {job.instance_count} x {job.instance_type}  →  {after}")
        for key, value in template.hyperparameters.items():
            before = dict(job.hyperparameters).get(key, "-")
            lines.append(f"{key:<11} {before}  →  {value}")
    results = await confirm_and_run(
        host, [action], title="Start a new training job?", body="\n".join(lines), confirm_label="Create", danger=False
    )
    return request.name if results and all(r.ok for r in results) else None

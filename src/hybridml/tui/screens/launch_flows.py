"""The :launches flows beyond a local or Batch launch (each runs in a worker started by `flows.act`): a SageMaker
processing launch, deploy / invoke / undeploy an endpoint, and stop a run. Every AWS call is an action sent by
`confirm_and_run` (confirm first, read-only refused, audited)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text

from hybridml.actions.base import Action
from hybridml.actions.batch import stop_action as batch_stop_action
from hybridml.actions.batch import stop_job
from hybridml.aws.deploy import deploy_names
from hybridml.aws.errors import AwsError, NotFound
from hybridml.domain.launch import LaunchRun, LaunchTarget
from hybridml.domain.prices import hourly
from hybridml.domain.sagemaker import Endpoint
from hybridml.launch.batch import LaunchError
from hybridml.launch.endpoint import invoke_action, wait_deployed
from hybridml.launch.processing import stop_action as processing_stop_action
from hybridml.tui.console import console
from hybridml.tui.screens.flows import confirm_and_run

if TYPE_CHECKING:
    from textual.widget import Widget

    from hybridml.launch.launcher import Launcher
    from hybridml.tui.screens.launch_form import LaunchRequest

Progress = Callable[[str | Text], None]


def _price_line(instance_type: str, what: str) -> str:
    price = hourly(instance_type)
    shown = f"${price:.3f}/h" if price is not None else "no catalogue price"
    return f"{instance_type}: {shown} ({what})"


async def launch_on_processing(host: Widget, launcher: Launcher, video: str, request: LaunchRequest) -> None:
    plan = await launcher.plan_processing(video, instance_type=request.instance_type, role_arn=request.role)

    async def send(action: Action[Any], reason: str) -> str:
        run = await launcher.send_processing(plan)
        return f"created processing job {run.job_id}"

    body = "\n\n".join(
        [plan.create.confirm_text(), _price_line(plan.create.instance_type, "per second, from start to end")]
    )
    await confirm_and_run(
        host,
        [plan.create],
        title="Launch the YOLO container as a SageMaker processing job?",
        body=body,
        confirm_label="Launch",
        danger=False,
        send=send,
    )


async def deploy_flow(host: Widget, launcher: Launcher, progress: Progress) -> None:
    """Form -> confirm (the three calls) -> send in order -> wait for InService, with a progress line."""
    from hybridml.tui.screens.deploy_form import DeployForm, DeployRequest

    request: DeployRequest | None = await host.app.push_screen_wait(DeployForm(launcher.settings))
    if request is None:
        return
    try:
        plan = launcher.plan_deploy(
            request.name,
            instance_type=request.instance_type,
            role_arn=request.role,
            asynchronous=request.asynchronous,
            async_output=request.async_output,
        )
    except LaunchError as exc:
        console(host).report_problem(f"deploy: {exc}")
        return
    services = console(host).services
    body = "\n".join(
        [
            *(a.confirm_text() for a in plan.actions),
            "",
            _price_line(plan.instance_type, "billed every hour the endpoint is InService, used or not"),
        ]
    )
    results = await confirm_and_run(
        host,
        plan.actions,
        title=f"Deploy endpoint {plan.endpoint}?",
        body=body,
        confirm_label="Deploy",
        danger=False,
        sequential=True,  # model, then config, then endpoint: each needs the one before
    )
    if not results or not all(r.ok for r in results):
        return
    launcher.last_deployment = plan.endpoint
    await _wait(host, services, plan.endpoint, progress)


async def _wait(host: Widget, services: Any, name: str, progress: Progress) -> None:
    started = time.monotonic()

    def on_status(current: Endpoint, elapsed: float) -> None:
        progress(f"⟳ deploying {name}: {current.status}  {int(elapsed)}s")

    progress(f"⟳ deploying {name}: sent, waiting for InService …")
    try:
        done = await wait_deployed(services, name, on_status)
    except AwsError as exc:
        progress(Text(f"✗ deploying {name}: {exc}", style="bold red"))
        console(host).report_problem(str(exc))
        return
    took = time.monotonic() - started
    progress(Text(f"✓ {name} InService on {done.instance_type} ({took:.0f}s): i invokes it", style="green"))
    host.notify(f"{name} is InService", title="deployed")


async def invoke_flow(host: Widget, launcher: Launcher, selected: LaunchRun | None) -> None:
    from hybridml.tui.screens.invoke_video_form import InvokeVideoForm, InvokeVideoRequest

    services = console(host).services
    default = (
        selected.job_id
        if selected is not None and selected.target is LaunchTarget.SAGEMAKER_ENDPOINT
        else launcher.last_deployment or launcher.settings.deployment
    )
    request: InvokeVideoRequest | None = await host.app.push_screen_wait(InvokeVideoForm(default, demo=services.demo))
    if request is None:
        return
    try:
        await launcher.check_urls(request.video_url, allow_private=launcher.allow_private_urls)
        video = request.video_url or await launcher.demo_video()
    except LaunchError as exc:
        console(host).report_problem(f"invoke: {exc}")
        return
    action = invoke_action(request.endpoint, video)

    async def send(_: Action[Any], reason: str) -> str:
        run = await launcher.invoke(request.endpoint, video)
        found = len(run.result.segments) if run.result is not None else 0
        took = (run.stopped_at - run.started_at).total_seconds() if run.stopped_at and run.started_at else 0.0
        return f"{run.status.value} in {took:.1f}s: {found} dog segment(s)"

    await confirm_and_run(
        host,
        [action],
        title=f"Invoke endpoint {request.endpoint}?",
        body=f"{action.confirm_text()}\nvideo {video}",
        confirm_label="Invoke",
        danger=False,
        send=send,
    )


async def undeploy_flow(host: Widget, launcher: Launcher, selected: LaunchRun | None) -> None:
    """Typed name -> DeleteEndpoint, DeleteEndpointConfig, DeleteModel (each one already gone is said)."""
    from hybridml.actions.deploy import undeploy_actions

    name = (
        selected.job_id
        if selected is not None and selected.target is LaunchTarget.SAGEMAKER_ENDPOINT
        else launcher.last_deployment or launcher.settings.deployment
    )
    services = console(host).services

    async def send(action: Action[Any], reason: str) -> str:
        try:
            await services.run(action)
        except NotFound:
            return "it was already gone"
        return "deleted"

    model, config, endpoint = deploy_names(name)
    results = await confirm_and_run(
        host,
        undeploy_actions(name),
        title=f"Delete deployment {name}",
        body=f"endpoint {endpoint}, endpoint config {config} and model {model}.\n\n"
        "Requests to this endpoint fail from now on, and it stops billing. This cannot be undone.",
        confirm_label="Delete",
        cancel_label="Keep it",
        require_typed=name,
        send=send,
        sequential=True,
    )
    if results and all(r.ok for r in results):
        host.notify(f"{name} deleted", title="deleted")


async def stop_flow(host: Widget, launcher: Launcher, run: LaunchRun) -> None:
    """Stop a run: a local process (killed), a Batch job (cancel / terminate) or a processing job."""
    services = console(host).services
    if run.status.is_final:
        host.notify(f"run {run.run_id} is {run.status.value}: nothing to stop", severity="warning")
        return
    if run.target.is_local:
        if launcher.stop_local(run.run_id):
            host.notify(f"run {run.run_id}: the local process was killed")
        return
    if run.target is LaunchTarget.SAGEMAKER_ENDPOINT:
        host.notify("an invocation cannot be stopped: it ends when the endpoint answers", severity="warning")
        return
    if run.target is LaunchTarget.SAGEMAKER_PROCESSING:
        action: Action[Any] = await processing_stop_action(services, run)
        await confirm_and_run(
            host, [action], title=f"Stop processing job {run.job_id}?", confirm_label="Stop it", cancel_label="Keep"
        )
        return
    job = await services.batch.job(run.job_id)
    if job is None:
        raise NotFound(f"Batch job {run.job_id} not found", service="batch")
    first = batch_stop_action(job, "stopped from hybridml :launches")

    async def send(_: Action[Any], reason: str) -> str:
        return await stop_job(services, job, reason, first=type(first)(job, reason))

    await confirm_and_run(
        host,
        [first],
        title=f"Stop Batch job {job.name}?",
        confirm_label="Stop it",
        cancel_label="Keep",
        reason="stopped from hybridml :launches",
        send=send,
    )

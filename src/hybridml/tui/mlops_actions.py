"""The mutating actions of the MLOps views, in one place: stop a tuning job, approve / reject a model version,
shift an endpoint's traffic weights, stop a notebook. Each: refused when read-only, a confirm showing before ->
after, one send (`send_mutation`: audited, never retried), a notification of the outcome, a refresh.

Every flow waits on dialogs, so it must run inside a worker. (Built on today's `send_mutation` + ConfirmScreen;
to be ported onto the shared actions layer when it lands.)"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.widget import Widget

from hybridml import clock
from hybridml.aws.errors import AwsError, NotFound, translate
from hybridml.domain.notebooks import STUDIO, Notebook
from hybridml.domain.registry import ApprovalRequest, ModelPackage
from hybridml.domain.sagemaker import Endpoint
from hybridml.domain.tuning import TuningJob
from hybridml.render.fmt import human_duration
from hybridml.render.registry import approval_text
from hybridml.render.traffic import weights_body
from hybridml.services import ReadOnlyRefused
from hybridml.tui.screens.confirm import ConfirmScreen

if TYPE_CHECKING:
    from hybridml.services import Services
    from hybridml.tui.views.endpoints import EndpointsView


def writable(node: Widget, services: Services, action: str) -> bool:
    """False (and says so) in read-only mode: no dialog opens for an action that would be refused."""
    try:
        services.check_writable(action)
    except ReadOnlyRefused as exc:
        node.notify(str(exc), title="read-only", severity="error")
        return False
    return True


def problem(node: Widget, exc: BaseException) -> None:
    """One place where an action's failure surfaces: the header and a notification (or just a notification)."""
    message = str(exc) if isinstance(exc, ReadOnlyRefused) else str(translate(exc))
    report = getattr(node.app, "report_problem", None)
    if callable(report):
        report(message)
    else:
        node.notify(message, severity="error")


async def stop_tuning(node: Widget, services: Services, job: TuningJob) -> bool:
    if job.status != "InProgress":
        node.notify(f"{job.name} is {job.status}: only an InProgress tuning job can be stopped", severity="warning")
        return False
    now = clock.utcnow()
    burn = f"${job.price_per_hour:,.2f}/h" if job.price_per_hour is not None else "an unknown rate"
    body = Text.assemble(
        (f"{job.name}\n\n", "bold"),
        f"status         {job.status}  →  Stopping  →  Stopped\n",
        f"training jobs  {job.completed} completed, {job.in_progress} running, {job.failed} failed\n",
        f"running for    {human_duration(job.duration_s(now))}; the {job.in_progress} running job(s) cost {burn}\n\n",
        ("StopHyperParameterTuningJob stops the tuning job and every training job it launched that is still "
         "running; their model artifacts and logs are kept. A stopped tuning job cannot be resumed.", "dim"),
    )  # fmt: skip
    confirmed = await node.app.push_screen_wait(
        ConfirmScreen(f"Stop tuning job {job.name}?", body, confirm_label="Stop")
    )
    if confirmed is None:
        return False
    try:
        await services.tuning.stop(services, job.name)
    except (AwsError, ReadOnlyRefused) as exc:
        problem(node, exc)
        return False
    node.notify(f"{job.name}: stop requested (Stopping)", title="tuning")
    return True


async def set_approval(node: Widget, services: Services, package: ModelPackage, approval: str) -> bool:
    request = ApprovalRequest(package, approval)
    problems = request.problems()
    if problems:
        node.notify("; ".join(problems), severity="warning")
        return False
    body = Text()
    body.append(f"{package.label}  ({package.description or 'no description'})\n\n", style="bold")
    body.append("approval  ")
    body.append_text(approval_text(package.approval))
    body.append("  →  ")
    body.append_text(approval_text(approval))
    body.append(
        "\n\nUpdateModelPackage sets ModelApprovalStatus; deployments that follow the registry (an EventBridge rule "
        "or a CI/CD pipeline on approval) may start from this change.",
        style="dim",
    )
    reject = approval == "Rejected"
    verb = "Reject" if reject else "Approve"
    confirmed = await node.app.push_screen_wait(
        ConfirmScreen(f"{verb} {package.label}?", body, confirm_label=verb, danger=reject, ask_reason=reject)
    )
    if confirmed is None:
        return False
    try:
        await services.registry.set_approval(services, ApprovalRequest(package, approval, confirmed.reason))
    except (AwsError, ReadOnlyRefused) as exc:
        problem(node, exc)
        return False
    node.notify(f"{package.label} is {approval}", title="model registry")
    return True


async def stop_notebook(node: Widget, services: Services, nb: Notebook) -> bool:
    if not nb.stoppable:
        node.notify(f"{nb.label} is {nb.status}: only an InService notebook can be stopped", severity="warning")
        return False
    now = clock.utcnow()
    spent = nb.cost_so_far(now)
    what = (
        f"DeleteApp stops the {nb.app_type} app of {nb.owner}; their home directory (EFS) is kept."
        if nb.kind == STUDIO
        else "StopNotebookInstance stops the instance; its ML storage volume is kept and it can be started again."
    )
    body = Text.assemble(
        (f"{nb.label}  ({nb.owner or 'notebook instance'})\n\n", "bold"),
        f"status   {nb.status}  →  {'Deleting  →  Deleted' if nb.kind == STUDIO else 'Stopping  →  Stopped'}\n",
        f"running  {human_duration(nb.running_s(now))} on {nb.instance_type}",
        f" (~${spent:,.2f} so far)\n\n" if spent is not None else "\n\n",
        ("Unsaved work in open kernels is lost. ", "yellow"),
        (what, "dim"),
    )
    confirmed = await node.app.push_screen_wait(ConfirmScreen(f"Stop {nb.label}?", body, confirm_label="Stop"))
    if confirmed is None:
        return False
    try:
        await services.notebooks.stop(services, nb)
    except NotFound:
        node.notify(f"{nb.label} no longer exists", severity="warning")
        return True
    except (AwsError, ReadOnlyRefused) as exc:
        problem(node, exc)
        return False
    node.notify(f"{nb.label}: stop requested", title="notebooks")
    return True


async def shift_weights(view: EndpointsView, endpoint: Endpoint) -> None:
    """`w`: the weights form, before -> after, send, then follow the endpoint back to InService."""
    from hybridml.aws.traffic import shift_weights as send
    from hybridml.tui.screens.weights_form import WeightsScreen

    services = view.services
    try:
        endpoint = await services.sagemaker.endpoint(endpoint.name)  # decide on fresh weights
    except AwsError as exc:
        problem(view, exc)
        return
    if len(endpoint.variants) < 2:
        view.notify(f"{endpoint.name} has one variant: there is no traffic to shift", severity="warning")
        return
    request = await view.app.push_screen_wait(WeightsScreen(endpoint))
    if request is None:
        return
    confirmed = await view.app.push_screen_wait(
        ConfirmScreen(f"Shift traffic of {endpoint.name}?", weights_body(endpoint, request), confirm_label="Shift",
                      danger=False)
    )  # fmt: skip
    if confirmed is None:
        return
    label = f"weights of {endpoint.name}"
    view.progress(f"⟳ {label}: sending …")
    started = time.monotonic()
    try:
        await send(services, request)
    except (AwsError, ReadOnlyRefused) as exc:
        view.progress(Text(f"✗ {label}: {exc}", style="bold red"))
        problem(view, exc)
        return
    view.reload()
    settings = services.settings.sagemaker

    def on_status(current: Endpoint, elapsed: float) -> None:
        view.progress(f"⟳ {label}: {current.status}  {int(elapsed)}s")

    try:
        done = await services.sagemaker.wait_in_service(
            endpoint.name, timeout_s=settings.endpoint_wait_s, poll_s=settings.endpoint_poll_s, on_status=on_status
        )
    except AwsError as exc:
        view.progress(Text(f"✗ {label}: {exc}", style="bold red"))
        problem(view, exc)
        return
    split = ", ".join(f"{v.name} {v.current_weight:g}" for v in done.variants if v.current_weight is not None)
    view.progress(Text(f"✓ {endpoint.name} InService: {split} ({time.monotonic() - started:.0f}s)", style="green"))
    view.notify(f"{endpoint.name}: traffic now {split}", title="weights")
    view.reload()


def flow(node: Widget, coro: Any, group: str) -> None:
    """Run an action flow in a worker (one per group at a time)."""
    node.run_worker(coro, group=group, exclusive=True, exit_on_error=False)

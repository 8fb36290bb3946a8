"""The Batch action flows (each runs in a worker started by `flows.act`): submit / clone / resubmit,
cancel / terminate, compute environment scale and state, queue state and priority."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.text import Text

from hybridml import clock
from hybridml.actions.batch import (
    CancelJob,
    ScaleComputeEnvironment,
    SetComputeEnvironmentState,
    SetQueuePriority,
    SetQueueState,
    SubmitJob,
    TerminateJob,
    stop_action,
    stop_job,
)
from hybridml.aws.batch_actions import ScaleChange, SubmittedJob, stop_verb
from hybridml.aws.errors import AwsError, InvalidRequest
from hybridml.domain import submit as submit_domain
from hybridml.domain.batch import ComputeEnvironment, Job, JobQueue, JobStatus
from hybridml.domain.submit import SubmitRequest, clone_request, resolve_definition
from hybridml.render.fmt import status_text
from hybridml.render.submit import request_summary
from hybridml.tui.console import console
from hybridml.tui.screens.flows import confirm_and_run
from hybridml.tui.screens.progress import ActionResult
from hybridml.tui.screens.values_form import Values, ValuesFormScreen

if TYPE_CHECKING:
    from textual.widget import Widget

    from hybridml.actions.base import Action
    from hybridml.services import Services

MAX_LISTED = 12
TYPE_COUNT_FROM = 10  # bulk actions on this many jobs ask for the count to be typed


def default_job_name(definition: str) -> str:
    return submit_domain.default_job_name(definition, clock.utcnow())


# -- submit / clone / resubmit -----------------------------------------------------------------------
async def submit_flow(host: Widget, initial: SubmitRequest | None = None, *, title: str = "New job") -> None:
    """The submit form (it confirms and sends itself); a submitted job is then selected in :jobs."""
    from hybridml.tui.screens.submit_form import SubmitScreen

    app = console(host)
    submitted: SubmittedJob | None = await host.app.push_screen_wait(SubmitScreen(app.services, initial, title=title))
    if submitted is not None:
        app.show_job(submitted.job_id)


async def clone_of(services: Services, job: Job) -> SubmitRequest:
    """The request that reruns `job`: its full description and its definition, read from Batch."""
    described = await services.batch.job(job.job_id) or job
    definitions = await services.batch.job_definitions()
    definition = resolve_definition(described.job_definition, definitions) or resolve_definition(
        described.job_definition_name, definitions
    )
    return clone_request(described, definition)


async def clone_flow(host: Widget, job: Job) -> None:
    request = await clone_of(console(host).services, job)
    await submit_flow(host, request, title=f"Clone of {job.name} ({job.job_id})")


async def resubmit_flow(host: Widget, job: Job) -> None:
    """`R`: resubmit a FAILED job as it was, after one confirmation."""
    if job.status is not JobStatus.FAILED:
        host.notify("R resubmits a FAILED job; use c to clone any job", severity="warning")
        return
    request = await clone_of(console(host).services, job)
    body = request_summary(request, None, None)
    body.append(f"\n(the previous run {job.job_id} is {job.status.value}; it is left as it is)", style="dim")
    results = await confirm_and_run(
        host, [SubmitJob(request)], title=f"Resubmit {job.name}?", body=body, confirm_label="Resubmit", danger=False
    )
    ok = [r for r in results or [] if r.ok]
    if ok:
        console(host).show_job(ok[0].message.removeprefix("submitted as "))


# -- cancel / terminate --------------------------------------------------------------------------------
def stop_plan_text(jobs: Sequence[Job]) -> Text:
    out = Text()
    plan = [(job, stop_verb(job.status)) for job in jobs]
    cancels = sum(1 for _, verb in plan if verb == "cancel")
    terminates = sum(1 for _, verb in plan if verb == "terminate")
    skipped = [job for job, verb in plan if verb is None]
    out.append(f"cancel {cancels} (not started) · terminate {terminates} (running)", style="bold")
    if skipped:
        out.append(f" · skip {len(skipped)} (already finished)", style="dim")
    out.append("\n\n")
    for job, verb in plan[:MAX_LISTED]:
        out.append(f"{verb or 'skip':<10}", style="bold red" if verb else "dim")
        out.append(f"{job.name[:24]:<25}")
        out.append_text(status_text(job.status.value))
        out.append(" → FAILED" if verb else " (left as is)", style="" if verb else "dim")
        out.append(f"  {job.job_id[:8]}\n", style="dim")
    if len(plan) > MAX_LISTED:
        out.append(f"… and {len(plan) - MAX_LISTED} more\n", style="dim")
    out.append(
        "Each job is read again just before its call: one that started meanwhile is terminated. Running "
        "containers get SIGTERM, then SIGKILL after 30 s; the job ends FAILED with the reason."
    )
    return out


def stop_labels(actions: Sequence[Action[str]]) -> tuple[str, str]:
    """The buttons: what will be done to how many jobs, and keeping them."""
    verbs = {action.operation for action in actions}
    count = len(actions)
    noun = "job" if count == 1 else "jobs"
    verb = "Terminate" if verbs == {"TerminateJob"} else "Cancel" if verbs == {"CancelJob"} else "Cancel/terminate"
    return f"{verb} {count} {noun}", "Keep it" if count == 1 else "Keep them"


async def stop_flow(host: Widget, jobs: Sequence[Job]) -> list[ActionResult] | None:
    """`ctrl+k`: cancel what has not started and terminate what runs, with one confirmation and a reason."""
    actionable = [job for job in jobs if stop_verb(job.status) is not None]
    if not actionable:
        host.notify("nothing to stop: the selected jobs have already finished", severity="warning")
        return None
    services = console(host).services
    reason = f"stopped by {services.audit_log.who} via hybridml"
    actions = [stop_action(job, reason) for job in actionable]
    confirm_label, keep_label = stop_labels(actions)

    async def send(action: Action[Any], reason: str) -> str:
        assert isinstance(action, CancelJob | TerminateJob)
        return await stop_job(services, action.job, reason)

    count = len(actions)
    return await confirm_and_run(
        host,
        actions,
        title=f"Stop {count} job{'s' if count != 1 else ''}?",
        body=stop_plan_text(jobs),
        confirm_label=confirm_label,
        cancel_label=keep_label,
        reason=reason,
        require_typed=str(count) if count >= TYPE_COUNT_FROM else None,
        send=send,
        auto_close=False,
    )


# -- compute environments and queues -------------------------------------------------------------------
async def scale_ce_flow(host: Widget, ce: ComputeEnvironment) -> bool:
    """`s` on a CE: min / max vCPUs -> before/after -> confirm -> UpdateComputeEnvironment."""
    r = ce.resources
    if r is None:
        raise InvalidRequest(f"{ce.name} is unmanaged: it has no vCPU bounds to scale")

    def check(values: Values) -> str | None:
        try:
            ScaleComputeEnvironment(ce, ScaleChange(**values)).validate()
        except AwsError as exc:
            return exc.message
        return None

    fields = [("max_vcpus", "max vCPUs", r.max_vcpus)]
    if not r.type.startswith("FARGATE"):
        fields.insert(0, ("min_vcpus", "min vCPUs", r.min_vcpus))
    note = f"desired vCPUs {r.desired_vcpus} is Batch's own: it follows demand between min and max"
    form = ValuesFormScreen(f"Scale {ce.name} ({r.type})", fields, check, note=note)
    values: Values | None = await host.app.push_screen_wait(form)
    if values is None:
        return False
    action = ScaleComputeEnvironment(ce, ScaleChange(**values))
    results = await confirm_and_run(host, [action], title=f"Scale {ce.name}?", confirm_label="Scale", danger=False)
    return bool(results)


async def ce_state_flow(host: Widget, ce: ComputeEnvironment) -> bool:
    enable = ce.state != "ENABLED"
    verb = "Enable" if enable else "Disable"
    action = SetComputeEnvironmentState(ce, enable)
    results = await confirm_and_run(host, [action], title=f"{verb} {ce.name}?", confirm_label=verb, danger=not enable)
    return bool(results)


async def queue_state_flow(host: Widget, queue: JobQueue) -> bool:
    enable = queue.state != "ENABLED"
    verb = "Enable" if enable else "Disable"
    action = SetQueueState(queue, enable)
    title = f"{verb} queue {queue.name}?"
    results = await confirm_and_run(host, [action], title=title, confirm_label=verb, danger=not enable)
    return bool(results)


async def queue_priority_flow(host: Widget, queue: JobQueue) -> bool:
    def check(values: Values) -> str | None:
        value = values.get("priority")
        try:
            SetQueuePriority(queue, queue.priority if value is None else value).validate()
        except AwsError as exc:
            return exc.message
        return None

    form = ValuesFormScreen(f"Priority of {queue.name}", [("priority", "priority", queue.priority)], check)
    values: Values | None = await host.app.push_screen_wait(form)
    new = values.get("priority") if values else None
    if new is None:
        return False
    action = SetQueuePriority(queue, new)
    title = f"Priority of {queue.name}?"
    results = await confirm_and_run(host, [action], title=title, confirm_label="Apply", danger=False)
    return bool(results)

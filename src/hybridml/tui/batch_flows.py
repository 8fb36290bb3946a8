"""Keyboard flows for Batch mutations: open the submit form, confirm and run cancel/terminate, scale and
enable/disable CEs, queue state and priority. Views call these; every path confirms before anything is sent,
is refused up front in read-only mode, and reports per-target results in a ProgressScreen."""

from __future__ import annotations

import getpass
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text

from hybridml.aws.batch_actions import ScaleChange, SubmittedJob, scale_kwargs, stop_verb
from hybridml.aws.errors import AwsError
from hybridml.domain import submit as submit_domain
from hybridml.domain.batch import ComputeEnvironment, Job, JobQueue
from hybridml.domain.submit import SubmitRequest, clone_request, resolve_definition
from hybridml.render.fmt import status_text
from hybridml.render.submit import request_summary
from hybridml.tui.screens.confirm import Confirmation, ConfirmScreen
from hybridml.tui.screens.progress import ActionResult, ActionTask, ProgressScreen
from hybridml.tui.screens.values_form import Values, ValuesFormScreen

if TYPE_CHECKING:
    from textual.app import App

    from hybridml.services import Services

MAX_LISTED = 12
TYPE_COUNT_FROM = 10  # bulk actions on this many jobs ask for the count to be typed


def _services(app: App[Any]) -> Services:
    services: Services = app.services  # type: ignore[attr-defined]
    return services


def refused_read_only(app: App[Any], what: str) -> bool:
    """True (and says so) when running with --read-only: nothing is asked, nothing is sent."""
    if _services(app).read_only:
        app.notify(
            f"read-only mode: {what} is disabled (start without --read-only)", title="read-only", severity="error"
        )
        return True
    return False


def default_job_name(definition: str) -> str:
    return submit_domain.default_job_name(definition, datetime.now(UTC))


# -- submit / clone / resubmit -----------------------------------------------------------------------
def open_submit(app: App[Any], initial: SubmitRequest | None = None, *, title: str = "New job") -> None:
    from hybridml.tui.screens.submit_form import SubmitScreen

    if refused_read_only(app, "submit"):
        return

    def done(result: SubmittedJob | None) -> None:
        if result is not None:
            show_submitted(app, result)

    app.push_screen(SubmitScreen(_services(app), initial, title=title), done)


def show_submitted(app: App[Any], submitted: SubmittedJob) -> None:
    """Open the jobs view with the new job selected."""
    _services(app).batch.invalidate_jobs()
    show_view: Callable[[str], None] = app.show_view  # type: ignore[attr-defined]
    show_view("jobs")
    views: dict[str, Any] = app.views  # type: ignore[attr-defined]
    views["jobs"].select_job(submitted.job_id)


async def clone_of(services: Services, job: Job) -> SubmitRequest:
    """The request that reruns `job`: its full description and its definition, read from Batch."""
    described = await services.batch.job(job.job_id) or job
    definitions = await services.batch.job_definitions()
    definition = resolve_definition(described.job_definition, definitions) or resolve_definition(
        described.job_definition_name, definitions
    )
    return clone_request(described, definition)


def confirm_resubmit(app: App[Any], job: Job, request: SubmitRequest) -> None:
    """`R`: resubmit a job as it was, after one confirmation."""
    services = _services(app)

    def confirmed(answer: Confirmation | None) -> None:
        if answer is None:
            return

        async def send() -> str:
            submitted = await services.batch_actions.submit(request)
            app.call_later(show_submitted, app, submitted)
            return f"submitted as {submitted.job_id}"

        app.push_screen(ProgressScreen("Resubmit", [ActionTask(job.job_id, f"resubmit {job.name}", send)]))

    body = request_summary(request, None, None)
    body.append(f"\n(the previous run {job.job_id} is {job.status.value}; it is left as it is)", style="dim")
    app.push_screen(ConfirmScreen(f"Resubmit {job.name}?", body, confirm_label="Resubmit", danger=False), confirmed)


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
    out.append("Running containers get SIGTERM, then SIGKILL after 30 s; the job ends FAILED with the reason.")
    return out


def stop_jobs(app: App[Any], jobs: Sequence[Job], on_done: Callable[[list[ActionResult]], None]) -> None:
    """`ctrl+k`: cancel what has not started and terminate what runs, with one confirmation and a reason."""
    if refused_read_only(app, "cancel/terminate"):
        return
    services = _services(app)
    actionable = [job for job in jobs if stop_verb(job.status) is not None]
    if not actionable:
        app.notify("nothing to stop: the selected jobs have already finished", severity="warning")
        return
    count = len(actionable)

    def confirmed(answer: Confirmation | None) -> None:
        if answer is None:
            app.notify("nothing was sent", timeout=3)
            return
        reason = answer.reason

        def task(job: Job) -> ActionTask:
            async def run() -> str:
                verb = await services.batch_actions.stop(job, reason)
                return "cancelled" if verb == "cancel" else "terminated"

            return ActionTask(job.job_id, job.name, run)

        def finished(results: list[ActionResult] | None) -> None:
            services.batch.invalidate_jobs()
            on_done(results or [])

        app.push_screen(ProgressScreen(f"Stopping {count} job(s)", [task(j) for j in actionable]), finished)

    app.push_screen(
        ConfirmScreen(
            f"Stop {count} job{'s' if count != 1 else ''}?",
            stop_plan_text(jobs),
            confirm_label="Cancel/terminate",
            ask_reason=True,
            default_reason=f"stopped by {_user()} via hybridml",
            require_typed=str(count) if count >= TYPE_COUNT_FROM else None,
        ),
        confirmed,
    )


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "user"


# -- compute environments and queues -------------------------------------------------------------------
def _run_one(
    app: App[Any], title: str, key: str, label: str, call: Callable[[], Any], reload: Callable[[], None]
) -> None:
    async def run() -> str:
        await call()
        return "done"

    app.push_screen(ProgressScreen(title, [ActionTask(key, label, run)]), lambda _: reload())


def _before_after(rows: Sequence[tuple[str, object, object]], note: str = "") -> Text:
    out = Text()
    for label, before, after in rows:
        changed = before != after
        out.append(f"{label:<16}{before!s:>10}")
        out.append(f"  →  {after}\n" if changed else "  (unchanged)\n", style="bold yellow" if changed else "dim")
    if note:
        out.append("\n" + note, style="dim")
    return out


def scale_compute_environment(app: App[Any], ce: ComputeEnvironment, reload: Callable[[], None]) -> None:
    """`s` on a CE: min / desired / max vCPUs -> before/after -> confirm -> UpdateComputeEnvironment."""
    if refused_read_only(app, "scale"):
        return
    r = ce.resources
    if r is None:
        app.notify(f"{ce.name} is unmanaged: it has no vCPU bounds to scale", severity="warning")
        return
    services = _services(app)

    def check(values: Values) -> str | None:
        try:
            scale_kwargs(ce, ScaleChange(**values))
        except AwsError as exc:
            return exc.message
        return None

    def entered(values: Values | None) -> None:
        if values is None:
            return
        change = ScaleChange(**values)
        rows = [(label, before, before if values.get(key) is None else values[key]) for key, label, before in fields]

        def confirmed(answer: Confirmation | None) -> None:
            if answer is not None:
                call = lambda: services.batch_actions.scale_compute_environment(ce, change)  # noqa: E731
                _run_one(app, f"Scale {ce.name}", ce.name, f"scale {ce.name}", call, reload)

        body = _before_after(rows, "Batch launches or ends instances to follow the new bounds.")
        app.push_screen(ConfirmScreen(f"Scale {ce.name}?", body, confirm_label="Scale", danger=False), confirmed)

    fields = [
        ("min_vcpus", "min vCPUs", r.min_vcpus),
        ("desired_vcpus", "desired vCPUs", r.desired_vcpus),
        ("max_vcpus", "max vCPUs", r.max_vcpus),
    ]
    app.push_screen(ValuesFormScreen(f"Scale {ce.name} ({r.type})", fields, check), entered)


def toggle_compute_environment(app: App[Any], ce: ComputeEnvironment, reload: Callable[[], None]) -> None:
    if refused_read_only(app, "enable/disable"):
        return
    services = _services(app)
    enable = ce.state != "ENABLED"
    after = "ENABLED" if enable else "DISABLED"
    note = (
        "Batch places jobs on it again."
        if enable
        else "No new jobs are placed on it; running jobs finish; instances scale down to minvCpus."
    )

    def confirmed(answer: Confirmation | None) -> None:
        if answer is not None:
            call = lambda: services.batch_actions.set_compute_environment_state(ce, enable)  # noqa: E731
            _run_one(app, f"{after[:-1].title()}e {ce.name}", ce.name, f"{ce.name} → {after}", call, reload)

    body = _before_after([("state", ce.state, after)], note)
    verb = "Enable" if enable else "Disable"
    app.push_screen(ConfirmScreen(f"{verb} {ce.name}?", body, confirm_label=verb, danger=not enable), confirmed)


def toggle_queue(app: App[Any], queue: JobQueue, reload: Callable[[], None]) -> None:
    if refused_read_only(app, "enable/disable"):
        return
    services = _services(app)
    enable = queue.state != "ENABLED"
    after = "ENABLED" if enable else "DISABLED"
    note = "It accepts new jobs again." if enable else "It refuses new jobs; jobs already in it still run."

    def confirmed(answer: Confirmation | None) -> None:
        if answer is not None:
            call = lambda: services.batch_actions.set_queue_state(queue, enable)  # noqa: E731
            _run_one(app, f"Queue {queue.name}", queue.name, f"{queue.name} → {after}", call, reload)

    body = _before_after([("state", queue.state, after)], note)
    verb = "Enable" if enable else "Disable"
    app.push_screen(
        ConfirmScreen(f"{verb} queue {queue.name}?", body, confirm_label=verb, danger=not enable), confirmed
    )


def set_queue_priority(app: App[Any], queue: JobQueue, reload: Callable[[], None]) -> None:
    if refused_read_only(app, "priority"):
        return
    services = _services(app)

    def check(values: Values) -> str | None:
        value = values.get("priority")
        return None if value is None or 0 <= value <= 1000 else "priority must be 0..1000"

    def entered(values: Values | None) -> None:
        new = values.get("priority") if values else None
        if new is None:
            return

        def confirmed(answer: Confirmation | None) -> None:
            if answer is not None:
                call = lambda: services.batch_actions.set_queue_priority(queue, new)  # noqa: E731
                _run_one(app, f"Queue {queue.name}", queue.name, f"priority {queue.priority} → {new}", call, reload)

        body = _before_after([("priority", queue.priority, new)], "Higher priority queues are scheduled first.")
        app.push_screen(
            ConfirmScreen(f"Priority of {queue.name}?", body, confirm_label="Apply", danger=False), confirmed
        )

    app.push_screen(
        ValuesFormScreen(f"Priority of {queue.name}", [("priority", "priority", queue.priority)], check), entered
    )

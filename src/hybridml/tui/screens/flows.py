"""One flow for every action: (form) -> confirm, showing exactly what will be sent -> progress, in one worker.

An action key runs `act(host, action_id)`: read-only refuses it up front (the one wording, from `Services`), keys
typed after it are held until its first dialog is showing (and then never reach that dialog), and the host's
`act_<id>` coroutine runs as a worker. The coroutine builds the action(s) and calls `confirm_and_run`.
Failures from AWS end up in one place (`Console.report_failure`); anything else is a bug, reported by the app's
worker-error handler with its traceback in the debug log.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from rich.text import Text

from hybridml.actions import SPECS
from hybridml.actions.base import Action, ReadOnlyRefused
from hybridml.audit import AuditError
from hybridml.aws.batch_actions import SubmittedJob
from hybridml.aws.errors import AwsError
from hybridml.tui.console import console
from hybridml.tui.screens.confirm import Confirmation, ConfirmScreen
from hybridml.tui.screens.progress import ActionResult, ActionTask, ProgressScreen

if TYPE_CHECKING:
    from textual.widget import Widget

MAX_SHOWN_CALLS = 3
Send = Callable[[Action[Any], str], Awaitable[str]]  # (action, reason) -> what happened


def method_name(action_id: str) -> str:
    """`batch.ce.scale` -> `act_batch_ce_scale`: the host's coroutine for the action."""
    return "act_" + action_id.replace(".", "_").replace("-", "_")


def act(host: Widget, action_id: str) -> None:
    """What an action's key does on `host` (a view or a screen)."""
    spec = SPECS[action_id]
    try:
        console(host).services.check_writable(spec)
    except ReadOnlyRefused as exc:
        host.notify(str(exc), title="read-only", severity="error")
        return
    flow: Callable[[], Awaitable[None]] | None = getattr(host, method_name(action_id), None)
    if flow is None:
        host.notify(f"{spec.description}: not available here", severity="warning")
        return
    start_flow(host, action_id, flow)


def start_flow(host: Widget, name: str, flow: Callable[[], Awaitable[None]]) -> None:
    """Run `flow` as an app worker (it outlives the screen that started it); hold keys until it shows a dialog."""
    app = console(host)
    app.key_gate.hold("flow")

    async def run() -> None:
        try:
            await flow()
        except (AwsError, ReadOnlyRefused, AuditError) as exc:
            app.report_failure(exc, name)
        finally:
            app.key_gate.release("flow")

    host.app.run_worker(run(), name=f"flow {name}", group=f"flow:{name}", exit_on_error=False)


async def default_send(host: Widget, action: Action[Any]) -> str:
    outcome = await console(host).services.run(action)
    if isinstance(outcome, SubmittedJob):
        return f"submitted as {outcome.job_id}"
    return "done"


def calls_text(actions: Sequence[Action[Any]]) -> str:
    shown = [action.call_text() for action in actions[:MAX_SHOWN_CALLS]]
    if len(actions) > MAX_SHOWN_CALLS:
        shown.append(f"… and {len(actions) - MAX_SHOWN_CALLS} more like it")
    return "will send:\n" + "\n".join(shown)


async def confirm_and_run(
    host: Widget,
    actions: Sequence[Action[Any]],
    *,
    title: str,
    confirm_label: str,
    cancel_label: str = "Cancel",
    body: str | Text | None = None,
    danger: bool = True,
    reason: str | None = None,
    require_typed: str | None = None,
    send: Send | None = None,
    sequential: bool = False,
    auto_close: bool = True,
) -> list[ActionResult] | None:
    """Validate, confirm (what will happen and the exact calls), then send in a progress dialog. None when
    nothing was sent (cancelled); else each action's result. `reason`: ask for one (prefilled), passed to `send`.
    """
    app = console(host)
    for action in actions:
        app.services.check_writable(action.spec)
        action.validate()
    landed = next((when for a in actions if (when := app.services.possibly_landed(a))), None)
    warning = ""
    if landed:
        title = "The last one may have landed: check :jobs first?"
        warning = f"an identical request sent {landed} has an unknown outcome: it may have been carried out"
        confirm_label, cancel_label = "Send it again", "Check first"
    answer: Confirmation | None = await host.app.push_screen_wait(
        ConfirmScreen(
            title,
            body if body is not None else "\n\n".join(a.confirm_text() for a in actions),
            confirm_label=confirm_label,
            cancel_label=cancel_label,
            ask_reason=reason is not None,
            default_reason=reason or "",
            require_typed=require_typed,
            danger=danger,
            request=calls_text(actions),
            warning=warning,
        )
    )
    if answer is None:
        host.notify("nothing was sent", timeout=3)
        return None

    unique = len({a.target for a in actions}) == len(actions)

    def task(index: int, action: Action[Any]) -> ActionTask:
        async def run() -> str:
            if send is not None:
                return await send(action, answer.reason)
            return await default_send(host, action)

        return ActionTask(action.target if unique else f"{index}", action.subject(), run)

    progress = ProgressScreen(
        title.rstrip("?"), [task(i, a) for i, a in enumerate(actions)], sequential=sequential, auto_close=auto_close
    )
    results: list[ActionResult] = await host.app.push_screen_wait(progress)
    failed = [r for r in results if not r.ok]
    if failed and auto_close:
        app.report_problem(f"{len(failed)} of {len(results)} not done: {failed[0].message}")
    return results

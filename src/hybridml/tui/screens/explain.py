"""`t` — why is this workload stuck? Findings with the evidence read, the fix, and `a` to apply it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Static

from hybridml import clock
from hybridml.actions.remedies import remedy_action
from hybridml.aws.errors import AwsError
from hybridml.domain.batch import ComputeEnvironment, Job, JobQueue
from hybridml.domain.launch import LaunchRun, LaunchTarget
from hybridml.domain.notebooks import Notebook
from hybridml.domain.sagemaker import Endpoint, TrainingJob
from hybridml.domain.triage import Finding, FindingAction, ResourceKind, Workload
from hybridml.domain.tuning import TuningJob
from hybridml.render.safe import safe_text
from hybridml.render.triage import explanation
from hybridml.snapshot import gather_context
from hybridml.triage.engine import explain
from hybridml.tui import keys
from hybridml.tui.console import console
from hybridml.tui.errors import ReportsWorkerErrors
from hybridml.tui.screens import flows
from hybridml.tui.widgets.plain import PlainStatic

if TYPE_CHECKING:
    from hybridml.services import Services


def explain_target(item: Any) -> tuple[str, str, str] | None:
    """(kind, id, name) of anything `t` can explain, or None. A queue or CE lists the findings it causes."""
    if isinstance(item, Job):
        return ResourceKind.JOB, item.job_id, item.name
    if isinstance(item, Endpoint):
        return ResourceKind.ENDPOINT, item.name, item.name
    if isinstance(item, TrainingJob):
        return ResourceKind.TRAINING_JOB, item.name, item.name
    if isinstance(item, TuningJob):
        return ResourceKind.TUNING_JOB, item.name, item.name
    if isinstance(item, Notebook):
        return ResourceKind.NOTEBOOK, item.key, item.label
    if isinstance(item, Workload):
        return item.kind, item.ident, item.name
    if isinstance(item, LaunchRun) and item.job_id and item.target is LaunchTarget.BATCH:  # a stuck one says why
        return ResourceKind.JOB, item.job_id, f"yolo-{item.run_id}"
    if isinstance(item, LaunchRun) and item.job_id and item.target is LaunchTarget.SAGEMAKER_ENDPOINT:
        return ResourceKind.ENDPOINT, item.job_id, item.job_id
    if isinstance(item, Finding):
        return item.resource_kind, item.resource_id, item.resource_name
    if isinstance(item, JobQueue):
        return ResourceKind.QUEUE, item.name, item.name
    if isinstance(item, ComputeEnvironment):
        return ResourceKind.COMPUTE_ENVIRONMENT, item.name, item.name
    return None


async def apply_fix(host: Widget, fix: FindingAction) -> bool:
    """The fix as the action it is (the same checks, confirm and audit name as its view's key), confirmed
    with the finding's before/after. True when it was sent and succeeded."""
    action = await remedy_action(console(host).services, fix)
    body = Text()
    body.append(f"{fix.label}\n\n", style="bold")
    if fix.before or fix.after:
        body.append("before: ", style="dim")
        body.append(f"{fix.before}\n")
        body.append("after:  ", style="dim")
        body.append(f"{fix.after}\n\n", style="bold green")
    body.append(action.confirm_text())
    results = await flows.confirm_and_run(
        host,
        [action],
        title=f"Apply fix: {fix.label}",
        body=body,
        confirm_label="Apply",
        danger=fix.kind == "cancel_job",
    )
    if results and all(r.ok for r in results):
        host.notify(f"done: {fix.label}", title="fix applied")
        return True
    return False


class ExplainScreen(ReportsWorkerErrors, Screen[None]):
    BINDINGS: ClassVar[list[Binding]] = keys.bindings("explain")  # type: ignore[assignment]

    def __init__(self, services: Services, kind: str, ident: str, name: str) -> None:
        super().__init__()
        self.services = services
        self.kind, self.ident, self.name_text = kind, ident, name
        self.findings: list[Finding] = []
        self.selected = -1
        self.loaded = False
        self.read_at = clock.utcnow()

    def compose(self) -> ComposeResult:
        yield PlainStatic(f"why: {self.kind} {self.name_text}", classes="view-title", id="explain-title")
        with VerticalScroll(id="explain-scroll"):
            yield PlainStatic(Text("gathering Batch, SageMaker and quota state…", style="dim"), id="explain-body")
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()

    @work(exclusive=True, group="explain", exit_on_error=False)
    async def action_reload(self) -> None:
        try:
            extra = (self.ident,) if self.kind == ResourceKind.JOB else ()
            ctx = await gather_context(self.services, extra_jobs=extra)
        except AwsError as exc:
            self.query_one("#explain-body", Static).update(Text(f"cannot gather state: {exc}", style="red"))
            return
        self.read_at = clock.utcnow()
        self.findings = explain(ctx, self.kind, self.ident, self.read_at)
        actionable = [i for i, f in enumerate(self.findings) if f.action is not None]
        if self.selected not in actionable:
            self.selected = actionable[0] if actionable else -1
        self.loaded = True
        self._paint(ctx.unreadable)

    def _paint(self, unreadable: tuple[tuple[str, str], ...] = ()) -> None:
        body = explanation(self.findings, self.selected)
        for part, why in unreadable:
            body.append_text(safe_text(f"(not read: {part} — {why})", "dim"))
            body.append("\n")
        self.query_one("#explain-body", Static).update(body)
        count = len(self.findings)
        stamp = self.read_at.strftime("%H:%M:%S")
        self.query_one("#explain-title", Static).update(
            f"why: {self.kind} {self.name_text}  [{count} finding(s)]  read {stamp} UTC (r to read again)"
        )

    def _move(self, step: int) -> None:
        actionable = [i for i, f in enumerate(self.findings) if f.action is not None]
        if not actionable:
            return
        pos = actionable.index(self.selected) if self.selected in actionable else -1
        self.selected = actionable[(pos + step) % len(actionable)]
        self._paint()

    def action_next_finding(self) -> None:
        self._move(1)

    def action_previous_finding(self) -> None:
        self._move(-1)

    def action_act(self, action_id: str) -> None:
        flows.act(self, action_id)

    async def act_triage_apply(self) -> None:
        if not (0 <= self.selected < len(self.findings)) or self.findings[self.selected].action is None:
            self.notify("no fix the app can apply here", severity="warning")
            return
        fix = self.findings[self.selected].action
        assert fix is not None
        if await apply_fix(self, fix):
            self.action_reload()

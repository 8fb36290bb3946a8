"""`n` / `c` — the submit form: queue, definition, `Ref::` parameters, overrides, live fit check.

Nothing is sent until the person confirms a summary of exactly what will be sent. A failed submit keeps
every typed value and says why. Dismisses with the `SubmittedJob`, or None when cancelled.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.suggester import Suggester
from textual.widget import Widget
from textual.widgets import Button, Footer, Input, Select, Static

from hybridml.actions.base import Action, ReadOnlyRefused
from hybridml.actions.batch import SUBMIT, SubmitJob
from hybridml.audit import AuditError
from hybridml.aws.batch_actions import SubmittedJob
from hybridml.aws.errors import AwsError
from hybridml.domain.batch import ComputeEnvironment, JobDefinition, JobQueue
from hybridml.domain.submit import (
    FORM_FIELDS,
    SubmitRequest,
    apply_template,
    form_values,
    request_from_form,
    resolve_definition,
    shaped_for,
)
from hybridml.render.safe import safe_text
from hybridml.render.submit import (
    definition_hint,
    dependency_hint,
    fit_text,
    problems_text,
    queue_hint,
    request_summary,
)
from hybridml.triage.fit import FitResult, fit_check
from hybridml.tui import keys
from hybridml.tui.errors import ReportsWorkerErrors
from hybridml.tui.focus import keep_focused_in_view
from hybridml.tui.keygate import KeyGuard
from hybridml.tui.screens.flows import confirm_and_run, start_flow
from hybridml.tui.widgets.plain import PlainInput, PlainLabel, PlainStatic

if TYPE_CHECKING:
    from hybridml.services import Services

PLACEHOLDERS: dict[str, str] = {
    "queue": "job queue name",
    "job_definition": "name, name:revision or ARN",
    "job_name": "letters, digits, - and _ (max 128)",
    "vcpus": "as the definition (e.g. 4)",
    "memory_mib": "as the definition (e.g. 16000)",
    "gpus": "as the definition",
    "command": "as the definition; shell-style quoting, never run locally",
    "environment": "KEY=value KEY2='with spaces'",
    "timeout_s": "seconds per attempt (min 60)",
    "retry_attempts": "1-10",
    "array_size": "2-10000 for an array job",
    "depends_on": "job ids, comma separated",
}


class _Choices(Suggester):
    """Suggests the first known name that starts with what was typed (→ accepts)."""

    def __init__(self, source: Callable[[], list[str]]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.source = source

    async def get_suggestion(self, value: str) -> str | None:
        typed = value.casefold()
        return next((name for name in self.source() if name.casefold().startswith(typed) and typed), None)


def _row(label: str, widget: Widget) -> Horizontal:
    return Horizontal(PlainLabel(label, classes="form-label"), widget, classes="form-row")


class SubmitScreen(KeyGuard, ReportsWorkerErrors, Screen[SubmittedJob | None]):
    CSS_PATH = "../batch_actions.tcss"
    BINDINGS: ClassVar[list[Binding]] = keys.bindings("submit")  # type: ignore[assignment]

    def __init__(self, services: Services, initial: SubmitRequest | None = None, *, title: str = "New job") -> None:
        super().__init__()
        self.services = services
        self.initial = initial or SubmitRequest("", "", "")
        self.title_text = title
        self.queues: list[JobQueue] = []
        self.ces: list[ComputeEnvironment] = []
        self.definitions: list[JobDefinition] = []
        self.catalog_loaded = False
        self.param_values: dict[str, str] = dict(self.initial.parameters)
        self.param_keys: list[str] = []
        self.fit: FitResult | None = None
        self.request: SubmitRequest | None = None
        self.problems: list[str] = []
        self.tried = False
        self.send_error = ""
        self.sending = False

    # -- layout -----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        values = form_values(self.initial)
        with VerticalScroll(id="submit-form"):
            yield PlainLabel(self.title_text, classes="view-title")
            templates = list(self.services.settings.templates)
            if templates:
                choices = [(safe_text(n), n) for n in templates]  # config names: never markup
                yield _row("Template", Select(choices, prompt="(none)", id="submit-template", compact=True))
            for key, label in FORM_FIELDS:
                suggester = None
                if key == "queue":
                    suggester = _Choices(lambda: [q.name for q in self.queues])
                elif key == "job_definition":
                    suggester = _Choices(lambda: sorted({d.name for d in self.definitions}))
                field = PlainInput(
                    value=values[key], placeholder=PLACEHOLDERS[key], id=f"f-{key}", suggester=suggester, compact=True
                )
                yield _row(label, field)
                if key == "queue":
                    yield PlainStatic("", id="hint-queue", classes="form-hint")
                elif key == "job_definition":
                    yield PlainStatic("", id="hint-definition", classes="form-hint")
                elif key == "depends_on":
                    yield PlainStatic("", id="hint-depends", classes="form-hint")
                elif key == "job_name":
                    yield PlainLabel("Parameters (Ref::)", classes="form-section")
                    yield Vertical(id="submit-params")
                    yield PlainLabel("Overrides (empty: as the definition says)", classes="form-section")
        with Vertical(id="submit-status"):
            yield PlainStatic("", id="submit-fit")
            yield PlainStatic("", id="submit-errors")
            with Horizontal(id="submit-buttons"):
                yield Button("Submit (ctrl+s)", variant="primary", id="submit-send")
                yield Button("Cancel (esc)", id="submit-cancel")
        yield Footer()

    @property
    def composed(self) -> bool:
        """False while the screen is being torn down (e.g. the app quits while the catalogue loads)."""
        return bool(self.query("#f-job_definition"))

    async def on_mount(self) -> None:
        if not self.composed:
            return
        await self.rebuild_params()
        if not self.composed:
            return
        self.refresh_checks()
        first_empty = next((k for k in ("queue", "job_definition", "job_name") if not self.field(k).value), "job_name")
        self.field(first_empty).focus()
        self.load_catalog()

    def field(self, key: str) -> Input:
        return self.query_one(f"#f-{key}", Input)

    def values(self) -> dict[str, str]:
        return {key: self.field(key).value for key, _ in FORM_FIELDS}

    def params(self) -> list[tuple[str, str]]:
        return [(key, self.param_values.get(key, "")) for key in self.param_keys]

    # -- catalogue --------------------------------------------------------------------------------
    @work(exclusive=True, group="submit-catalog", exit_on_error=False)
    async def load_catalog(self) -> None:
        batch = self.services.batch
        try:
            self.queues, self.ces, self.definitions = await asyncio.gather(
                batch.job_queues(), batch.compute_environments(), batch.job_definitions()
            )
        except AwsError as exc:
            self.send_error = f"cannot read queues/definitions ({exc}); the fit check is off"
            self.refresh_checks()
            return
        self.catalog_loaded = True
        await self.rebuild_params()
        self.refresh_checks()

    def definition(self) -> JobDefinition | None:
        return resolve_definition(self.field("job_definition").value, self.definitions)

    def queue(self) -> JobQueue | None:
        typed = self.field("queue").value.strip()
        return next((q for q in self.queues if typed in (q.name, q.arn)), None)

    async def rebuild_params(self) -> None:
        """One input per `Ref::` parameter of the chosen definition, keeping what was typed for each name."""
        if not self.composed:
            return
        definition = self.definition()
        defaults = dict(definition.parameters) if definition is not None else {}
        keys = list(definition.ref_parameters) if definition is not None else list(self.param_values)
        keys += [k for k in self.param_values if k not in keys and self.param_values[k]]
        if keys == self.param_keys:
            return
        for key in keys:
            self.param_values.setdefault(key, defaults.get(key, ""))
        container = self.query_one("#submit-params", Vertical)
        await container.remove_children()
        rows = [
            _row(key, PlainInput(value=self.param_values[key], id=f"p-{i}", placeholder=f"Ref::{key}", compact=True))
            for i, key in enumerate(keys)
        ]
        if not rows:
            rows = [Horizontal(PlainLabel("(the definition has no Ref:: parameters)", classes="form-hint"))]
        await container.mount_all(rows)
        self.param_keys = keys

    # -- live checks ------------------------------------------------------------------------------
    @on(Input.Changed)
    async def _changed(self, event: Input.Changed) -> None:
        ident = event.input.id or ""
        if ident.startswith("p-"):
            index = int(ident[2:])
            if index < len(self.param_keys):
                self.param_values[self.param_keys[index]] = event.value
        elif ident == "f-job_definition":
            await self.rebuild_params()
        elif ident == "f-depends_on":
            self.check_dependencies(event.value)
        self.refresh_checks()

    @work(exclusive=True, group="submit-deps", exit_on_error=False)
    async def check_dependencies(self, text: str) -> None:
        """Say what each dependency is: a FAILED (or unknown) one means this job will not start."""
        ids = [x for x in re.split(r"[\s,]+", text) if x]
        hint = self.query_one("#hint-depends", Static)
        if not ids:
            hint.update("")
            return
        await asyncio.sleep(0.3)  # typing: wait for a pause before asking Batch
        try:
            found = {job.job_id: job for job in await self.services.batch.describe_jobs(ids)}
        except AwsError as exc:
            hint.update(Text(f"cannot check dependencies: {exc}", style="yellow"))
            return
        hint.update(dependency_hint(ids, found))

    def refresh_checks(self) -> None:
        if not self.composed:
            return
        values = self.values()
        request, problems = request_from_form(values, self.params())
        definition, queue = self.definition(), self.queue()
        if self.catalog_loaded:
            if values["queue"].strip() and queue is None:
                problems.append(f"no job queue named '{values['queue'].strip()}'")
            if values["job_definition"].strip() and definition is None:
                problems.append(f"no ACTIVE job definition '{values['job_definition'].strip()}'")
            if definition is not None:
                given = {k for k, v in self.params() if v}
                command = request.command if request is not None and request.command is not None else ()
                for key in definition.ref_parameters:
                    if key not in given and f"Ref::{key}" in (command or definition.command):
                        problems.append(f"parameter '{key}' has no value (the command uses Ref::{key})")
        if request is not None and definition is not None:
            request = shaped_for(request, definition)  # ECS / EKS / multi-node take their own override shape
        self.request, self.problems = request, problems
        self.fit = None
        if request is not None and queue is not None and self.catalog_loaded:
            resources = request.effective_resources(definition)
            platform = definition.platform if definition is not None else "EC2"
            self.fit = fit_check(resources, queue, self.ces, array_size=request.array_size, platform=platform)
        refs = set(queue.compute_environments) if queue is not None else set()
        ces = [ce for ce in self.ces if ce.arn in refs or ce.name in refs]
        self.query_one("#hint-queue", Static).update(
            queue_hint(
                queue.state if queue else "",
                queue.status if queue else "",
                ces,
                values["queue"].strip(),
                [q.name for q in self.queues],
            )
        )
        self.query_one("#hint-definition", Static).update(
            definition_hint(definition, values["job_definition"].strip(), sorted({d.name for d in self.definitions}))
        )
        self.query_one("#submit-fit", Static).update(fit_text(self.fit) if self.catalog_loaded else "")
        shown = list(problems) if self.tried else []
        errors = problems_text(shown)
        if self.send_error:
            errors.append(("\n" if shown else "") + f"✖ {self.send_error}", style="bold red")
        self.query_one("#submit-errors", Static).update(errors)
        keep_focused_in_view(self)  # the status pane may have grown over the field being typed in

    # -- templates --------------------------------------------------------------------------------
    @on(Select.Changed, "#submit-template")
    async def _template(self, event: Select.Changed) -> None:
        template = self.services.settings.templates.get(str(event.value))
        if template is None:
            return
        current, _ = request_from_form(self.values(), self.params())
        values = self.values()
        base = current or SubmitRequest(values["queue"], values["job_definition"], values["job_name"])
        merged = apply_template(template, base)
        for key, value in form_values(merged).items():
            if self.field(key).value != value:
                self.field(key).value = value
        self.param_values.update(dict(merged.parameters))
        self.param_keys = []  # rebuild with the template's values
        await self.rebuild_params()
        self.refresh_checks()
        self.notify(f"template '{event.value}' applied", timeout=3)

    # -- submit -----------------------------------------------------------------------------------
    def action_submit(self) -> None:
        if self.sending:
            return
        self.tried, self.send_error = True, ""
        self.refresh_checks()
        request = self.request
        if request is None or self.problems:
            self.notify(f"not sent: {len(self.problems)} problem(s) in the form", severity="error", timeout=4)
            return
        start_flow(self, SUBMIT.id, lambda: self.confirm_and_send(request))

    async def confirm_and_send(self, request: SubmitRequest) -> None:
        """Confirm exactly what will be sent, then send it once; a failure keeps the form and says why."""
        never = self.fit is not None and not self.fit.ok
        self.sending = True
        self.query_one("#submit-send", Button).disabled = True
        submitted: list[SubmittedJob] = []

        async def send(action: Action[Any], reason: str) -> str:
            try:
                job = await self.services.run(action)
            except (AwsError, ReadOnlyRefused, AuditError) as exc:
                self.send_error = self.failure_text(exc)
                raise
            submitted.append(job)
            return f"submitted as {job.job_id}"

        try:
            await confirm_and_run(
                self,
                [SubmitJob(request)],
                title="Submit a job that will NEVER run?" if never else f"Submit {request.job_name}?",
                body=request_summary(request, self.definition(), self.fit),
                confirm_label="Submit",
                cancel_label="Back to the form",
                danger=never,
                send=send,
            )
        except (AwsError, ReadOnlyRefused) as exc:  # refused before anything was sent (read-only, invalid)
            self.send_error = str(exc)
        finally:
            self.sending = False
        if submitted:
            self.notify(f"submitted {submitted[0].name} ({submitted[0].job_id})", title="Batch", timeout=5)
            self.dismiss(submitted[0])
            return
        self.query_one("#submit-send", Button).disabled = False
        self.refresh_checks()

    @staticmethod
    def failure_text(exc: Exception) -> str:
        """What happened to the request, in words that never contradict each other."""
        if isinstance(exc, AwsError) and exc.outcome_unknown:
            return f"outcome unknown: {exc.message} (check :jobs before submitting again)"
        if isinstance(exc, AwsError) and exc.not_sent:
            return f"not sent: {exc.message}"
        if isinstance(exc, AwsError):
            return f"Batch refused the job ({exc.kind}): {exc.message}"
        return str(exc)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "submit-send":
            self.action_submit()
        else:
            self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def action_cancel(self) -> None:
        self.dismiss(None)

"""`c` on a training job: a new job from its spec, with a new name and an optional config template."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Select, Static

from hybridml.aws.sagemaker_training import valid_job_name
from hybridml.config import TrainingTemplate
from hybridml.domain.sagemaker import TrainingJob
from hybridml.render.safe import safe_text
from hybridml.tui.screens.form import FormScreen
from hybridml.tui.widgets.plain import PlainInput, PlainLabel, PlainStatic


@dataclass(frozen=True)
class CloneRequest:
    name: str
    template: str | None


def default_clone_name(source: str, now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%m%d-%H%M%S")
    return f"{source[: 63 - len(stamp) - 1]}-{stamp}"


class CloneTrainingScreen(FormScreen[CloneRequest]):
    def __init__(self, job: TrainingJob, templates: dict[str, TrainingTemplate]) -> None:
        super().__init__()
        self.job = job
        self.templates = templates

    def compose(self) -> ComposeResult:
        with Vertical(id="clone-box", classes="form-box"):
            yield PlainLabel(f"Clone training job {self.job.name}", classes="form-title")
            yield PlainStatic(
                Text(f"{self.job.instance_count} x {self.job.instance_type}, image {self.job.image}", style="dim")
            )
            yield PlainLabel("new job name")
            yield PlainInput(value=default_clone_name(self.job.name), id="clone-name")
            yield PlainLabel("template ([sagemaker.training_templates.NAME] in the config)")
            options = [(safe_text(name), name) for name in sorted(self.templates)]  # never markup
            yield Select(options, prompt="none: same spec", allow_blank=True, id="clone-template")
            yield PlainStatic("", id="clone-error", classes="form-error")
            with Horizontal(classes="form-buttons"):
                yield Button("Review", variant="primary", id="clone-ok")
                yield Button("Cancel", id="clone-cancel")

    def on_mount(self) -> None:
        self.query_one("#clone-name", Input).focus()

    def _submit(self) -> None:
        name = self.query_one("#clone-name", Input).value.strip()
        problem = valid_job_name(name)
        if problem is None and name == self.job.name:
            problem = "the new job needs a name of its own"
        if problem:
            self.query_one("#clone-error", Static).update(Text(f"job name: {problem}", style="bold red"))
            return
        value = self.query_one("#clone-template", Select).value
        template = value if isinstance(value, str) else None
        self.dismiss(CloneRequest(name=name, template=template))

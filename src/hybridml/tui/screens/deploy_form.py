"""`D` on `:launches`: deploy the YOLO container as a SageMaker endpoint (name, instance type, role, async)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Static

from hybridml.aws.deploy import name_problem
from hybridml.config import LaunchSettings
from hybridml.tui.screens.form import FormScreen
from hybridml.tui.widgets.plain import PlainInput, PlainLabel, PlainStatic


@dataclass(frozen=True)
class DeployRequest:
    name: str
    instance_type: str
    role: str
    asynchronous: bool = False
    async_output: str = ""


class DeployForm(FormScreen[DeployRequest]):
    def __init__(self, settings: LaunchSettings) -> None:
        super().__init__()
        self.settings = settings

    def compose(self) -> ComposeResult:
        s = self.settings
        with Vertical(id="launch-box"):
            yield PlainLabel("Deploy the YOLO container as a SageMaker endpoint", id="launch-title")
            yield PlainLabel(f"image {s.image_uri}")
            with Horizontal(classes="form-row"):
                yield PlainLabel("endpoint  ", classes="form-label")
                yield PlainInput(value=s.deployment, id="deploy-name")
            with Horizontal(classes="form-row"):
                yield PlainLabel("instance  ", classes="form-label")
                yield PlainInput(value=s.endpoint_instance_type, id="deploy-instance-type")
            with Horizontal(classes="form-row"):
                yield PlainLabel("role      ", classes="form-label")
                yield PlainInput(value=s.sagemaker_role_arn or "", placeholder="arn:aws:iam::…", id="deploy-role")
            yield Checkbox("asynchronous (answers written to S3; for videos over 60 s of work)", id="deploy-async")
            with Horizontal(classes="form-row"):
                yield PlainLabel("S3 output ", classes="form-label")
                yield PlainInput(value=s.async_output or "", placeholder="s3://bucket/prefix/", id="deploy-output")
            yield PlainStatic("", id="launch-error")
            with Horizontal(id="launch-buttons"):
                yield Button("Next: confirm", variant="primary", id="deploy-ok")
                yield Button("Cancel", id="deploy-cancel")

    def on_mount(self) -> None:
        self.query_one("#deploy-name", Input).focus()

    def _submit(self) -> None:
        name = self.query_one("#deploy-name", Input).value.strip()
        kind = self.query_one("#deploy-instance-type", Input).value.strip()
        role = self.query_one("#deploy-role", Input).value.strip()
        asynchronous = self.query_one("#deploy-async", Checkbox).value
        output = self.query_one("#deploy-output", Input).value.strip()
        error = self.query_one("#launch-error", Static)
        problem = name_problem(name)
        if problem:
            error.update(f"endpoint name: {problem}")
        elif not kind.startswith("ml."):
            error.update("a hosting instance type starts with ml. (e.g. ml.g4dn.xlarge)")
        elif not role.startswith("arn:"):
            error.update("a SageMaker execution role ARN is required (SageMaker assumes it to pull the image)")
        elif asynchronous and not output.startswith("s3://"):
            error.update("an asynchronous endpoint needs an s3:// output location")
        else:
            self.dismiss(DeployRequest(name, kind, role, asynchronous, output if asynchronous else ""))

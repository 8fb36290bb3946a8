"""`n` on `:launches`: launch the YOLO container locally, as a Batch job or as a SageMaker processing job."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, RadioButton, RadioSet, Static

from hybridml.tui.screens.form import FormScreen
from hybridml.tui.widgets.plain import PlainInput, PlainLabel, PlainStatic

if TYPE_CHECKING:
    from hybridml.config import LaunchSettings
    from hybridml.services import Services

TARGETS = ("local", "batch", "processing")


@dataclass(frozen=True)
class LaunchRequest:
    video_url: str  # empty: a synthetic clip (demo)
    batch: bool
    queue: str
    extra: tuple[str, ...] = ()
    processing: bool = False  # a SageMaker processing job (on `instance_type`, assuming `role`)
    instance_type: str = ""
    role: str = ""

    @property
    def target(self) -> str:
        return "batch" if self.batch else "processing" if self.processing else "local"


class LaunchForm(FormScreen[LaunchRequest]):
    def __init__(self, services: Services, *, demo: bool, settings: LaunchSettings | None = None) -> None:
        super().__init__()
        self.services = services
        self.demo = demo
        self.settings = settings or services.settings.launch

    def compose(self) -> ComposeResult:
        settings = self.settings
        with Vertical(id="launch-box"):
            yield PlainLabel("Launch the YOLO dog detector", id="launch-title")
            hint = "video URL (http/https, S3 presigned)" + (" — empty: a synthetic clip" if self.demo else "")
            yield PlainLabel(hint)
            yield PlainInput(placeholder="https://…/video.mp4", id="launch-video")
            with RadioSet(id="launch-target"):
                yield RadioButton("local (docker --gpus all, else the container's own Python)", value=True)
                yield RadioButton("AWS Batch job (your queue, your compute environment; spot possible)")
                yield RadioButton("SageMaker processing job (one ml.* instance for the job, no queue)")
            with Horizontal(classes="form-row", id="launch-batch-row"):
                yield PlainLabel("Batch queue  ", classes="form-label")
                yield PlainInput(value=settings.queue, id="launch-queue")
            with Horizontal(classes="form-row", id="launch-processing-row"):
                yield PlainLabel("instance  ", classes="form-label")
                yield PlainInput(value=settings.processing_instance_type, id="launch-instance-type")
                yield PlainLabel(" role ", classes="form-label")
                yield PlainInput(
                    value=settings.sagemaker_role_arn or "", placeholder="arn:aws:iam::…", id="launch-role"
                )
            yield PlainLabel("extra container flags, local runs (e.g. --conf 0.3 --stride 2)", id="launch-extra-label")
            yield PlainInput(id="launch-extra")
            yield PlainStatic("", id="launch-error")
            with Horizontal(id="launch-buttons"):
                yield Button("Launch", variant="primary", id="launch-ok")
                yield Button("Cancel", id="launch-cancel")

    def on_mount(self) -> None:
        self.query_one("#launch-video", Input).focus()
        self._show_fields()

    @property
    def target(self) -> str:
        index = self.query_one(RadioSet).pressed_index
        return TARGETS[index] if 0 <= index < len(TARGETS) else "local"

    @on(RadioSet.Changed)
    def _show_fields(self) -> None:
        target = self.target
        self.query_one("#launch-batch-row").display = target == "batch"
        self.query_one("#launch-processing-row").display = target == "processing"
        for widget in ("#launch-extra-label", "#launch-extra"):
            self.query_one(widget).display = target == "local"

    def _submit(self) -> None:
        video = self.query_one("#launch-video", Input).value.strip()
        target = self.target
        queue = self.query_one("#launch-queue", Input).value.strip()
        instance_type = self.query_one("#launch-instance-type", Input).value.strip()
        role = self.query_one("#launch-role", Input).value.strip()
        error = self.query_one("#launch-error", Static)
        if not video and not self.demo:
            error.update("a video URL is required")
            return
        if video and not video.startswith(("http://", "https://")):
            error.update("the video URL must start with http:// or https://")
            return
        if target == "batch" and not queue:
            error.update("choose a Batch queue")
            return
        if target == "processing" and not instance_type.startswith("ml."):
            error.update("a processing instance type starts with ml. (e.g. ml.g4dn.xlarge)")
            return
        if target == "processing" and not role.startswith("arn:"):
            error.update("a SageMaker execution role ARN is required (SageMaker assumes it to run the job)")
            return
        try:
            extra = tuple(shlex.split(self.query_one("#launch-extra", Input).value)) if target == "local" else ()
        except ValueError as exc:
            error.update(f"extra flags: {exc}")
            return
        self.dismiss(
            LaunchRequest(
                video_url=video,
                batch=target == "batch",
                queue=queue,
                extra=extra,
                processing=target == "processing",
                instance_type=instance_type,
                role=role,
            )
        )

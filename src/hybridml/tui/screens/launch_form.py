"""`n` on `:launches`: launch the YOLO container locally or as a Batch job."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, RadioButton, RadioSet, Static

from hybridml.tui.screens.form import FormScreen
from hybridml.tui.widgets.plain import PlainInput, PlainLabel, PlainStatic

if TYPE_CHECKING:
    from hybridml.services import Services


@dataclass(frozen=True)
class LaunchRequest:
    video_url: str  # empty: a synthetic clip (demo)
    batch: bool
    queue: str
    extra: tuple[str, ...] = ()


class LaunchForm(FormScreen[LaunchRequest]):
    def __init__(self, services: Services, *, demo: bool) -> None:
        super().__init__()
        self.services = services
        self.demo = demo

    def compose(self) -> ComposeResult:
        settings = self.services.settings.launch
        with Vertical(id="launch-box"):
            yield PlainLabel("Launch the YOLO dog detector", id="launch-title")
            hint = "video URL (http/https, S3 presigned)" + (" — empty: a synthetic clip" if self.demo else "")
            yield PlainLabel(hint)
            yield PlainInput(placeholder="https://…/video.mp4", id="launch-video")
            with RadioSet(id="launch-target"):
                yield RadioButton("local (docker --gpus all, else the container's own Python)", value=True)
                yield RadioButton("AWS Batch job")
            yield PlainLabel("Batch queue")
            yield PlainInput(value=settings.queue, id="launch-queue")
            yield PlainLabel("extra container flags (e.g. --conf 0.3 --stride 2)")
            yield PlainInput(id="launch-extra")
            yield PlainStatic("", id="launch-error")
            with Horizontal(id="launch-buttons"):
                yield Button("Launch", variant="primary", id="launch-ok")
                yield Button("Cancel", id="launch-cancel")

    def on_mount(self) -> None:
        self.query_one("#launch-video", Input).focus()

    def _submit(self) -> None:
        video = self.query_one("#launch-video", Input).value.strip()
        batch = self.query_one(RadioSet).pressed_index == 1
        queue = self.query_one("#launch-queue", Input).value.strip()
        error = self.query_one("#launch-error", Static)
        if not video and not self.demo:
            error.update("a video URL is required")
            return
        if video and not video.startswith(("http://", "https://")):
            error.update("the video URL must start with http:// or https://")
            return
        if batch and not queue:
            error.update("choose a Batch queue")
            return
        try:
            extra = tuple(shlex.split(self.query_one("#launch-extra", Input).value))
        except ValueError as exc:
            error.update(f"extra flags: {exc}")
            return
        self.dismiss(LaunchRequest(video_url=video, batch=batch, queue=queue, extra=extra))

"""`i` on `:launches`: send a video URL to a deployed YOLO endpoint."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from hybridml.tui.screens.form import FormScreen
from hybridml.tui.widgets.plain import PlainInput, PlainLabel, PlainStatic


@dataclass(frozen=True)
class InvokeVideoRequest:
    endpoint: str
    video_url: str  # empty: the demo's synthetic clip


class InvokeVideoForm(FormScreen[InvokeVideoRequest]):
    def __init__(self, endpoint: str, *, demo: bool) -> None:
        super().__init__()
        self.endpoint = endpoint
        self.demo = demo

    def compose(self) -> ComposeResult:
        with Vertical(id="launch-box"):
            yield PlainLabel("Invoke a deployed YOLO endpoint with a video", id="launch-title")
            with Horizontal(classes="form-row"):
                yield PlainLabel("endpoint  ", classes="form-label")
                yield PlainInput(value=self.endpoint, id="invoke-endpoint")
            hint = "video URL (http/https)" + (" — empty: the synthetic clip" if self.demo else "")
            yield PlainLabel(hint)
            yield PlainInput(placeholder="https://…/video.mp4", id="invoke-video")
            yield PlainLabel("a real-time answer must come within 60 s (long videos: an async endpoint)")
            yield PlainStatic("", id="launch-error")
            with Horizontal(id="launch-buttons"):
                yield Button("Next: confirm", variant="primary", id="invoke-ok")
                yield Button("Cancel", id="invoke-cancel")

    def on_mount(self) -> None:
        self.query_one("#invoke-video", Input).focus()

    def _submit(self) -> None:
        endpoint = self.query_one("#invoke-endpoint", Input).value.strip()
        video = self.query_one("#invoke-video", Input).value.strip()
        error = self.query_one("#launch-error", Static)
        if not endpoint:
            error.update("which endpoint? (deploy one with D)")
        elif not video and not self.demo:
            error.update("a video URL is required")
        elif video and not video.startswith(("http://", "https://")):
            error.update("the video URL must start with http:// or https://")
        else:
            self.dismiss(InvokeVideoRequest(endpoint, video))

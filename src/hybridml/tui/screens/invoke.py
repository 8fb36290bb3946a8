"""`i` on an endpoint: send a payload (typed, or read from a file) and show the answer and its latency."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Static, TextArea

from hybridml.aws.errors import AwsError
from hybridml.domain.sagemaker import Invocation
from hybridml.payload import payload_from
from hybridml.render.sagemaker import invocation_text
from hybridml.services import ReadOnlyRefused
from hybridml.tui.widgets.plain import PlainInput, PlainLabel, PlainStatic

if TYPE_CHECKING:
    from hybridml.services import Services


class InvokeScreen(Screen[None]):
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("ctrl+s", "send", "Send", id="invoke.send"),
        Binding("escape", "app.pop_screen", "Back", id="invoke.back"),
    ]

    def __init__(self, services: Services, endpoint: str) -> None:
        super().__init__()
        self.services = services
        self.endpoint = endpoint
        self.last: Invocation | None = None

    def compose(self) -> ComposeResult:
        yield PlainStatic(f"invoke {self.endpoint}", classes="view-title")
        with Vertical(id="invoke-form"):
            with Horizontal(classes="form-row"):
                with Vertical():
                    yield PlainLabel("content type")
                    yield PlainInput(
                        value=self.services.settings.sagemaker.invoke_content_type, id="invoke-content-type"
                    )
                with Vertical():
                    yield PlainLabel("accept (optional)")
                    yield PlainInput(placeholder="e.g. application/json", id="invoke-accept")
                with Vertical():
                    yield PlainLabel("or payload from file")
                    yield PlainInput(placeholder="path (used instead of the text below)", id="invoke-file")
            yield PlainLabel("payload (ctrl+s sends)")
            yield TextArea('{"instances": [[0.5, 0.1, 0.9]]}', language="json", id="invoke-body")
            with Horizontal(classes="form-buttons"):
                yield Button("Send", variant="primary", id="invoke-send")
            yield PlainStatic("", id="invoke-error", classes="form-error")
        with VerticalScroll(id="invoke-response-box"):
            yield PlainStatic(Text("no response yet", style="dim"), id="invoke-response")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#invoke-body", TextArea).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_send()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_send()

    def _error(self, message: str) -> None:
        self.query_one("#invoke-error", Static).update(Text(message, style="bold red"))

    def action_send(self) -> None:
        content_type = self.query_one("#invoke-content-type", Input).value.strip()
        if not content_type:
            self._error("a content type is required (e.g. application/json)")
            return
        try:
            body = payload_from(
                self.query_one("#invoke-body", TextArea).text, self.query_one("#invoke-file", Input).value, content_type
            )
        except ValueError as exc:
            self._error(str(exc))
            return
        self._error("")
        self.query_one("#invoke-response", Static).update(Text(f"sending {len(body)} bytes …", style="dim"))
        self.send(body, content_type, self.query_one("#invoke-accept", Input).value.strip())

    @work(exclusive=True, group="invoke", exit_on_error=False)
    async def send(self, body: bytes, content_type: str, accept: str) -> None:
        try:
            result = await self.services.sagemaker.invoke(self.services, self.endpoint, body, content_type, accept)
        except (AwsError, ReadOnlyRefused) as exc:
            self.query_one("#invoke-response", Static).update(Text(f"✗ {exc}", style="bold red"))
            return
        self.last = result
        self.query_one("#invoke-response", Static).update(invocation_text(result))

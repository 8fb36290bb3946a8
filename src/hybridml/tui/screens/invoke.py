"""`i` on an endpoint: send a payload (typed, or read from a file) and show the answer and its latency.

The form shows exactly what is sent (endpoint, content type, payload or file), and ctrl+s sends it once through
`Services.run` (refused read-only, audited). A file is read off the UI thread, and only a regular file under
InvokeEndpoint's 6 MiB limit (a FIFO or /dev/zero never freezes the screen)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Static, TextArea

from hybridml.actions.base import ReadOnlyRefused
from hybridml.actions.sagemaker import InvokeEndpoint
from hybridml.audit import AuditError
from hybridml.aws.errors import AwsError
from hybridml.domain.sagemaker import Invocation
from hybridml.payload import payload_from
from hybridml.render.sagemaker import invocation_text
from hybridml.tui import keys
from hybridml.tui.errors import ReportsWorkerErrors
from hybridml.tui.focus import keep_focused_in_view
from hybridml.tui.keygate import KeyGuard
from hybridml.tui.widgets.plain import PlainInput, PlainLabel, PlainStatic

if TYPE_CHECKING:
    from hybridml.services import Services


class InvokeScreen(KeyGuard, ReportsWorkerErrors, Screen[None]):
    BINDINGS: ClassVar[list[Binding]] = keys.bindings("invoke")  # type: ignore[assignment]

    def __init__(self, services: Services, endpoint: str) -> None:
        super().__init__()
        self.services = services
        self.endpoint = endpoint
        self.last: Invocation | None = None

    def compose(self) -> ComposeResult:
        # At 80x24 the form stays compact (one line per input) and scrolls, so the answer gets half the screen.
        yield PlainStatic(f"invoke {self.endpoint}", classes="view-title")
        with VerticalScroll(id="invoke-form"):
            with Horizontal(classes="form-row"):
                with Vertical():
                    yield PlainLabel("content type")
                    yield PlainInput(
                        value=self.services.settings.sagemaker.invoke_content_type,
                        id="invoke-content-type",
                        compact=True,
                    )
                with Vertical():
                    yield PlainLabel("accept (optional)")
                    yield PlainInput(placeholder="e.g. application/json", id="invoke-accept", compact=True)
                with Vertical():
                    yield PlainLabel("or payload from file")
                    yield PlainInput(placeholder="path (instead of the text below)", id="invoke-file", compact=True)
            yield PlainLabel("payload (ctrl+s sends)")
            yield TextArea('{"instances": [[0.5, 0.1, 0.9]]}', language="json", id="invoke-body", compact=True)
            with Horizontal(classes="form-buttons"):
                yield Button("Send (ctrl+s)", variant="primary", id="invoke-send", compact=True)
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
        keep_focused_in_view(self)

    def action_send(self) -> None:
        content_type = self.query_one("#invoke-content-type", Input).value.strip()
        if not content_type:
            self._error("a content type is required (e.g. application/json)")
            return
        text = self.query_one("#invoke-body", TextArea).text
        file_path = self.query_one("#invoke-file", Input).value
        self._error("")
        self.query_one("#invoke-response", Static).update(Text("reading the payload …", style="dim"))
        self.send(text, file_path, content_type, self.query_one("#invoke-accept", Input).value.strip())

    @work(exclusive=True, group="invoke", exit_on_error=False)
    async def send(self, text: str, file_path: str, content_type: str, accept: str) -> None:
        try:
            body = await asyncio.to_thread(payload_from, text, file_path, content_type)
        except ValueError as exc:
            self._error(str(exc))
            self.query_one("#invoke-response", Static).update(Text("not sent", style="dim"))
            return
        self.query_one("#invoke-response", Static).update(Text(f"sending {len(body)} bytes …", style="dim"))
        try:
            result = await self.services.run(InvokeEndpoint(self.endpoint, body, content_type, accept))
        except (AwsError, ReadOnlyRefused, AuditError) as exc:
            self.query_one("#invoke-response", Static).update(Text(f"✗ {exc}", style="bold red"))
            return
        self.last = result
        self.query_one("#invoke-response", Static).update(invocation_text(result))
        self.query_one("#invoke-response-box", VerticalScroll).scroll_home(animate=False)

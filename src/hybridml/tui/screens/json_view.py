"""`d` — the raw describe JSON of a resource, scrollable, syntax-highlighted."""

from __future__ import annotations

from typing import ClassVar

from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer

from hybridml.tui import keys
from hybridml.tui.widgets.plain import PlainStatic


class JsonScreen(Screen[None]):
    BINDINGS: ClassVar[list[Binding]] = keys.bindings("json")  # type: ignore[assignment]

    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self.title_text = title
        self.body = body

    def compose(self) -> ComposeResult:
        yield PlainStatic(f"describe: {self.title_text}", classes="view-title")
        with VerticalScroll(id="json-scroll"):
            yield PlainStatic(Syntax(self.body, "json", theme="ansi_dark", word_wrap=True), id="json-body")
        yield Footer()

    def action_top(self) -> None:
        self.query_one("#json-scroll", VerticalScroll).scroll_home(animate=False)

    def action_bottom(self) -> None:
        self.query_one("#json-scroll", VerticalScroll).scroll_end(animate=False)

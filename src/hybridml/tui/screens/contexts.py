"""`:ctx` — the AWS contexts (profiles from the config files, and regions) to switch to; enter switches.

Switching rebuilds the services (clients, caches, API budget) for the chosen profile and region without
restarting: the views are read again there, and the header shows the context. Nothing secret is shown: a
profile is its name and its region."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, OptionList
from textual.widgets.option_list import Option

from hybridml.domain.context import AwsContext
from hybridml.render.safe import safe_str
from hybridml.tui import keys
from hybridml.tui.widgets.plain import PlainStatic


def context_line(context: AwsContext, current: AwsContext) -> Text:
    """`● prod-admin   eu-west-1   (config)`: the profile, the region, where it came from."""
    mark = (
        "●" if (context.profile or "default", context.region) == (current.profile or "default", current.region) else " "
    )
    text = Text(f"{mark} ")
    text.append(f"{safe_str(context.profile or 'default'):<24} ", style="bold")
    text.append(f"{safe_str(context.region):<16} ")
    text.append(f"({safe_str(context.source)})", style="dim")
    return text


class ContextScreen(Screen[AwsContext | None]):
    BINDINGS: ClassVar[list[Binding]] = keys.bindings("ctx")  # type: ignore[assignment]

    def __init__(self, contexts: list[AwsContext], current: AwsContext, problem: str = "") -> None:
        super().__init__()
        self.contexts = contexts
        self.current = current
        self.problem = problem

    def compose(self) -> ComposeResult:
        title = f"contexts: {len(self.contexts)} (enter switches; now {safe_str(self.current.label)})"
        yield PlainStatic(title, classes="view-title")
        if self.problem:
            yield PlainStatic(Text(self.problem, style="bold red"))
        yield OptionList(
            *(Option(context_line(c, self.current), id=str(i)) for i, c in enumerate(self.contexts)), id="ctx-list"
        )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.contexts[event.option_index])

    def action_close(self) -> None:
        self.dismiss(None)

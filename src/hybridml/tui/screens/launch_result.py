"""Enter on a launch: what the container found (dog segments per video) and its output."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from hybridml.render.launch import segments_lines
from hybridml.render.safe import TEXT_LIMIT, safe_text
from hybridml.tui import keys
from hybridml.tui.widgets.plain import PlainStatic

if TYPE_CHECKING:
    from hybridml.launch.launcher import Launcher


class LaunchResultScreen(Screen[None]):
    BINDINGS: ClassVar[list[Binding]] = keys.bindings("launch-result")  # type: ignore[assignment]

    def __init__(self, launcher: Launcher, run_id: str) -> None:
        super().__init__()
        self.launcher = launcher
        self.run_id = run_id

    def compose(self) -> ComposeResult:
        yield PlainStatic("", classes="view-title", id="result-title")
        with VerticalScroll():
            yield PlainStatic("", id="result-body")
            yield PlainStatic("", id="result-output")
        yield Footer()

    def on_mount(self) -> None:
        self._unsubscribe = self.launcher.registry.subscribe(
            lambda run: self.call_later(self.show) if run.run_id == self.run_id else None
        )
        self.show()

    def on_unmount(self) -> None:
        self._unsubscribe()

    def show(self) -> None:
        run = self.launcher.registry.runs[self.run_id]
        where = f"{run.target.value}" + (f" job {run.job_id} on {run.queue}" if run.job_id else "")
        self.query_one("#result-title", Static).update(f"launch {run.run_id} — {run.status.value} — {where}")
        body = Text("\n".join(segments_lines(run)) + "\n")
        if run.message:  # the report's error, from whoever POSTed it: one escaped line
            body.append("\n")
            body.append_text(
                safe_text(run.message, "bold red" if run.status.value == "FAILED" else "", limit=TEXT_LIMIT)
            )
            body.append("\n")
        body.append_text(safe_text(f"\ncallback {run.callback_url}\n", "dim", newlines=True))
        self.query_one("#result-body", Static).update(body)
        if run.output:  # the container's output lines, each escaped
            output = Text("\n", style="dim").join(safe_text(line, tabsize=8) for line in run.output[-200:])
            self.query_one("#result-output", Static).update(output)

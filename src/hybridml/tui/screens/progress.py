"""Runs confirmed actions (e.g. cancel 12 jobs), showing progress and each one's result as it lands."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, ProgressBar

from hybridml.aws.errors import translate
from hybridml.render.safe import safe_text
from hybridml.services import ReadOnlyRefused
from hybridml.tui.widgets.plain import PlainDataTable, PlainLabel

CONCURRENCY = 4


@dataclass(frozen=True)
class ActionTask:
    key: str  # unique (e.g. a job id)
    label: str
    run: Callable[[], Awaitable[str]]  # returns what happened, e.g. "cancelled"


@dataclass(frozen=True)
class ActionResult:
    key: str
    label: str
    ok: bool
    message: str


class ProgressScreen(ModalScreen[list[ActionResult]]):
    CSS_PATH = "../batch_actions.tcss"
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("escape,q", "close", "Close", id="progress.close"),
    ]

    def __init__(self, title: str, tasks: Sequence[ActionTask]) -> None:
        super().__init__()
        self.title_text = title
        self.tasks = list(tasks)
        self.results: dict[str, ActionResult] = {}
        self.done = False

    def compose(self) -> ComposeResult:
        with Vertical(id="progress-box"):
            yield PlainLabel(safe_text(self.title_text), id="progress-title")
            yield ProgressBar(total=len(self.tasks), show_eta=False, id="progress-bar")
            table = PlainDataTable(cursor_type="row", id="progress-table")
            table.add_column("TARGET", key="target")
            table.add_column("RESULT", key="result")
            for task in self.tasks:
                table.add_row(task.label, Text("…", style="dim"), key=task.key)
            yield table
            with Horizontal(id="progress-buttons"):
                yield Button("Close", id="progress-close", disabled=True)

    def on_mount(self) -> None:
        self.run_all()

    @work(exclusive=True, group="progress", exit_on_error=False)
    async def run_all(self) -> None:
        semaphore = asyncio.Semaphore(CONCURRENCY)
        table = self.query_one(PlainDataTable)
        bar = self.query_one(ProgressBar)

        async def one(task: ActionTask) -> None:
            async with semaphore:
                try:
                    message, ok = await task.run(), True
                except ReadOnlyRefused as exc:
                    message, ok = str(exc), False
                except Exception as exc:
                    message, ok = str(translate(exc)), False
            self.results[task.key] = ActionResult(task.key, task.label, ok, message)
            cell = Text(("✔ " if ok else "✖ ") + message, style="green" if ok else "red")
            table.update_cell(task.key, "result", cell, update_width=True)
            bar.advance(1)

        await asyncio.gather(*(one(task) for task in self.tasks))
        self.done = True
        failed = sum(1 for r in self.results.values() if not r.ok)
        summary = f"{self.title_text}: {len(self.tasks) - failed} ok, {failed} failed"
        self.query_one("#progress-title", Label).update(safe_text(summary, "bold red" if failed else "bold green"))
        close = self.query_one("#progress-close", Button)
        close.disabled = False
        close.focus()

    def ordered_results(self) -> list[ActionResult]:
        return [self.results[t.key] for t in self.tasks if t.key in self.results]

    def action_close(self) -> None:
        if not self.done:
            self.notify("still sending: the results will show here", severity="warning", timeout=3)
            return
        self.dismiss(self.ordered_results())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_close()

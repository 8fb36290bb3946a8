"""The last step of every action flow: sends the confirmed actions (through `Services.run`) and shows each one's
result as it lands. Bulk actions run a few at a time; steps that depend on each other (`sequential`) stop at the
first failure. With `auto_close`, a flow whose every result is a success closes by itself."""

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

from hybridml.actions.base import ReadOnlyRefused
from hybridml.audit import AuditError
from hybridml.aws.errors import AwsError
from hybridml.render.safe import safe_text
from hybridml.tui import keys
from hybridml.tui.errors import ReportsWorkerErrors
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


class ProgressScreen(ReportsWorkerErrors, ModalScreen[list[ActionResult]]):
    CSS_PATH = "../batch_actions.tcss"
    BINDINGS: ClassVar[list[Binding]] = keys.bindings("progress")  # type: ignore[assignment]

    def __init__(
        self, title: str, tasks: Sequence[ActionTask], *, sequential: bool = False, auto_close: bool = False
    ) -> None:
        super().__init__()
        self.title_text = title
        self.tasks = list(tasks)
        self.sequential = sequential
        self.auto_close = auto_close
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

    def _show(self, task: ActionTask, ok: bool, message: str) -> None:
        self.results[task.key] = ActionResult(task.key, task.label, ok, message)
        cell = safe_text(("✔ " if ok else "✖ ") + message, "green" if ok else "red")
        self.query_one(PlainDataTable).update_cell(task.key, "result", cell, update_width=True)
        self.query_one(ProgressBar).advance(1)

    async def _one(self, task: ActionTask) -> bool:
        try:
            message, ok = await task.run(), True
        except (AwsError, ReadOnlyRefused, AuditError) as exc:  # anything else is a bug: the worker reports it
            message, ok = str(exc), False
        self._show(task, ok, message)
        return ok

    @work(exclusive=True, group="progress", exit_on_error=False)
    async def run_all(self) -> None:
        try:
            await self._send()
        finally:  # a bug in a step still leaves a dialog that can be closed (the error is reported elsewhere)
            self.done = True
        failed = sum(1 for r in self.results.values() if not r.ok)
        if self.auto_close and not failed:
            self.dismiss(self.ordered_results())
            return
        summary = f"{self.title_text}: {len(self.tasks) - failed} ok, {failed} failed"
        self.query_one("#progress-title", Label).update(safe_text(summary, "bold red" if failed else "bold green"))
        close = self.query_one("#progress-close", Button)
        close.disabled = False
        close.focus()

    async def _send(self) -> None:
        if self.sequential:
            for index, task in enumerate(self.tasks):
                if not await self._one(task):
                    for skipped in self.tasks[index + 1 :]:
                        self._show(skipped, False, "not sent: the step before it failed")
                    return
            return
        semaphore = asyncio.Semaphore(CONCURRENCY)

        async def limited(task: ActionTask) -> None:
            async with semaphore:
                await self._one(task)

        await asyncio.gather(*(limited(task) for task in self.tasks))

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

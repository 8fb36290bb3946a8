"""Enter on a launch: what the container found (dog segments per video), or why it failed, and its output.

The screen follows the run while it is open: a local run's lines and end arrive from the launcher; a Batch
run is polled (one DescribeJobs) every refresh interval until its job ends."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from hybridml.aws.errors import AwsError
from hybridml.domain.launch import LaunchRun, LaunchTarget
from hybridml.domain.units import human_duration
from hybridml.launch.logs import launch_log_source, launch_no_logs_reason
from hybridml.render.launch import failed, segments_lines
from hybridml.render.safe import TEXT_LIMIT, safe_text
from hybridml.tui import keys
from hybridml.tui.console import console
from hybridml.tui.errors import ReportsWorkerErrors
from hybridml.tui.widgets.plain import PlainStatic

if TYPE_CHECKING:
    from hybridml.launch.launcher import Launcher

OUTPUT_SHOWN = 200  # the last lines of a local run's output under the result (all of them: l)


def _times(run: LaunchRun) -> str:
    parts = [f"launched {run.created_at:%Y-%m-%d %H:%M:%S} UTC"]
    if run.started_at is not None:
        parts.append(f"started {run.started_at:%H:%M:%S}")
    if run.finished_at is not None and run.started_at is not None:
        parts.append(f"ended {run.finished_at:%H:%M:%S} (ran {human_duration(run.duration_s(run.finished_at))})")
    return ", ".join(parts)


class LaunchResultScreen(ReportsWorkerErrors, Screen[None]):
    BINDINGS: ClassVar[list[Binding]] = keys.bindings("launch-result")  # type: ignore[assignment]

    def __init__(self, launcher: Launcher, run_id: str) -> None:
        super().__init__()
        self.launcher = launcher
        self.run_id = run_id
        self.polls = 0

    @property
    def run(self) -> LaunchRun:
        return self.launcher.registry.runs[self.run_id]

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
        if self.run.target is LaunchTarget.BATCH:
            self.set_interval(self.launcher.services.settings.ui.refresh_s, self.poll)

    def on_unmount(self) -> None:
        self._unsubscribe()

    @work(exclusive=True, group="launch-poll", exit_on_error=False)
    async def poll(self) -> None:
        """A Batch run: read its job again (the registry tells `show`); stops once the job ended."""
        run = self.run
        if not run.job_id or run.job_final:
            return
        self.polls += 1
        try:
            await self.launcher.poll()
        except AwsError as exc:
            console(self).report_problem(str(exc))

    def show(self) -> None:
        if not self.is_attached:  # a change announced while the screen closes
            return
        run = self.run
        where = f"{run.target.value}" + (f" job {run.job_id} on {run.queue}" if run.job_id else "")
        self.query_one("#result-title", Static).update(f"launch {run.run_id} — {run.status.value} — {where}")
        body = Text()
        for number, line in enumerate(segments_lines(run)):
            style = "bold red" if number == 0 and failed(run) else ""
            body.append_text(Text(line, style=style))  # already sanitised, one line each
            body.append("\n")
        if run.message and not failed(run):  # Batch's statusReason while it waits: one escaped line
            body.append("\n")
            body.append_text(safe_text(run.message, "yellow" if run.status.is_waiting else "", limit=TEXT_LIMIT))
            body.append("\n")
        body.append_text(safe_text(f"\n{_times(run)}\ncallback {run.callback_url}\n", "dim", newlines=True))
        self.query_one("#result-body", Static).update(body)
        if run.output:  # the container's output lines, each escaped
            lines = run.output[-OUTPUT_SHOWN:]
            output = Text("\n", style="dim").join(safe_text(line, tabsize=8) for line in lines)
            self.query_one("#result-output", Static).update(output)

    def action_logs(self) -> None:
        from hybridml.tui.screens.log_view import open_logs

        run = self.run
        source = launch_log_source(run)
        if source is None:
            self.notify(launch_no_logs_reason(run), severity="warning", timeout=4)
            return
        open_logs(self.app, source)

    def action_explain(self) -> None:
        from hybridml.tui.screens.explain import ExplainScreen, explain_target

        target = explain_target(self.run)
        if target is None:
            self.notify("a local launch has no Batch job to explain (its output: l)", severity="warning")
            return
        self.app.push_screen(ExplainScreen(self.launcher.services, *target))

"""`C` on :launches: one video's runs on every target side by side (queue wait, run time, billable seconds,
instance, price, cost, dogs found) and which service this workload should use (`triage.compare`). Follows the
runs as they finish; `hybridml yolo compare --json` prints the same comparison."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from hybridml.domain import prices
from hybridml.domain.compare import Comparison
from hybridml.render.compare import comparison_renderable
from hybridml.render.safe import safe_text
from hybridml.triage.compare import compare
from hybridml.tui import keys
from hybridml.tui.errors import ReportsWorkerErrors
from hybridml.tui.widgets.plain import PlainStatic

if TYPE_CHECKING:
    from hybridml.launch.launcher import Launcher


class ComparisonScreen(ReportsWorkerErrors, Screen[None]):
    BINDINGS: ClassVar[list[Binding]] = keys.bindings("compare")  # type: ignore[assignment]

    def __init__(self, launcher: Launcher, video_url: str) -> None:
        super().__init__()
        self.launcher = launcher
        self.video_url = video_url
        self.comparison: Comparison | None = None

    def compose(self) -> ComposeResult:
        yield PlainStatic("", classes="view-title", id="compare-title")
        with VerticalScroll():
            yield PlainStatic("", id="compare-body")
        yield Footer()

    def on_mount(self) -> None:
        self._unsubscribe = self.launcher.registry.subscribe(
            lambda run: self.call_later(self.show) if run.video_url == self.video_url else None
        )
        self.show()
        self.run_worker(self.action_reload(), exclusive=True, group="compare-poll", exit_on_error=False)

    def on_unmount(self) -> None:
        self._unsubscribe()

    def show(self) -> None:
        settings = self.launcher.settings
        self.comparison = compare(
            self.launcher.runs(),
            self.video_url,
            prices.book(),
            videos_per_day=settings.videos_per_day,
            answer_within_s=settings.answer_within_s,
            demo=self.launcher.services.demo,
        )
        count = len(self.comparison.rows)
        title = safe_text(f"Batch or SageMaker? {count} run(s) of {self.video_url.rsplit('/', 1)[-1]}", limit=120)
        self.query_one("#compare-title", Static).update(title)
        self.query_one("#compare-body", Static).update(comparison_renderable(self.comparison))

    async def action_reload(self) -> None:
        """`r`: read the AWS runs' states and times again (DescribeJobs, DescribeProcessingJob)."""
        await self.launcher.poll()
        self.show()

"""`:launches` — YOLO container runs (local and Batch) with status and dog segments."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.binding import Binding

from hybridml.domain.launch import LaunchRun
from hybridml.domain.logs import LogSource
from hybridml.headless.output import to_jsonable
from hybridml.render.launch import LAUNCH_COLUMNS, launch_row
from hybridml.tui.widgets.resource_view import Cell, ResourceView

if TYPE_CHECKING:
    from hybridml.launch.launcher import Launcher


class LaunchesView(ResourceView[LaunchRun]):
    kind: ClassVar[str] = "launches"
    title: ClassVar[str] = "YOLO launches"
    columns: ClassVar[tuple[str, ...]] = LAUNCH_COLUMNS
    default_sort: ClassVar[str] = "AGE"

    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        *ResourceView.BINDINGS,
        Binding("n", "new_launch", "New launch", id="launches.new"),
        Binding("l", "app.open_logs", "Logs", id="launches.logs"),
    ]

    @property
    def launcher(self) -> Launcher:
        return self.app.launcher  # type: ignore[attr-defined,no-any-return]

    def on_mount(self) -> None:
        self._unsubscribe = self.launcher.registry.subscribe(lambda _run: self.call_later(self.repaint_from_registry))

    def on_unmount(self) -> None:
        self._unsubscribe()

    def repaint_from_registry(self) -> None:
        self.items = self.launcher.runs()
        self.by_key = {run.run_id: run for run in self.items}
        self.repaint()

    async def fetch(self) -> list[LaunchRun]:
        await self.launcher.start()
        await self.launcher.poll()
        return self.launcher.runs()

    def row_key(self, item: LaunchRun) -> str:
        return item.run_id

    def render_row(self, item: LaunchRun, now: datetime) -> tuple[Cell, ...]:
        return launch_row(item, now)

    def sort_value(self, column: str, item: LaunchRun, cells: tuple[Cell, ...], now: datetime) -> Any:
        if column == "AGE":
            return (now - item.created_at).total_seconds()
        return super().sort_value(column, item, cells, now)

    async def describe_json(self, item: LaunchRun) -> str:
        import json

        return json.dumps(to_jsonable(item), indent=2)

    def log_source(self, item: LaunchRun) -> LogSource | None:
        """A Batch run's CloudWatch logs; a local run's output is on its result screen (enter)."""
        return LogSource.batch_job(item.job_id) if item.job_id else None

    def drill(self, item: LaunchRun) -> None:
        from hybridml.tui.screens.launch_result import LaunchResultScreen

        self.app.push_screen(LaunchResultScreen(self.launcher, item.run_id))

    def action_new_launch(self) -> None:
        from hybridml.tui.screens.launch_form import LaunchForm, LaunchRequest

        def submitted(request: LaunchRequest | None) -> None:
            if request is not None:
                self.start_launch(request)

        self.app.push_screen(LaunchForm(self.services, demo=self.services.demo), submitted)

    @work(group="launch", exit_on_error=False)
    async def start_launch(self, request: Any) -> None:
        try:
            launcher = self.launcher
            await launcher.check_urls(request.video_url, allow_private=launcher.allow_private_urls)
            video = request.video_url or await launcher.demo_video()
            if request.batch:
                run = await self.launcher.launch_batch(video, request.queue)
                self.notify(f"submitted Batch job {run.job_id} to {run.queue}", title="launch")
            else:
                run = await self.launcher.launch_local(video, request.extra)
                self.notify(f"running locally ({run.target.value}); results arrive at {run.callback_url}")
        except Exception as exc:
            self.app.report_problem(f"launch failed: {exc}")  # type: ignore[attr-defined]
            return
        self.repaint_from_registry()

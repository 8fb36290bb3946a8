"""`:launches` — YOLO container runs (local, Batch, SageMaker processing, endpoint invocations) with status and
dog segments; `n` launch, `D` deploy an endpoint, `i` invoke it, `ctrl+k` stop a run, `C` compare the targets."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from hybridml.actions.base import Action
from hybridml.actions.launch import NEW, SUBMIT, RegisterJobDefinition
from hybridml.actions.processing import CREATE as CREATE_PROCESSING
from hybridml.domain.launch import LaunchRun
from hybridml.domain.logs import LogSource
from hybridml.headless.output import to_jsonable
from hybridml.launch.batch import LaunchError, register_step, submit_step
from hybridml.launch.logs import launch_log_source, launch_no_logs_reason
from hybridml.render.launch import LAUNCH_COLUMNS, launch_row
from hybridml.tui import keys
from hybridml.tui.console import console
from hybridml.tui.screens import launch_flows
from hybridml.tui.screens.flows import confirm_and_run
from hybridml.tui.widgets.plain import PlainStatic
from hybridml.tui.widgets.resource_view import Cell, ResourceView

if TYPE_CHECKING:
    from hybridml.launch.launcher import Launcher


class LaunchesView(ResourceView[LaunchRun]):
    kind: ClassVar[str] = "launches"
    title: ClassVar[str] = "YOLO launches"
    columns: ClassVar[tuple[str, ...]] = LAUNCH_COLUMNS
    default_sort: ClassVar[str] = "AGE"
    # At 80 columns the optional columns go first; RUN, STATUS, AGE and DURATION stay whole, the message is cut
    column_min: ClassVar[dict[str, int]] = {"RUN": 8, "STATUS": 9, "AGE": 6, "DURATION": 8, "MESSAGE": 12}
    drop_order: ClassVar[tuple[str, ...]] = ("FPS", "VIDEO", "WHERE", "DOG SEGMENTS")

    BINDINGS: ClassVar[list[Binding]] = keys.bindings("launches")  # type: ignore[assignment]

    @property
    def launcher(self) -> Launcher:
        return console(self).launcher

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield PlainStatic("", id="launch-progress", classes="progress-line")

    def progress(self, message: str | Text) -> None:
        """The deploy's progress line (Creating … InService)."""
        self.query_one("#launch-progress", Static).update(message)

    def on_mount(self) -> None:
        self._unsubscribe = self.launcher.registry.subscribe(lambda _run: self.call_later(self.repaint_from_registry))

    def on_unmount(self) -> None:
        self._unsubscribe()

    def heading(self) -> str:
        """An empty list says how to fill it (with the key as bound: a `[keymap]` rebind shows here too)."""
        base = super().heading()
        if self.loaded_at is None or self.store.scoped or self.filter_text:
            return base
        key = keys.shown_key(self.services.settings.keymap.get(NEW.id, NEW.key))
        return f"{base}  no runs yet: {key} launches one"

    def repaint_from_registry(self) -> None:
        if not self.composed:
            return
        keep = self.table.cursor_key
        self.store.replace(self.launcher.runs())
        self.rows_changed(keep)

    async def fetch(self) -> list[LaunchRun]:
        await self.launcher.start()
        await self.launcher.poll()
        return self.launcher.runs()

    def row_key(self, item: LaunchRun) -> str:
        return item.run_id

    def render_row(self, item: LaunchRun, now: datetime) -> tuple[Cell, ...]:
        return launch_row(item, now, self.services.settings.batch.stuck_after_min * 60)

    def sort_value(self, column: str, item: LaunchRun, cells: tuple[Cell, ...], now: datetime) -> Any:
        if column == "AGE":
            return (now - item.created_at).total_seconds()
        return super().sort_value(column, item, cells, now)

    async def describe_json(self, item: LaunchRun) -> str:
        import json

        return json.dumps(to_jsonable(item), indent=2)

    def log_source(self, item: LaunchRun) -> LogSource | None:
        """A local run's captured output; a Batch run's CloudWatch logs once its container started."""
        return launch_log_source(item)

    def no_logs_reason(self, item: LaunchRun) -> str:
        return launch_no_logs_reason(item)

    def drill(self, item: LaunchRun) -> None:
        from hybridml.tui.screens.launch_result import LaunchResultScreen

        self.app.push_screen(LaunchResultScreen(self.launcher, item.run_id))

    async def act_launch_new(self) -> None:
        """`n`: the launch form; a Batch launch then confirms what it will send (job definition, SubmitJob,
        fit check) before anything is."""
        from hybridml.tui.screens.launch_form import LaunchForm, LaunchRequest

        request: LaunchRequest | None = await self.app.push_screen_wait(
            LaunchForm(self.services, demo=self.services.demo, settings=self.launcher.settings)
        )
        if request is None:
            return
        try:
            launcher = self.launcher
            await launcher.check_urls(request.video_url, allow_private=launcher.allow_private_urls)
            video = request.video_url or await launcher.demo_video()
            if request.batch:
                await self.launch_on_batch(video, request.queue)
            elif request.processing:
                self.services.check_writable(CREATE_PROCESSING)
                await launch_flows.launch_on_processing(self, launcher, video, request)
            else:
                run = await self.launcher.launch_local(video, request.extra)
                self.notify(f"running locally ({run.target.value}); results arrive at {run.callback_url}")
        except LaunchError as exc:
            console(self).report_problem(f"launch failed: {exc}")
        self.repaint_from_registry()

    async def launch_on_batch(self, video: str, queue: str) -> None:
        self.services.check_writable(SUBMIT)
        plan = await self.launcher.plan_batch(video, queue)
        revision: list[str | None] = [None]

        async def send(action: Action[Any], reason: str) -> str:
            if isinstance(action, RegisterJobDefinition):
                revision[0] = await register_step(self.services, self.launcher.registry, plan)
                return f"registered {revision[0]}"
            run = await submit_step(self.services, self.launcher.registry, plan, revision[0])
            return f"submitted Batch job {run.job_id}"

        fit = [f"queue {plan.queue.name}: {plan.fit.summary}", *plan.fit.problems, *plan.fit.warnings]
        steps: list[Action[Any]] = [a for a in (plan.register, plan.submit) if a is not None]
        await confirm_and_run(
            self,
            steps,
            title="Launch a job that will NEVER run?" if not plan.fit.ok else "Launch the YOLO container on Batch?",
            body="\n\n".join([*(a.confirm_text() for a in steps), "\n".join(fit)]),
            confirm_label="Launch",
            danger=not plan.fit.ok,
            send=send,
            sequential=True,
        )

    def action_compare(self) -> None:
        """`C`: the selected run's video on every target, side by side, and which service to use."""
        from hybridml.tui.screens.comparison import ComparisonScreen

        run = self.selected
        if run is None:
            self.notify("no run selected: launch one (n), then C compares its video across targets", severity="warning")
            return
        self.app.push_screen(ComparisonScreen(self.launcher, run.video_url))

    # -- SageMaker targets and stop (tui/screens/launch_flows.py) ------------------------------------------------
    async def act_launch_deploy(self) -> None:
        """`D`: deploy the container as an endpoint (form, confirm, send), then wait for InService."""
        await launch_flows.deploy_flow(self, self.launcher, self.progress)
        self.repaint_from_registry()

    async def act_launch_invoke(self) -> None:
        """`i`: one invocation of a deployed endpoint with a video URL; it becomes a run (compared by `C`)."""
        try:
            await launch_flows.invoke_flow(self, self.launcher, self.selected)
        except LaunchError as exc:
            console(self).report_problem(f"invoke: {exc}")
        self.repaint_from_registry()

    async def act_launch_undeploy(self) -> None:
        """`ctrl+d`: delete a deployment (endpoint, config, model; type its name)."""
        await launch_flows.undeploy_flow(self, self.launcher, self.selected)

    async def act_launch_stop(self) -> None:
        """`ctrl+k`: stop the selected run (local process, Batch job or processing job), confirm first."""
        run = self.selected
        if run is None:
            self.notify("no run selected", severity="warning")
            return
        try:
            await launch_flows.stop_flow(self, self.launcher, run)
        except LaunchError as exc:
            console(self).report_problem(f"stop: {exc}")
        self.repaint_from_registry()

"""`:training` — SageMaker training jobs; enter for transitions and curves, `ctrl+k` stop, `c` clone."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.binding import Binding

from hybridml.aws.errors import AwsError, translate
from hybridml.domain.logs import LogSource
from hybridml.domain.sagemaker import TrainingJob
from hybridml.render.fmt import human_duration
from hybridml.render.sagemaker import TRAINING_COLUMNS, Cell, training_row
from hybridml.services import ReadOnlyRefused
from hybridml.tui.screens.confirm import ConfirmScreen
from hybridml.tui.widgets.resource_view import ResourceView

STOPPABLE = ("InProgress",)


class TrainingJobsView(ResourceView[TrainingJob]):
    kind: ClassVar[str] = "training"
    title: ClassVar[str] = "SageMaker training jobs"
    columns: ClassVar[tuple[str, ...]] = TRAINING_COLUMNS
    default_sort: ClassVar[str] = "AGE"
    service: ClassVar[str] = "sagemaker"

    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("ctrl+k", "stop", "Stop", id="training.stop"),
        Binding("c", "clone", "Clone", id="training.clone"),
        Binding("l", "app.open_logs", "Logs", id="training.logs"),
    ]

    def log_source(self, item: TrainingJob) -> LogSource:
        return LogSource.training_job(item.name)

    async def fetch(self) -> list[TrainingJob]:
        return await self.services.training.training_jobs()

    def row_key(self, item: TrainingJob) -> str:
        return item.name

    def render_row(self, item: TrainingJob, now: datetime) -> tuple[Cell, ...]:
        return training_row(item, now)

    def sort_value(self, column: str, item: TrainingJob, cells: tuple[Cell, ...], now: datetime) -> Any:
        if column == "AGE":
            return -(item.created_at.timestamp() if item.created_at else 0.0)
        if column == "DURATION":
            return item.duration_s(now) or 0.0
        if column == "BILLABLE":
            return item.billable_seconds or 0
        return super().sort_value(column, item, cells, now)

    async def describe_json(self, item: TrainingJob) -> str:
        return await self.services.training.training_job_json(item.name)

    def drill(self, item: TrainingJob) -> None:
        from hybridml.tui.screens.training_detail import TrainingDetailScreen

        self.app.push_screen(TrainingDetailScreen(self.services, item, self))

    def _problem(self, exc: BaseException) -> None:
        report = getattr(self.app, "report_problem", None)
        message = str(translate(exc)) if not isinstance(exc, ReadOnlyRefused) else str(exc)
        if callable(report):
            report(message)
        else:
            self.notify(message, severity="error")

    def _writable(self, action: str) -> bool:
        try:
            self.services.check_writable(action)
        except ReadOnlyRefused as exc:
            self.notify(str(exc), title="read-only", severity="error")
            return False
        return True

    def action_stop(self, job: TrainingJob | None = None) -> None:
        target = job or self.selected
        if target is None:
            self.notify("no training job selected", severity="warning")
            return
        if target.status not in STOPPABLE:
            self.notify(f"{target.name} is {target.status}: only InProgress jobs can be stopped", severity="warning")
            return
        if self._writable("stop training job"):
            self.stop_flow(target)

    def action_clone(self, job: TrainingJob | None = None) -> None:
        target = job or self.selected
        if target is None:
            self.notify("no training job selected", severity="warning")
            return
        if self._writable("clone training job"):
            self.clone_flow(target)

    @work(exclusive=True, group="training-stop", exit_on_error=False)
    async def stop_flow(self, job: TrainingJob) -> None:
        from datetime import UTC

        ran = human_duration(job.duration_s(datetime.now(UTC)))
        body = Text.assemble(
            (f"{job.name}\n\n", "bold"),
            f"status      {job.status} ({job.secondary_status})  →  Stopping  →  Stopped\n",
            f"running for {ran} on {job.instance_count} x {job.instance_type}\n\n",
            ("SageMaker sends SIGTERM, waits 120 s, then uploads what the job saved to /opt/ml/model.", "dim"),
        )
        confirmed = await self.app.push_screen_wait(
            ConfirmScreen(f"Stop training job {job.name}?", body, confirm_label="Stop")
        )
        if confirmed is None:
            return
        try:
            await self.services.training.stop(self.services, job.name)
        except (AwsError, ReadOnlyRefused) as exc:
            self._problem(exc)
            return
        self.notify(f"{job.name}: stop requested (Stopping)", title="training")
        self.reload()

    @work(exclusive=True, group="training-clone", exit_on_error=False)
    async def clone_flow(self, job: TrainingJob) -> None:
        from hybridml.tui.screens.clone_training import CloneRequest, CloneTrainingScreen

        templates = self.services.settings.sagemaker.training_templates
        request: CloneRequest | None = await self.app.push_screen_wait(CloneTrainingScreen(job, templates))
        if request is None:
            return
        template = templates.get(request.template) if request.template else None
        lines = [f"source      {job.name}", f"new job     {request.name}"]
        if template is not None:
            lines.append(f"template    {request.template}")
            if template.instance_type or template.instance_count:
                after = (
                    f"{template.instance_count or job.instance_count} x {template.instance_type or job.instance_type}"
                )
                lines.append(f"instances   {job.instance_count} x {job.instance_type}  →  {after}")
            for key, value in template.hyperparameters.items():
                before = dict(job.hyperparameters).get(key, "-")
                lines.append(f"{key:<11} {before}  →  {value}")
        confirmed = await self.app.push_screen_wait(
            ConfirmScreen("Start a new training job?", "\n".join(lines), confirm_label="Create", danger=False)
        )
        if confirmed is None:
            return
        try:
            await self.services.training.clone(self.services, job.name, request.name, template)
        except (AwsError, ReadOnlyRefused) as exc:
            self._problem(exc)
            return
        self.notify(f"training job {request.name} created from {job.name}", title="training")
        self.reload()

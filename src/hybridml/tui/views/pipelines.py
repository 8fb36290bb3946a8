"""`:pipelines` — SageMaker Pipelines with their newest run; enter: the pipeline's executions (`:executions`);
enter on an execution: its steps; `t` names a failed run's first failed step and its reason; `l` opens that
step's job logs."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from textual.binding import Binding

from hybridml.aws.errors import AwsError
from hybridml.domain.pipelines import Pipeline, PipelineExecution
from hybridml.render.pipelines import EXECUTION_COLUMNS, PIPELINE_COLUMNS, Cell, execution_row, pipeline_row
from hybridml.tui import keys
from hybridml.tui.widgets.resource_view import ResourceView, Scope


def _ts(when: datetime | None) -> float:
    return when.timestamp() if when else 0.0


class PipelinesView(ResourceView[Pipeline]):
    kind: ClassVar[str] = "pipelines"
    title: ClassVar[str] = "SageMaker pipelines"
    columns: ClassVar[tuple[str, ...]] = PIPELINE_COLUMNS
    default_sort: ClassVar[str] = "STARTED"
    service: ClassVar[str] = "sagemaker-pipelines"

    BINDINGS: ClassVar[list[Binding]] = keys.bindings("pipelines")  # type: ignore[assignment]

    async def fetch(self) -> list[Pipeline]:
        return await self.services.pipelines.pipelines()

    def row_key(self, item: Pipeline) -> str:
        return item.name

    def render_row(self, item: Pipeline, now: datetime) -> tuple[Cell, ...]:
        return pipeline_row(item, now)

    def sort_value(self, column: str, item: Pipeline, cells: tuple[Cell, ...], now: datetime) -> Any:
        latest = item.latest
        if column == "STARTED":
            return (0, -_ts(latest.started_at if latest else None), item.name)
        if column == "DURATION":
            return (0, (latest.duration_s(now) or 0.0) if latest else -1.0, item.name)
        return super().sort_value(column, item, cells, now)

    async def describe_json(self, item: Pipeline) -> str:
        return await self.services.pipelines.pipeline_json(item.name)

    def drill(self, item: Pipeline) -> None:
        self.post_message(self.Drill("executions", Scope("pipeline", item.name)))

    def action_executions(self) -> None:
        item = self.selected
        self.post_message(self.Drill("executions", Scope("pipeline", item.name) if item else None))

    def explain(self, item: Pipeline) -> bool:
        """`t`: the newest run's diagnosis (first failed step, reason, its logs with `l`)."""
        if item.latest is None:
            self.notify(f"{item.name} has never run", severity="warning")
            return True
        open_execution(self, item.latest)
        return True

    def action_step_logs(self) -> None:
        item = self.selected
        if item is None or item.latest is None:
            self.notify("no run selected", severity="warning")
            return
        step_logs(self, item.latest)


class PipelineExecutionsView(ResourceView[PipelineExecution]):
    kind: ClassVar[str] = "executions"
    title: ClassVar[str] = "Pipeline executions"
    columns: ClassVar[tuple[str, ...]] = EXECUTION_COLUMNS
    default_sort: ClassVar[str] = "STARTED"
    service: ClassVar[str] = "sagemaker-pipelines"

    BINDINGS: ClassVar[list[Binding]] = keys.bindings("executions")  # type: ignore[assignment]

    async def fetch(self) -> list[PipelineExecution]:
        pipeline = self.scope.value if self.scope is not None and self.scope.field == "pipeline" else None
        return await self.services.pipelines.executions(pipeline)

    def in_scope(self, item: PipelineExecution) -> bool:
        if self.scope is None:
            return True
        if self.scope.field == "pipeline":
            return item.pipeline == self.scope.value
        if self.scope.field == "status":
            return item.status == self.scope.value
        return True

    def row_key(self, item: PipelineExecution) -> str:
        return item.arn

    def display_name(self, item: PipelineExecution) -> str:
        return f"{item.pipeline}/{item.display_name or item.execution_id}"

    def render_row(self, item: PipelineExecution, now: datetime) -> tuple[Cell, ...]:
        return execution_row(item, now)

    def sort_value(self, column: str, item: PipelineExecution, cells: tuple[Cell, ...], now: datetime) -> Any:
        if column == "STARTED":
            return (0, -_ts(item.started_at), item.arn)
        if column == "DURATION":
            return (0, item.duration_s(now) or 0.0, item.arn)
        return super().sort_value(column, item, cells, now)

    async def describe_json(self, item: PipelineExecution) -> str:
        return await self.services.pipelines.execution_json(item.arn)

    def drill(self, item: PipelineExecution) -> None:
        open_execution(self, item)

    def explain(self, item: PipelineExecution) -> bool:
        open_execution(self, item)
        return True

    def action_step_logs(self) -> None:
        item = self.selected
        if item is None:
            self.notify("no execution selected", severity="warning")
            return
        step_logs(self, item)


def open_execution(view: ResourceView[Any], execution: PipelineExecution) -> None:
    from hybridml.tui.screens.pipeline_execution import PipelineExecutionScreen

    view.app.push_screen(PipelineExecutionScreen(view.services, execution))


def step_logs(view: ResourceView[Any], execution: PipelineExecution) -> None:
    """`l` in a list: the logs of the run's first failed step (else its newest step that ran a job)."""
    view.run_worker(_step_logs(view, execution), group="pipeline-logs", exclusive=True, exit_on_error=False)


async def _step_logs(view: ResourceView[Any], execution: PipelineExecution) -> None:
    from hybridml.tui.screens.log_view import open_logs

    try:
        diagnosis = await view.services.pipelines.diagnose(execution.arn)
    except AwsError as exc:
        view.notify(str(exc), title="steps", severity="error")
        return
    candidates = [diagnosis.failed_step] if diagnosis.failed_step else []
    candidates += [s for s in diagnosis.steps if s.job is not None and s.job.log_source is not None]
    for step in candidates:
        if step is not None and step.job is not None and step.job.log_source is not None:
            open_logs(view.app, step.job.log_source)
            return
    view.notify(f"{execution.display_name or execution.execution_id}: no step ran a job with logs", severity="warning")

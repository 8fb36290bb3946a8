"""`:all` — one table of every workload across Batch and SageMaker."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, ClassVar

from hybridml.domain.logs import LogSource
from hybridml.domain.triage import ResourceKind, Workload
from hybridml.headless.output import to_jsonable
from hybridml.render.triage import WORKLOAD_COLUMNS, Cell, workload_row, workload_sort_key
from hybridml.snapshot import gather_context
from hybridml.triage.context import TriageContext
from hybridml.triage.workloads import workloads
from hybridml.tui.widgets.resource_view import ResourceView


class WorkloadsView(ResourceView[Workload]):
    kind: ClassVar[str] = "all"
    title: ClassVar[str] = "All workloads"
    columns: ClassVar[tuple[str, ...]] = WORKLOAD_COLUMNS
    default_sort: ClassVar[str] = "AGE"
    column_min: ClassVar[dict[str, int]] = {"NAME": 20, "STATUS": 9, "COST/H": 7}  # 7: "COST/H↑" when sorted

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.context: TriageContext | None = None

    async def fetch(self) -> list[Workload]:
        # details: running jobs' actual instance type (DescribeJobs, 100 per call) — the cost-relevant one
        self.context = await gather_context(self.services, quotas=False)
        return workloads(self.context)

    def partial_problem(self) -> tuple[str, str] | None:
        """Parts not read (SageMaker denied, job lists throttled): named in the title, explained in the header."""
        if self.context is None or not self.context.unreadable:
            return None
        parts = ", ".join(dict.fromkeys(part for part, _ in self.context.unreadable))
        detail = "; ".join(f"{part}: {why}" for part, why in self.context.unreadable)
        return f"not read: {parts}", f":all did not read {detail}"

    def log_source(self, item: Workload) -> LogSource | None:
        if item.kind == ResourceKind.JOB:
            return LogSource.batch_job(item.ident)
        if item.kind == ResourceKind.ENDPOINT:
            return LogSource.endpoint(item.ident)
        if item.kind == ResourceKind.TRAINING_JOB:
            return LogSource.training_job(item.ident)
        return None

    def row_key(self, item: Workload) -> str:
        return item.key

    def render_row(self, item: Workload, now: datetime) -> tuple[Cell, ...]:
        return workload_row(item, now)

    def sort_value(self, column: str, item: Workload, cells: tuple[Cell, ...], now: datetime) -> Any:
        return workload_sort_key(column, item, now)

    def in_scope(self, item: Workload) -> bool:
        if self.scope is None:
            return True
        if self.scope.field == "kind":
            return item.kind == self.scope.value
        if self.scope.field == "active":
            return item.active
        return True

    async def describe_json(self, item: Workload) -> str:
        if item.kind == ResourceKind.JOB:
            return await self.services.batch.job_json(item.ident)
        return json.dumps(to_jsonable(item), indent=2)

    def drill(self, item: Workload) -> None:
        from hybridml.tui.screens.explain import ExplainScreen
        from hybridml.tui.screens.job_detail import JobDetailScreen

        job = self.context.job_by_id.get(item.ident) if self.context and item.kind == ResourceKind.JOB else None
        if job is not None:
            self.app.push_screen(JobDetailScreen(self.services, job))
        else:
            self.app.push_screen(ExplainScreen(self.services, item.kind, item.ident, item.name))

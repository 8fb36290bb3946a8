"""`:smjobs` — SageMaker processing and transform jobs (read-only)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any, ClassVar

from hybridml.domain.sagemaker import BatchJobSummary
from hybridml.render.sagemaker import SMJOB_COLUMNS, Cell, smjob_row
from hybridml.tui.widgets.resource_view import ResourceView


class SageMakerJobsView(ResourceView[BatchJobSummary]):
    kind: ClassVar[str] = "smjobs"
    service: ClassVar[str] = "sagemaker"
    title: ClassVar[str] = "SageMaker processing & transform jobs"
    columns: ClassVar[tuple[str, ...]] = SMJOB_COLUMNS
    default_sort: ClassVar[str] = "AGE"

    async def fetch(self) -> list[BatchJobSummary]:
        processing, transform = await asyncio.gather(
            self.services.training.processing_jobs(), self.services.training.transform_jobs()
        )
        return processing + transform

    def row_key(self, item: BatchJobSummary) -> str:
        return item.arn or f"{item.kind}/{item.name}"

    def render_row(self, item: BatchJobSummary, now: datetime) -> tuple[Cell, ...]:
        return smjob_row(item, now)

    def sort_value(self, column: str, item: BatchJobSummary, cells: tuple[Cell, ...], now: datetime) -> Any:
        if column == "AGE":
            return -(item.created_at.timestamp() if item.created_at else 0.0)
        return super().sort_value(column, item, cells, now)

    async def describe_json(self, item: BatchJobSummary) -> str:
        return await self.services.training.job_json(item.kind, item.name)

"""`:jobdefs` — active Batch job definitions."""

from __future__ import annotations

import json
from datetime import datetime
from typing import ClassVar

from hybridml.domain.batch import JobDefinition
from hybridml.render.batch import JOBDEF_COLUMNS, Cell, jobdef_row
from hybridml.tui.widgets.resource_view import ResourceView, Scope


class JobDefinitionsView(ResourceView[JobDefinition]):
    kind: ClassVar[str] = "jobdefs"
    title: ClassVar[str] = "Job definitions"
    columns: ClassVar[tuple[str, ...]] = JOBDEF_COLUMNS

    async def fetch(self) -> list[JobDefinition]:
        return await self.services.batch.job_definitions()

    def row_key(self, item: JobDefinition) -> str:
        return item.arn or item.name_revision

    def render_row(self, item: JobDefinition, now: datetime) -> tuple[Cell, ...]:
        return jobdef_row(item)

    async def describe_json(self, item: JobDefinition) -> str:
        return json.dumps(await self.services.batch.raw("job_definition", item.name_revision), indent=2, default=str)

    def drill(self, item: JobDefinition) -> None:
        self.post_message(self.Drill("jobs", Scope("definition", item.name)))

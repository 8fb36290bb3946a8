"""`:jobdefs` — active Batch job definitions."""

from __future__ import annotations

import json
from datetime import datetime
from typing import ClassVar

from textual.binding import Binding

from hybridml.domain.batch import JobDefinition
from hybridml.domain.submit import SubmitRequest
from hybridml.render.batch import JOBDEF_COLUMNS, Cell, jobdef_row
from hybridml.tui import keys
from hybridml.tui.screens import batch_flows
from hybridml.tui.widgets.resource_view import ResourceView, Scope


class JobDefinitionsView(ResourceView[JobDefinition]):
    kind: ClassVar[str] = "jobdefs"
    title: ClassVar[str] = "Job definitions"
    columns: ClassVar[tuple[str, ...]] = JOBDEF_COLUMNS

    BINDINGS: ClassVar[list[Binding]] = keys.bindings("jobdefs")  # type: ignore[assignment]

    async def fetch(self) -> list[JobDefinition]:
        return await self.services.batch.job_definitions()

    def row_key(self, item: JobDefinition) -> str:
        return item.arn or item.name_revision

    def render_row(self, item: JobDefinition, now: datetime) -> tuple[Cell, ...]:
        return jobdef_row(item)

    async def describe_json(self, item: JobDefinition) -> str:
        # by ARN: AWS also takes name:revision, moto only the ARN
        raw = await self.services.batch.raw("job_definition", item.arn or item.name_revision)
        return json.dumps(raw, indent=2, default=str)

    def display_name(self, item: JobDefinition) -> str:
        return item.name_revision

    def drill(self, item: JobDefinition) -> None:
        self.post_message(self.Drill("jobs", Scope("definition", item.name)))

    async def act_batch_submit(self) -> None:
        definition = self.selected
        ref = definition.name_revision if definition else ""
        name = batch_flows.default_job_name(ref) if ref else ""
        await batch_flows.submit_flow(self, SubmitRequest("", ref, name))

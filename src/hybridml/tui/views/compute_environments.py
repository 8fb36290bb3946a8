"""`:ce` — Batch compute environments."""

from __future__ import annotations

import json
from datetime import datetime
from typing import ClassVar

from textual.binding import Binding

from hybridml.domain.batch import ComputeEnvironment
from hybridml.render.batch import CE_COLUMNS, Cell, ce_row
from hybridml.tui import keys
from hybridml.tui.screens import batch_flows
from hybridml.tui.widgets.resource_view import ResourceView, Scope


class ComputeEnvironmentsView(ResourceView[ComputeEnvironment]):
    kind: ClassVar[str] = "ce"
    title: ClassVar[str] = "Compute environments"
    columns: ClassVar[tuple[str, ...]] = CE_COLUMNS

    BINDINGS: ClassVar[list[Binding]] = keys.bindings("ce")  # type: ignore[assignment]

    async def fetch(self) -> list[ComputeEnvironment]:
        return await self.services.batch.compute_environments()

    def row_key(self, item: ComputeEnvironment) -> str:
        return item.arn or item.name

    def display_name(self, item: ComputeEnvironment) -> str:
        return item.name

    def render_row(self, item: ComputeEnvironment, now: datetime) -> tuple[Cell, ...]:
        return ce_row(item)

    async def describe_json(self, item: ComputeEnvironment) -> str:
        return json.dumps(await self.services.batch.raw("compute_environment", item.name), indent=2, default=str)

    def drill(self, item: ComputeEnvironment) -> None:
        self.post_message(self.Drill("queues", Scope("ce", item.name)))

    async def act_batch_ce_scale(self) -> None:
        if self.selected is not None and await batch_flows.scale_ce_flow(self, self.selected):
            self.reload()

    async def act_batch_ce_state(self) -> None:
        if self.selected is not None and await batch_flows.ce_state_flow(self, self.selected):
            self.reload()

"""`:queues` — Batch job queues with per-status job counts."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from typing import ClassVar

from textual.binding import Binding

from hybridml.domain.batch import JobQueue, JobStatus
from hybridml.domain.submit import SubmitRequest
from hybridml.render.batch import QUEUE_COLUMNS, Cell, queue_row
from hybridml.tui import keys
from hybridml.tui.screens import batch_flows
from hybridml.tui.widgets.resource_view import ResourceView, Scope


class QueuesView(ResourceView[JobQueue]):
    kind: ClassVar[str] = "queues"
    title: ClassVar[str] = "Job queues"
    columns: ClassVar[tuple[str, ...]] = QUEUE_COLUMNS
    column_min: ClassVar[dict[str, int]] = {"NAME": 16}
    drop_order: ClassVar[tuple[str, ...]] = ("CES",)  # first to go at 80 columns (the queue's detail has them)

    BINDINGS: ClassVar[list[Binding]] = keys.bindings("queues")  # type: ignore[assignment]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.counts: dict[str, Counter[JobStatus]] = {}
        self.ce_names: dict[str, str] = {}

    async def fetch(self) -> list[JobQueue]:
        queues, envs = (
            await self.services.batch.job_queues(),
            await self.services.batch.compute_environments(),
        )
        self.ce_names = {ce.arn: ce.name for ce in envs}
        self.counts = await self.services.batch.status_counts([q.name for q in queues])
        return queues

    def partial_problem(self) -> tuple[str, str] | None:
        partial = self.services.batch.partial  # the counts come from the job sweep
        return None if partial is None else (f"counts from {partial.short()}", partial.summary())

    def row_key(self, item: JobQueue) -> str:
        return item.arn or item.name

    def display_name(self, item: JobQueue) -> str:
        return item.name

    def render_row(self, item: JobQueue, now: datetime) -> tuple[Cell, ...]:
        return queue_row(item, self.counts.get(item.name, Counter()), self.ce_names)

    def in_scope(self, item: JobQueue) -> bool:
        if self.scope is None or self.scope.field != "ce":
            return True
        return any(self.ce_names.get(arn, arn).endswith(self.scope.value) for arn in item.compute_environments)

    async def describe_json(self, item: JobQueue) -> str:
        return json.dumps(await self.services.batch.raw("job_queue", item.name), indent=2, default=str)

    def drill(self, item: JobQueue) -> None:
        self.post_message(self.Drill("jobs", Scope("queue", item.name)))

    async def act_batch_submit(self) -> None:
        queue = self.selected
        await batch_flows.submit_flow(self, SubmitRequest(queue.name if queue else "", "", ""))

    async def act_batch_queue_state(self) -> None:
        if self.selected is not None and await batch_flows.queue_state_flow(self, self.selected):
            self.reload()

    async def act_batch_queue_priority(self) -> None:
        if self.selected is not None and await batch_flows.queue_priority_flow(self, self.selected):
            self.reload()

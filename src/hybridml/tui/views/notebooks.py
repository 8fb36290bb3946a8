"""`:notebooks` — notebook instances and Studio apps: status, instance type, running since, $/h and what the
run cost so far; `ctrl+k` stops one (confirm). Longer than `[watches] notebook_idle_h` is highlighted."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from textual.binding import Binding

from hybridml.domain.notebooks import Notebook
from hybridml.render.notebooks import NOTEBOOK_COLUMNS, Cell, notebook_row
from hybridml.tui import keys
from hybridml.tui.screens import mlops_flows
from hybridml.tui.widgets.resource_view import ResourceView


class NotebooksView(ResourceView[Notebook]):
    kind: ClassVar[str] = "notebooks"
    title: ClassVar[str] = "Notebooks"
    columns: ClassVar[tuple[str, ...]] = NOTEBOOK_COLUMNS
    default_sort: ClassVar[str] = "RUNNING"
    default_reverse: ClassVar[bool] = True
    service: ClassVar[str] = "sagemaker-notebooks"

    BINDINGS: ClassVar[list[Binding]] = keys.bindings("notebooks")  # type: ignore[assignment]

    async def fetch(self) -> list[Notebook]:
        found = await self.services.notebooks.notebooks()
        if self.services.notebooks.unreadable:
            self.notify(self.services.notebooks.unreadable, title="notebooks: partly read", severity="warning")
        return found

    def heading(self) -> str:
        """With what every running notebook costs together, per hour (what matters on call)."""
        running = [n for n in self.items if n.running and n.price_per_hour is not None]
        total = sum(n.price_per_hour or 0.0 for n in running)
        return super().heading() + (f"  running ${total:,.2f}/h" if running else "")

    def row_key(self, item: Notebook) -> str:
        return item.key

    def render_row(self, item: Notebook, now: datetime) -> tuple[Cell, ...]:
        return notebook_row(item, now, self.services.settings.watches.notebook_idle_h)

    def sort_value(self, column: str, item: Notebook, cells: tuple[Cell, ...], now: datetime) -> Any:
        if column == "RUNNING":
            return (0, item.running_s(now) or -1.0, item.key)
        if column == "SO FAR":
            return (0, item.cost_so_far(now) or -1.0, item.key)
        if column == "AGE":
            return (0, -(item.created_at.timestamp() if item.created_at else 0.0), item.key)
        return super().sort_value(column, item, cells, now)

    async def describe_json(self, item: Notebook) -> str:
        return await self.services.notebooks.notebook_json(item)

    async def act_sagemaker_notebook_stop(self) -> None:
        """`ctrl+k` (flows.act runs it in a worker): StopNotebookInstance, or DeleteApp for a Studio app."""
        target = self.selected
        if target is None:
            self.notify("no notebook selected", severity="warning")
            return
        if not target.stoppable:
            message = f"{target.label} is {target.status}: only an InService notebook can be stopped"
            self.notify(message, severity="warning")
            return
        if await mlops_flows.stop_notebook_flow(self, target):
            self.notify(f"{target.label}: stop requested", title="notebooks")
            self.reload()

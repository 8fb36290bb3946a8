"""`:triage` — every finding fleet-wide, worst first. enter explains its resource, `a` applies its fix."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, ClassVar

from textual.binding import Binding

from hybridml import clock
from hybridml.domain.triage import Finding, Severity
from hybridml.headless.output import to_jsonable
from hybridml.render.triage import FINDING_COLUMNS, Cell, finding_row, finding_sort_key
from hybridml.snapshot import gather_context
from hybridml.triage.context import TriageContext
from hybridml.triage.engine import triage
from hybridml.tui import keys
from hybridml.tui.widgets.resource_view import ResourceView


class TriageView(ResourceView[Finding]):
    kind: ClassVar[str] = "triage"
    title: ClassVar[str] = "Triage"
    columns: ClassVar[tuple[str, ...]] = FINDING_COLUMNS
    default_sort: ClassVar[str] = "SEV"

    BINDINGS: ClassVar[list[Binding]] = keys.bindings("triage")  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.context: TriageContext | None = None

    async def fetch(self) -> list[Finding]:
        self.context = await gather_context(self.services)
        return triage(self.context, clock.utcnow())

    def heading(self) -> str:
        findings = self.items
        counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
        tally = "  ".join(f"{s.label} {counts[s]}" for s in reversed(Severity) if counts[s])
        if tally:
            note = f"  ({tally})"
        elif self.loaded_at is None or self.error is not None:
            note = "  (not read yet)" if self.error is None else "  (not read)"
        else:
            note = "  (nothing stuck in what was read)" if self.unread else "  (nothing stuck)"
        return super().heading() + note

    @property
    def unread(self) -> list[str]:
        """Parts of the fleet the last read could not see (their findings are missing), e.g. sagemaker."""
        return list(dict.fromkeys(part for part, _ in self.context.unreadable)) if self.context else []

    def partial_problem(self) -> tuple[str, str] | None:
        if self.context is None or not self.context.unreadable:
            return None
        detail = "; ".join(f"{part}: {why}" for part, why in self.context.unreadable)
        return f"not read: {', '.join(self.unread)}", f"triage did not read {detail}"

    def row_key(self, item: Finding) -> str:
        return item.key

    def render_row(self, item: Finding, now: datetime) -> tuple[Cell, ...]:
        return finding_row(item)

    def sort_value(self, column: str, item: Finding, cells: tuple[Cell, ...], now: datetime) -> Any:
        return (finding_sort_key(column, item), -int(item.severity), item.resource_name)

    def in_scope(self, item: Finding) -> bool:
        if self.scope is None:
            return True
        if self.scope.field == "severity":
            return item.severity.label == self.scope.value
        return True

    async def describe_json(self, item: Finding) -> str:
        return json.dumps(to_jsonable(item), indent=2)

    def drill(self, item: Finding) -> None:
        from hybridml.tui.screens.explain import ExplainScreen

        self.app.push_screen(ExplainScreen(self.services, item.resource_kind, item.resource_id, item.resource_name))

    async def act_triage_apply(self) -> None:
        from hybridml.tui.screens.explain import apply_fix

        item = self.selected
        if item is None or item.action is None:
            self.notify("no fix the app can apply for this finding", severity="warning")
            return
        if await apply_fix(self, item.action):
            self.reload()

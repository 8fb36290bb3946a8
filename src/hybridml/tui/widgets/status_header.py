"""The top bar: where we are (account, region, endpoint), freshness, the API budget and alerts.

At 80 columns not everything fits: parts give way by priority (the endpoint first, then the region...),
while the view, the API budget ("api N/300": requests in the last minute against `[aws] max_calls_per_min`),
problems and alerts stay.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from hybridml.render.safe import safe_str

SEP = "│ "


@dataclass
class Part:
    priority: int  # the lowest gives way first
    text: str
    short: str  # used before anything is dropped
    style: str = ""


class StatusHeader(Static):
    account: reactive[str] = reactive("…")
    aws_region: reactive[str] = reactive("")
    aws_endpoint: reactive[str] = reactive("")
    view_name: reactive[str] = reactive("")
    freshness: reactive[str] = reactive("loading…")
    api_rate: reactive[int] = reactive(0)  # requests sent in the last minute
    budget: reactive[int] = reactive(0)  # what the auto-refresh may send a minute now (lowered when throttled)
    budget_configured: reactive[int] = reactive(0)
    problem: reactive[str] = reactive("")
    alerts: reactive[str] = reactive("")
    mode: reactive[str] = reactive("")
    denied: reactive[str] = reactive("")  # panes the credentials cannot read

    def parts(self) -> list[Part]:
        """The bar's parts in display order; every value is sanitised (the problem and the alerts quote AWS)."""
        endpoint = safe_str(self.aws_endpoint.split("://", 1)[-1])
        account, region, problem = safe_str(self.account), safe_str(self.aws_region), safe_str(self.problem)
        denied, alerts, view = safe_str(self.denied), safe_str(self.alerts), safe_str(self.view_name)
        throttled = bool(self.budget_configured) and self.budget < self.budget_configured
        api = f"api {self.api_rate}/{self.budget}" if self.budget else f"api {self.api_rate}/min"
        api += " throttled" if throttled else ""
        found = [
            Part(9, " hybridml ", " hm ", "bold reverse"),
            Part(4, f" {account} ", f" {account} ", "bold"),
            Part(3, f"{SEP}{region} ", f"{SEP}{region} "),
            Part(1, f"{SEP}{endpoint} ", f"{SEP}{endpoint} ", "yellow") if self.aws_endpoint != "AWS" else None,
            Part(6, f"{SEP}{self.mode} ", f"{SEP}{self.mode} ", "bold magenta") if self.mode else None,
            Part(10, f"{SEP}:{view} ", f"{SEP}:{view} ", "bold cyan"),
            Part(5, f"{SEP}{self.freshness} ", f"{SEP}{self.freshness.replace('refreshed ', '')} "),
            Part(10, f"{SEP}{api} ", f"{SEP}{api} ", "bold yellow" if throttled else "dim"),
            Part(9, f"{SEP}⚠ {problem} ", f"{SEP}⚠ {problem[:30]} ", "bold red") if problem else None,
            Part(7, f"{SEP}⛔ no access: {denied} ", f"{SEP}⛔ {denied} ", "bold red") if denied else None,
            Part(8, f"{SEP}🔔 {alerts} ", f"{SEP}🔔 {alerts.split(':', 1)[0]} ", "bold yellow") if alerts else None,
        ]
        return [p for p in found if p is not None]

    def render(self) -> Text:
        """Built with `append` (never markup)."""
        parts = self.parts()
        width = self.size.width or 10_000

        def used() -> int:
            return sum(Text(p.text).cell_len for p in parts)

        for part in sorted(parts, key=lambda p: p.priority):  # long texts give way first...
            if used() <= width:
                break
            part.text = part.short
        while used() > width and len(parts) > 1:  # ...then whole parts
            parts.remove(min(parts, key=lambda p: p.priority))
        text = Text(no_wrap=True, overflow="ellipsis")
        for part in parts:
            text.append(part.text, style=part.style)
        return text

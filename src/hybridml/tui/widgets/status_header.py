"""The top bar: where we are (account, region, endpoint), freshness, the API budget and alerts.

At 80 columns not everything fits: parts give way by priority (the endpoint first, then the region...),
while the view, the API budget ("api N/300": requests in the last minute against `[aws] max_calls_per_min`),
problems and alerts stay.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

SEP = "│ "


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

    def parts(self) -> list[tuple[int, str, str]]:
        """(priority, text, style) in display order; the lowest priority gives way first."""
        shown_endpoint = self.aws_endpoint.split("://", 1)[-1]
        throttled = self.budget_configured and self.budget < self.budget_configured
        api = f"api {self.api_rate}/{self.budget}" if self.budget else f"api {self.api_rate}/min"
        found = [
            (9, " hybridml ", "bold reverse"),
            (4, f" {self.account} ", "bold"),
            (3, f"{SEP}{self.aws_region} ", ""),
            (1, f"{SEP}{shown_endpoint} ", "yellow") if self.aws_endpoint != "AWS" else None,
            (7, f"{SEP}{self.mode} ", "bold magenta") if self.mode else None,
            (10, f"{SEP}:{self.view_name} ", "bold cyan"),
            (5, f"{SEP}{self.freshness} ", ""),
            (10, f"{SEP}{api}{' throttled' if throttled else ''} ", "bold yellow" if throttled else "dim"),
            (8, f"{SEP}⚠ {self.problem} ", "bold red") if self.problem else None,
            (6, f"{SEP}⛔ no access: {self.denied} ", "bold red") if self.denied else None,
            (8, f"{SEP}🔔 {self.alerts} ", "bold yellow") if self.alerts else None,
        ]
        return [p for p in found if p is not None]

    def render(self) -> Text:
        parts = self.parts()
        width = self.size.width or 10_000
        while sum(Text(t).cell_len for _, t, _ in parts) > width and len(parts) > 1:
            lowest = min(range(len(parts)), key=lambda i: parts[i][0])
            del parts[lowest]
        text = Text(no_wrap=True, overflow="ellipsis")
        for _, part, style in parts:
            text.append(part, style=style)
        return text

"""The top bar: where we are (account, region, endpoint), freshness, API rate and alerts."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from hybridml.render.safe import safe_str


class StatusHeader(Static):
    account: reactive[str] = reactive("…")
    aws_region: reactive[str] = reactive("")
    aws_endpoint: reactive[str] = reactive("")
    view_name: reactive[str] = reactive("")
    freshness: reactive[str] = reactive("loading…")
    api_rate: reactive[int] = reactive(0)
    problem: reactive[str] = reactive("")
    alerts: reactive[str] = reactive("")
    mode: reactive[str] = reactive("")
    denied: reactive[str] = reactive("")  # panes the credentials cannot read

    def render(self) -> Text:
        """Built with `append` (never markup); every value is sanitised: the problem and the alerts quote AWS."""
        text = Text()
        text.append(" hybridml ", style="bold reverse")
        text.append(f" {safe_str(self.account)} ", style="bold")
        text.append(f"│ {safe_str(self.aws_region)} ")
        if self.aws_endpoint != "AWS":
            shown = self.aws_endpoint.split("://", 1)[-1]
            text.append(f"│ {safe_str(shown)} ", style="yellow")
        if self.mode:
            text.append(f"│ {safe_str(self.mode)} ", style="bold magenta")
        text.append(f"│ :{safe_str(self.view_name)} ", style="bold cyan")
        text.append(f"│ {safe_str(self.freshness)} ")
        text.append(f"│ api {self.api_rate}/min ", style="dim")
        if self.problem:
            text.append(f"│ ⚠ {safe_str(self.problem)} ", style="bold red")
        if self.denied:
            text.append(f"│ ⛔ no access: {safe_str(self.denied)} ", style="bold red")
        if self.alerts:
            text.append(f"│ 🔔 {safe_str(self.alerts)} ", style="bold yellow")
        return text

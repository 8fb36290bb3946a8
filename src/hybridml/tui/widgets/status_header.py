"""The top bar: the view, how fresh (or how stale, and why) it is, the API budget ("api N/300": requests in the
last minute against `[aws] max_calls_per_min`), problems and alerts, then where we are (the context: profile and
region; the account; the endpoint). At 80 columns the parts give way by priority (render/header.py): the endpoint
and the account shorten and go first; the view, staleness, the budget, problems and alerts stay."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from hybridml.render.header import Freshness, fit, header_parts


class StatusHeader(Static):
    account: reactive[str] = reactive("…")
    aws_region: reactive[str] = reactive("")
    aws_profile: reactive[str] = reactive("")  # '' or 'default': not shown
    aws_endpoint: reactive[str] = reactive("")
    view_name: reactive[str] = reactive("")
    freshness: reactive[str] = reactive("loading…")
    stale: reactive[bool] = reactive(False)
    api_rate: reactive[int] = reactive(0)  # requests sent in the last minute
    budget: reactive[int] = reactive(0)  # what the auto-refresh may send a minute now (lowered when throttled)
    budget_configured: reactive[int] = reactive(0)
    problem: reactive[str] = reactive("")
    alerts: reactive[str] = reactive("")
    mode: reactive[str] = reactive("")
    denied: reactive[str] = reactive("")  # panes the credentials cannot read
    context_label: reactive[str] = reactive("")  # set by `:ctx`: a profile and region, or "3 regions"

    @property
    def context(self) -> str:
        """`profile@region` (the region alone for the default profile), or what `:ctx` chose."""
        if self.context_label:
            return self.context_label
        profile = self.aws_profile if self.aws_profile not in ("", "default") else ""
        return f"{profile}@{self.aws_region}" if profile else self.aws_region

    def render(self) -> Text:
        """Built with `append` (never markup); every value is sanitised in `header_parts`."""
        throttled = bool(self.budget_configured) and self.budget < self.budget_configured
        api = f"api {self.api_rate}/{self.budget}" if self.budget else f"api {self.api_rate}/min"
        parts = header_parts(
            account=self.account,
            context=self.context,
            endpoint="" if self.aws_endpoint in ("", "AWS") else self.aws_endpoint,
            mode=self.mode,
            view=self.view_name,
            fresh=Freshness(self.freshness, self.stale),
            api=api + (" throttled" if throttled else ""),
            api_alarm=throttled,
            problem=self.problem,
            denied=self.denied,
            alerts=self.alerts,
        )
        return fit(parts, self.size.width or 10_000)

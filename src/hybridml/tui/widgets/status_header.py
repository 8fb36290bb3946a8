"""The top bar: the view, how fresh (or how stale, and why) it is, problems and alerts, then where we are (the
context: profile and region; the account; the endpoint) and the API rate. At 80 columns the parts give way by
priority (render/header.py): the endpoint and the account shorten and go first; staleness, problems and alerts
stay."""

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
    api_rate: reactive[int] = reactive(0)
    problem: reactive[str] = reactive("")
    alerts: reactive[str] = reactive("")
    mode: reactive[str] = reactive("")
    denied: reactive[str] = reactive("")  # panes the credentials cannot read

    @property
    def context(self) -> str:
        """`profile@region` (the region alone for the default profile)."""
        profile = self.aws_profile if self.aws_profile not in ("", "default") else ""
        return f"{profile}@{self.aws_region}" if profile else self.aws_region

    def render(self) -> Text:
        """Built with `append` (never markup); every value is sanitised in `header_parts`."""
        parts = header_parts(
            account=self.account,
            context=self.context,
            endpoint="" if self.aws_endpoint in ("", "AWS") else self.aws_endpoint,
            mode=self.mode,
            view=self.view_name,
            fresh=Freshness(self.freshness, self.stale),
            api=f"api {self.api_rate}/min",
            problem=self.problem,
            denied=self.denied,
            alerts=self.alerts,
        )
        return fit(parts, self.size.width or 10_000)

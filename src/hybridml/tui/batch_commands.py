"""Command palette entries for the Batch actions; each runs the active view's action of that name."""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.app import App

from hybridml.tui.commands import EntriesProvider

# (palette name, help, view action, views that have it)
BATCH_ACTIONS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "submit job",
        "New Batch job: queue, definition, parameters, overrides (n)",
        "new_job",
        ("jobs", "queues", "jobdefs"),
    ),
    ("clone job", "Submit form prefilled from the selected job (c)", "clone", ("jobs",)),
    ("resubmit failed job", "Resubmit the selected FAILED job as it was (R)", "resubmit", ("jobs",)),
    ("cancel / terminate jobs", "Stop the marked (or selected) jobs, with a reason (ctrl+k)", "kill", ("jobs",)),
    ("mark job", "Mark / unmark the selected job for bulk actions (space)", "toggle_mark", ("jobs",)),
    ("unmark all jobs", "Clear every mark (U)", "clear_marks", ("jobs",)),
    ("scale compute environment", "Change min / desired / max vCPUs (s)", "scale", ("ce",)),
    ("enable / disable", "Toggle the state of the selected CE or queue (e)", "toggle_state", ("ce", "queues")),
    ("queue priority", "Change the selected queue's priority (p)", "priority", ("queues",)),
)


def run_view_action(app: App[Any], action: str, kinds: tuple[str, ...]) -> None:
    view = getattr(app, "active_view", None)
    method = getattr(view, f"action_{action}", None) if view is not None else None
    if method is None:
        app.notify(f"only in the {' / '.join(kinds)} view{'s' if len(kinds) > 1 else ''}", severity="warning")
        return
    method()


class BatchActionCommands(EntriesProvider):
    def _entries(self) -> list[tuple[str, str, Any]]:
        return [
            (name, help_text, partial(run_view_action, self.app, action, kinds))
            for name, help_text, action, kinds in BATCH_ACTIONS
        ]

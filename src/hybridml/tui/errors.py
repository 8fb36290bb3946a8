"""Errors from workers end up in one place: `HybridApp.report_failure`.

A worker catches `AwsError` (what AWS or the network did) and says so where it makes sense; anything else is
a bug and propagates. The worker then fails, and whichever node ran it hands the error to the app, which
shows it as an internal error and writes the traceback to the debug log: never an "AwsError: AttributeError"
toast, never a refresh that silently stops.
"""

from __future__ import annotations

from textual.dom import DOMNode
from textual.worker import Worker, WorkerState

from hybridml.tui.console import console


class ReportsWorkerErrors(DOMNode):
    """Mixin for views and screens that run workers: a failed worker is reported by the app."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state is WorkerState.ERROR and worker.error is not None:
            console(self).report_failure(worker.error, worker.name or worker.group)

"""The typed way for views, screens and flows to reach the app: `console(widget)` (no `getattr`, no
`type: ignore`). `HybridApp` implements `Console`; this module imports no Textual app (no import cycle)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.widget import Widget

    from hybridml.domain.batch import Job
    from hybridml.launch.launcher import Launcher
    from hybridml.services import Services
    from hybridml.tui.keygate import KeyGate


class Console(Protocol):
    services: Services
    key_gate: KeyGate

    @property
    def launcher(self) -> Launcher: ...

    def report_problem(self, message: str) -> None: ...

    def report_failure(self, error: BaseException, what: str) -> None: ...

    def show_view(self, kind: str, scope: object | None = None, *, remember: bool = True) -> None: ...

    def show_job(self, job_id: str) -> None: ...

    def open_job_logs(self, job: Job) -> None: ...

    def open_logs_of(self, view: Any) -> None:
        """`l` on a ResourceView's selected row (typed loosely: tui.console sits below tui.widgets)."""

    def act(self, host: Widget, action_id: str) -> None:
        """Run an action key's flow on `host` (`tui.screens.flows.act`)."""


def console(node: DOMNode) -> Console:
    """The app behind `node`, as the console it is."""
    return cast("Console", node.app)

"""Shared bits of the SageMaker pilot tests."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from hybridml.config import SageMakerSettings, Settings
from hybridml.tui.app import HybridApp
from hybridml.tui.views.endpoints import EndpointsView
from tests.conftest import TEST_AWS
from tests.tui.helpers import plain, wait_for


def settings(tmp_path: Path) -> Settings:
    return Settings(
        aws=TEST_AWS,
        audit_log=str(tmp_path / "audit.jsonl"),
        sagemaker=SageMakerSettings(endpoint_poll_s=0.05, endpoint_wait_s=20),
    )


def endpoints_view(app: HybridApp) -> EndpointsView:
    view = app.views["endpoints"]
    assert isinstance(view, EndpointsView)
    return view


async def open_on(pilot: object, app: HybridApp, name: str) -> EndpointsView:
    """The endpoints view (the app starts on it), filtered down to one endpoint so it is selected."""
    await wait_for(pilot, lambda: "endpoints" in app.views and app.views["endpoints"].loaded_at is not None)  # type: ignore[arg-type]
    view = endpoints_view(app)
    await wait_for(pilot, lambda: name in view.by_key)  # type: ignore[arg-type]
    await pilot.press("slash", *f"^{name}$", "enter")  # type: ignore[attr-defined]
    assert view.selected is not None and view.selected.name == name
    return view


def progress(view: EndpointsView) -> str:
    return plain(view.query_one("#ep-progress", Static))


def record_progress(view: EndpointsView) -> list[str]:
    """Every line the progress line shows from now on, in order: a line that stays only briefly (a test's short
    PROGRESS_KEEP_S) is still seen on a machine too loaded to look at the screen in time."""
    lines: list[str] = []
    view.progress_listeners.add(lambda message: lines.append(str(message)))
    return lines

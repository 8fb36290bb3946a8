"""One worker-error handler: AWS failures are said plainly; a bug is a visible error with its traceback in the
debug log, never an "AwsError: AttributeError" toast nor a refresh that silently stops (issue 13.4)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from hybridml.debuglog import LOGGER, open_debug_log
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.tui.app import HybridApp
from hybridml.tui.views.queues import QueuesView
from tests.conftest import make_services
from tests.tui.helpers import wait_for


async def test_a_bug_in_a_refresh_is_shown_as_one(
    fleet: EmbeddedFleet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = open_debug_log(str(tmp_path / "state" / "debug.log"))
    assert log is not None and (log.stat().st_mode & 0o777) == 0o600

    async def broken(self: QueuesView) -> list[object]:
        raise AttributeError("'JobQueue' object has no attribute 'prioritty'")

    monkeypatch.setattr(QueuesView, "fetch", broken)
    app = HybridApp(make_services(fleet), start_view="queues", debug_log=log)
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            # the toast is a posted message: it lands after the count moved
            await wait_for(pilot, lambda: any(n.title == "bug" for n in app._notifications))
            assert app.internal_errors >= 1
            [toast] = [n for n in app._notifications if n.title == "bug"]
            assert "AttributeError: 'JobQueue' object has no attribute 'prioritty'" in toast.message
            assert str(log) in toast.message
            assert not any(n.message.startswith("AwsError") for n in app._notifications)
            assert app.is_running and app.header.problem == ""  # not blamed on AWS
            assert app.views["queues"].loading_since is None  # the next tick fetches again: it did not stop
    finally:
        for handler in logging.getLogger(LOGGER).handlers[:]:
            handler.close()
            logging.getLogger(LOGGER).removeHandler(handler)
    text = log.read_text()
    assert "Traceback (most recent call last)" in text and "prioritty" in text

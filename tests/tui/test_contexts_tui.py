"""Issue 14.15 in the TUI at 80x24: `:ctx` lists the contexts, enter switches without restarting (new
services, views read again there, the header shows the context), `:ctx NAME` switches at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from hybridml.config import Settings, WatchSettings
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.tui.app import HybridApp
from hybridml.tui.screens.contexts import ContextScreen
from tests.conftest import TEST_AWS, make_services
from tests.tui.helpers import wait_for


async def test_ctx_switches_profile_and_region_without_restarting(
    fleet: EmbeddedFleet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    config.write_text("[profile staging]\nregion = eu-west-1\naws_secret_access_key = s3cr3t-never-shown\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    settings = Settings(aws=TEST_AWS, audit_log="", watches=WatchSettings(enabled=False))
    app = HybridApp(make_services(fleet, settings))
    async with app.run_test(size=(80, 24)) as pilot:
        jobs = app.views["jobs"]
        await wait_for(pilot, lambda: jobs.loaded_at is not None and len(jobs.store) > 0)
        first = app.services
        await pilot.press("colon", *"ctx", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ContextScreen))
        screen = app.screen
        assert isinstance(screen, ContextScreen)
        labels = [c.label for c in screen.contexts]
        assert labels[0] == fleet.region and "staging@eu-west-1" in labels
        shown = " ".join(str(screen.query_one("OptionList").get_option_at_index(i).prompt) for i in range(len(labels)))
        assert "s3cr3t" not in shown
        await pilot.press(*["down"] * labels.index("staging@eu-west-1"), "enter")
        await wait_for(pilot, lambda: app.services is not first and "jobs" in app.views)
        assert len(app.screen_stack) == 1
        assert app.services.session.region == "eu-west-1" and app.services.session.profile == "staging"
        assert first.session._clients == {}  # the old clients were closed
        view = app.views["jobs"]
        assert view is not jobs  # rebuilt: read again in the new context (moto's eu-west-1 is empty)
        await wait_for(pilot, lambda: view.loaded_at is not None)
        assert len(view.store) == 0
        assert "staging@eu-west-1" in app.header.render().plain
        await pilot.press("colon", *f"ctx {fleet.region}", "enter")  # back, by name
        await wait_for(pilot, lambda: app.services.session.region == fleet.region)
        view = app.views["jobs"]
        await wait_for(pilot, lambda: view.loaded_at is not None and len(view.store) > 0)
        await pilot.press("colon", *"ctx nowhere", "enter")
        await wait_for(pilot, lambda: any("no context 'nowhere'" in n.message for n in app._notifications))
        assert app.services.session.region == fleet.region

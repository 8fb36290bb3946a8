"""Issue 14.15 (`:ctx *`, `--all-regions`) at 80x24: :jobs and :all read the region in use and `[aws] regions`
side by side with a REGION column; a region that cannot be read is named while the others' rows stay; a
context switch goes back to one region."""

from __future__ import annotations

from typing import Any

import pytest

from hybridml.aws.errors import Unreachable
from hybridml.config import Settings, WatchSettings
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.tui.app import HybridApp
from hybridml.tui.views.regional import RegionJobsView, RegionWorkloadsView
from tests.conftest import TEST_AWS, make_services
from tests.tui.helpers import wait_for

OTHER = "eu-west-1"


def regions_app(fleet: EmbeddedFleet, *, regions: tuple[str, ...] = (OTHER,), **kwargs: Any) -> HybridApp:
    settings = Settings(
        aws=TEST_AWS.model_copy(update={"regions": regions}), audit_log="", watches=WatchSettings(enabled=False)
    )
    return HybridApp(make_services(fleet, settings), **kwargs)


async def test_all_regions_side_by_side_with_a_region_column(fleet: EmbeddedFleet, monkeypatch: Any) -> None:
    app = regions_app(fleet, all_regions=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.active_view, RegionJobsView))
        view = app.active_view
        assert view is not None and app.region_set is not None
        await wait_for(pilot, lambda: view.loaded_at is not None and len(view.store) > 0)
        other = app.region_set.services[OTHER]
        assert app.region_set.regions == [fleet.region, OTHER] and other is not app.services
        assert other.session.region == OTHER and other.session.meter.total > 0  # read there too (moto: empty)
        assert {k.split("/", 1)[0] for k in view.store.items} == {fleet.region}
        header = "".join(s.text for s in view.table.render_line(0))
        row = view.table.plain_row(0)
        assert header.startswith("REGION") and "AGE" in header and row[0] == fleet.region
        assert f"{fleet.region} +1" in app.header.render().plain
        assert view.partial is None

        async def unreachable(*_: Any, **__: Any) -> Any:
            raise Unreachable("connection to AWS lost", service="batch")

        monkeypatch.setattr(other.batch, "all_jobs", unreachable)
        rows = len(view.store)
        stamp = view.loaded_at
        view.reload()
        await wait_for(pilot, lambda: view.loaded_at != stamp)
        assert view.partial is not None and OTHER in view.partial[0]  # named in the title...
        assert f"not read: {OTHER}" in view.heading()
        assert len(view.store) == rows  # ...while the region that answered keeps its rows

        await pilot.press("colon", *"all", "enter")
        await wait_for(pilot, lambda: isinstance(app.active_view, RegionWorkloadsView))
        everything = app.active_view
        assert everything is not None
        await wait_for(pilot, lambda: everything.loaded_at is not None and len(everything.store) > 0)
        assert everything.table.plain_row(0)[0] == fleet.region

        await pilot.press("colon", *f"ctx {fleet.region}", "enter")  # one region again
        await wait_for(pilot, lambda: (app.region_set is None and "jobs" not in app.views) or app.region_set is None)
        await wait_for(
            pilot, lambda: app.active_view is not None and not isinstance(app.active_view, RegionWorkloadsView)
        )
        assert f"{fleet.region} +1" not in app.header.render().plain


async def test_side_by_side_needs_more_than_one_region(fleet: EmbeddedFleet) -> None:
    app = regions_app(fleet, regions=())
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.active_view is not None and app.active_view.loaded_at is not None)
        await pilot.press("colon", *"ctx *", "enter")
        await wait_for(pilot, lambda: any("need more than one" in n.message for n in app._notifications))
        assert app.region_set is None and not isinstance(app.active_view, RegionJobsView)


def test_cli_has_all_regions() -> None:
    from hybridml.cli import build_parser

    assert build_parser().parse_args(["--all-regions"]).all_regions is True


@pytest.fixture(autouse=True)
def _no_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_PROFILE", raising=False)

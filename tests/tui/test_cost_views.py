"""Pilot tests at 80x24: `$/H` in :endpoints, the idle-endpoint watch in the header, `COST/H` in :all."""

from __future__ import annotations

from pathlib import Path

from hybridml.config import Settings, WatchSettings
from hybridml.domain import prices
from hybridml.fleet import catalog
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.render.sagemaker import ENDPOINT_COLUMNS
from hybridml.render.triage import WORKLOAD_COLUMNS
from hybridml.tui.app import HybridApp
from tests.conftest import TEST_AWS, make_services
from tests.tui.helpers import wait_for
from tests.tui.screen_scan import frame

IDLE = catalog.IDLE_ENDPOINTS[0][0]


def settings(tmp_path: Path, **watches: object) -> Settings:
    return Settings(
        aws=TEST_AWS, audit_log=str(tmp_path / "audit.jsonl"), watches=WatchSettings(interval_s=3600, **watches)
    )


async def test_endpoints_show_cost_per_hour_and_the_idle_watch(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    app = HybridApp(make_services(fleet, settings(tmp_path)), start_view="endpoints")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "endpoints" in app.views and app.views["endpoints"].loaded_at is not None)
        view = app.views["endpoints"]
        column = ENDPOINT_COLUMNS.index("$/H")
        cost = {name: view.cells_of(name)[column] for name in ("yolo-dogs-prod", IDLE, "resnet-shadow")}
        # instances x catalogue price: 2 x ml.g5.xlarge, 1 x ml.g4dn.xlarge; Creating with none running: "-"
        assert cost == {"yolo-dogs-prod": "$2.82", IDLE: "$0.736", "resnet-shadow": "-"}
        assert prices.hourly("ml.g5.xlarge") == 1.408
        # on screen at 80 columns, not scrolled off to the right (other tests add endpoints: show the demo's)
        await pilot.press("slash", *"^yolo-dogs-", "enter")
        await wait_for(pilot, lambda: "$/H" in frame(app).text and "$2.82" in frame(app).text)
        # whole names (NAME keeps its minimum while it is the sorted column, titled "NAME↑"); the optional columns
        # gave way, so nothing is hidden off to the right
        assert view.sort_column == "NAME" and "NAME↑" in frame(app).text
        assert IDLE in frame(app).text and "yolo-dogs-canary" in frame(app).text
        assert view.table.virtual_size.width <= view.table.scrollable_content_region.width
        await pilot.press("escape")  # the filter cleared: every endpoint again
        await wait_for(pilot, lambda: "text-embed" in view.shown_keys)
        while view.sort_column != "$/H":  # `o`: sort by the next column
            await pilot.press("o")
        costs = [view.by_key[k].price_per_hour or 0.0 for k in view.shown_keys]
        assert costs == sorted(costs, reverse=True) and costs[0] > 0  # by the figure, dearest first
        names = [view.by_key[k].name for k in view.shown_keys]
        assert names.index("yolo-dogs-prod") < names.index("text-embed")  # $2.82 before $1.22 (not by text)
        # the watch ran after the first load: the forgotten endpoint is named with what it costs a day
        await wait_for(pilot, lambda: any(a.key == f"idle/{IDLE}" for a in app.alerts))
        [idle] = [a for a in app.alerts if a.key.startswith("idle/")]
        assert idle.text == f"endpoint {IDLE} idle (no invocations in 24h): $17.66/day"
        assert app.bells >= 1 and app.header.alerts.startswith(f"{len(app.alerts)}: ")


async def test_idle_watch_alone_notifies_and_is_off_at_zero(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    quiet = {
        "runnable_after_min": 0,
        "queue_blocked": False,
        "failed_in_a_row": 0,
        "pipeline_failed": False,
        "monitor_violations": False,
        "notebook_idle_h": 0,
    }
    only_idle = settings(tmp_path, endpoint_not_in_service_after_min=0, **quiet)
    app = HybridApp(make_services(fleet, only_idle), start_view="endpoints")
    said: list[str] = []
    notify = app.notify
    app.notify = lambda message, **kw: (said.append(str(message)), notify(message, **kw))[-1]  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.bells == 1)
        assert [a.key for a in app.alerts] == [f"idle/{IDLE}"]
        assert f"endpoint {IDLE} idle (no invocations in 24h): $17.66/day" in said
    off = settings(tmp_path, idle_endpoint_h=0, **quiet)  # the endpoint watch stays on: the watch surely ran
    app = HybridApp(make_services(fleet, off), start_view="endpoints")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.bells == 1)
        assert app.alerts and not [a for a in app.alerts if a.key.startswith("idle/")]


async def test_all_has_a_cost_column(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    app = HybridApp(make_services(fleet, settings(tmp_path, enabled=False)), start_view="all")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "all" in app.views and app.views["all"].loaded_at is not None)
        view = app.views["all"]
        column = WORKLOAD_COLUMNS.index("COST/H")
        by_name = {w.name: w for w in view.items}
        assert view.cells_of(by_name["yolo-dogs-prod"].key)[column] == "$2.82"
        training = by_name["dogs-yolo11s-ft-1124"]  # InProgress on one ml.g5.xlarge
        assert view.cells_of(training.key)[column] == "$1.41"
        assert view.cells_of(by_name["dogs-yolo11n-ft-1121"].key)[column] == "-"  # Completed: nothing billed
        await wait_for(pilot, lambda: "COST/H" in frame(app).text)
        for _ in range(len(WORKLOAD_COLUMNS)):  # `o` sorts by the next column, until COST/H
            if view.sort_column == "COST/H":
                break
            await pilot.press("o")
        assert view.sort_column == "COST/H" and "sort:COST/H" in frame(app).text
        first = view.by_key[view.shown_keys[0]]
        assert first.hourly == max(w.hourly or 0.0 for w in view.items) > 0  # the dearest first

        def shown_costs() -> list[float]:
            lines = frame(app).text.splitlines()
            at = lines[2].index("COST/H")
            cells = [line[at : at + 8].split() for line in lines[3:] if len(line) > at]
            return [float(c[0].lstrip("$").replace(",", "")) for c in cells if c and c[0].startswith("$")]

        # on screen at 80x24: the column shows the figures, dearest first (from the first row: the cursor kept its
        # row through the sort)
        await pilot.press("home")
        await wait_for(pilot, lambda: len(shown_costs()) >= 10)
        assert shown_costs() == sorted(shown_costs(), reverse=True)

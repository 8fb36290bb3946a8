"""Under ListJobs faults (some lists fail after the retries) a refresh keeps the last good rows of the lists
that failed, marked stale, and shows the rest fresh; the view says 'partial', the header why."""

from __future__ import annotations

import pytest
from rich.text import Text

from hybridml.cli import build_parser
from hybridml.fleet.faultproxy import FaultProxy, FaultRules
from hybridml.services import Services
from hybridml.tui.app import HybridApp
from tests.faults.test_view_faults import loaded, title
from tests.tui.helpers import wait_for


async def test_failed_job_lists_keep_their_rows_and_the_rest_refreshes(services: Services, proxy: FaultProxy) -> None:
    app = HybridApp(services)
    async with app.run_test(size=(140, 30)) as pilot:
        rows = await loaded(pilot, app)
        view = app.active_view
        assert view is not None
        shown = set(view.shown_keys)
        # A sweep lists new jobs (ListJobs) and refreshes the known active ones (DescribeJobs): when the describes
        # fail, the listing still succeeds, and the active rows keep their last good state, stale.
        proxy.set_rules(FaultRules(error_rate=1.0, services={"batch"}, operations={"DescribeJobs"}))
        # the view reads first, then tells the app (a Loaded message), which sets the header: wait for both
        await wait_for(pilot, lambda: view.partial is not None and app.header.problem != "")

        partial = services.batch.partial
        assert partial is not None and 0 < len(partial.failed) < partial.total and "DescribeJobs" in partial.failed
        assert proxy.count(operation="DescribeJobs", outcome="error") >= 1
        assert view.error is None and not view.stale  # not a failed refresh: a partial one
        assert shown <= set(view.shown_keys) and view.table.row_count >= rows  # nothing shown was dropped
        assert "⚠ partial:" in title(app) and "reads failed" in app.header.problem
        stale = [k for k in view.shown_keys if k in partial.stale_ids]
        assert stale  # the rows of a list not read: kept, and dimmed
        from datetime import UTC, datetime

        cell = view.render_row(view.by_key[stale[0]], datetime.now(UTC))[1]  # what the table paints for it
        assert isinstance(cell, Text) and "dim" in str(cell.style)

        proxy.clear()
        await wait_for(pilot, lambda: view.partial is None and app.header.problem == "")
        assert "partial" not in title(app)


async def test_triage_names_the_panes_it_could_not_read(
    services: Services, proxy: FaultProxy, capsys: pytest.CaptureFixture[str]
) -> None:
    proxy.set_rules(FaultRules(access_denied={"sagemaker"}))
    args = build_parser().parse_args(["triage"])
    code = await args.func(args, services)
    captured = capsys.readouterr()
    assert code in (0, 3)
    assert "not read: sagemaker" in captured.err and "its findings are missing" in captured.err

    app = HybridApp(services, start_view="triage")
    async with app.run_test(size=(140, 30)) as pilot:
        view = app.active_view
        assert view is not None
        await wait_for(pilot, lambda: view.loaded_at is not None)
        assert "not read: sagemaker" in title(app)
        assert "nothing stuck)" not in title(app) or "in what was read" in title(app)
        await wait_for(pilot, lambda: "sagemaker" in app.header.problem)


async def test_triage_that_cannot_read_batch_never_says_nothing_is_stuck(services: Services, proxy: FaultProxy) -> None:
    proxy.set_rules(FaultRules(error_rate=1.0, services={"batch"}))
    app = HybridApp(services, start_view="triage")
    async with app.run_test(size=(140, 30)) as pilot:
        view = app.active_view
        assert view is not None
        await wait_for(pilot, lambda: view.error is not None)
        assert "(not read)" in title(app) and "nothing stuck" not in title(app)

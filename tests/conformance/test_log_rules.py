"""Issue 11.10 / 11.11 / 14.4: following a job's log ends when the job ends (polling and live tail), a line put
while following shows on the next poll, lines written before a live-tail session are not skipped, the status never
says "following" while nothing is polled, and a `--since` window returns no old lines."""

from __future__ import annotations

import asyncio
import io
import os
import queue
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from hybridml.aws.logs import LiveTailUpdate, LogsService
from hybridml.config import UiSettings
from hybridml.domain.logs import BATCH_LOG_GROUP, LogSource
from hybridml.fleet.backends import logs_backend
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.seed import JobSeeder
from hybridml.headless.logs import print_logs
from hybridml.logtail.follower import LogBatch, LogFollower
from hybridml.logtail.livetail import LiveTailer
from hybridml.logtail.sources import resolver
from hybridml.services import Services
from tests.conformance.conftest import cites, unique
from tests.conftest import HANG_GUARD_S

ROOT = Path(__file__).resolve().parents[2]
FORWARD = "If you have reached the end of the stream, it returns the same token you passed in."


def now_ms() -> int:
    import time

    return int(time.time() * 1000)


def put(stream: str, lines: list[str], at_ms: int | None = None) -> None:
    base = now_ms() if at_ms is None else at_ms
    logs_backend().put_log_events(
        BATCH_LOG_GROUP, stream, [{"timestamp": base + i, "message": m} for i, m in enumerate(lines)]
    )


def running_job(seeder: JobSeeder, name: str) -> Any:
    job = seeder.submit(unique(name), "cpu-etl", "etl-parquet")
    seeder.set_state(job, "RUNNING", 120)
    return job


def finish(job: Any, status: str = "SUCCEEDED") -> None:
    """What Batch does when the job ends: the attempt joins `attempts`, the job is terminal."""
    stream = job.log_stream_name
    stopped = now_ms()
    job.attempts.append({"container": {"logStreamName": stream, "exitCode": 0}, "startedAt": stopped - 1000,
                         "stoppedAt": stopped})  # fmt: skip
    job.exit_code = 0
    job.job_stopped = True
    job.status = status


async def collect(batches: AsyncIterator[LogBatch], until: Any, limit_s: float = 20.0) -> list[LogBatch]:
    seen: list[LogBatch] = []
    async with asyncio.timeout(max(limit_s, HANG_GUARD_S)):  # a hang guard only
        async for batch in batches:
            seen.append(batch)
            if until(seen):
                break
    return seen


def lines(batches: list[LogBatch]) -> list[str]:
    return [e.message for b in batches for e in b.events]


async def test_a_line_put_while_following_comes_with_the_next_poll(services: Services, seeder: JobSeeder) -> None:
    """GetLogEvents `nextForwardToken`: "The token for the next set of items in the forward direction." One poll
    after a line is put (every `ui.log_poll_s`, 1 s by default), it is printed: within 1.5 s of being put."""
    cites("logs", "GetLogEventsResponse", "nextForwardToken", "The token for the next set of items in the forward")
    assert UiSettings().log_poll_s <= 1.0
    job = running_job(seeder, "conf-follow")
    follower = LogFollower(services.logs, resolver(services.batch, services.logs, LogSource.batch_job(job.job_id)))
    batches = follower.batches()
    await collect(batches, lambda seen: seen[-1].status.state == "following")
    meter = services.session.meter.by_operation
    before = meter.get("GetLogEvents", 0)
    put(job.log_stream_name, ["a line put while following"])
    got = await collect(batches, lambda seen: "a line put while following" in lines(seen))
    follower.stop()
    assert lines(got) == ["a line put while following"]
    assert meter.get("GetLogEvents", 0) - before <= 2  # the very next poll of the stream found it


def _spawn(fleet: EmbeddedFleet, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    env.update(AWS_ACCESS_KEY_ID=fleet.access_key, AWS_SECRET_ACCESS_KEY=fleet.secret_key)
    command = [sys.executable, "-m", "hybridml", "--endpoint-url", fleet.url, "--region", fleet.region, "logs", *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def test_logs_follow_prints_new_lines_and_exits_0_when_the_job_ends(fleet: EmbeddedFleet, seeder: JobSeeder) -> None:
    """`hybridml logs JOB --follow` prints a line put after it started, and ends (exit 0) when the job reaches a
    terminal state (JobDetail `stoppedAt`: "when the job transitioned from the RUNNING state to a terminal state,
    such as SUCCEEDED or FAILED")."""
    cites("batch", "JobDetail", "stoppedAt", "transitioned from the RUNNING state to a terminal state")
    job = running_job(seeder, "conf-follow-cli")
    proc = _spawn(fleet, job.job_id, "--follow")
    got: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            got.put(line.rstrip("\n"))

    threading.Thread(target=pump, daemon=True).start()
    try:
        assert got.get(timeout=HANG_GUARD_S).startswith("INFO starting etl-parquet")
        put(job.log_stream_name, ["written after the follow started"])
        while got.get(timeout=HANG_GUARD_S) != "written after the follow started":
            pass
        finish(job)
        assert proc.wait(timeout=HANG_GUARD_S) == 0
        assert proc.stderr is not None and "Traceback" not in proc.stderr.read()
    finally:
        proc.kill()


async def test_status_is_waiting_not_following_while_no_stream_is_live(services: Services, seeder: JobSeeder) -> None:
    """RetryStrategy `attempts`: "The number of times to move a job to the RUNNABLE status." Between two attempts the
    job is RUNNABLE again: its first stream is read to the end and nothing is polled, so the status says it waits
    for the next attempt instead of "following" (issue 11.10)."""
    cites("batch", "RetryStrategy", "attempts", "The number of times to move a job to the RUNNABLE status.")
    job = seeder.submit(unique("conf-retry"), "cpu-etl", "etl-parquet")
    seeder.set_state(job, "FAILED", 300)  # one attempt ended...
    job.job_stopped, job.status = False, "RUNNABLE"  # ...and Batch moved the job back to RUNNABLE for the next
    source = LogSource.batch_job(job.job_id)
    follower = LogFollower(services.logs, resolver(services.batch, services.logs, source), poll_s=0.2)
    seen = await collect(follower.batches(), lambda s: s[-1].status.state == "waiting")
    follower.stop()
    assert lines(seen) and "attempt 2 has not started" in str(seen[-1].status)
    assert all(b.status.state != "following" for b in seen)


class ScriptedLiveTail(LogsService):
    """The real service (streams, GetLogEvents, STS from the fleet) with StartLiveTail from a script: moto cannot
    serve its event stream. `before_start` runs when the session opens, before the sessionStart frame."""

    def __init__(self, services: Services, before_start: Any = None) -> None:
        super().__init__(services.session)
        self.before_start = before_start
        self.sessions = 0

    async def live_tail(self, group_arns: Sequence[str], stream_names: Sequence[str]) -> AsyncIterator[LiveTailUpdate]:
        self.sessions += 1
        if self.before_start is not None and self.sessions == 1:
            self.before_start()
        yield LiveTailUpdate((), started=True)
        await asyncio.Event().wait()  # the service keeps the session open (up to 3 hours)


async def test_live_tail_session_ends_when_the_job_ends(services: Services, seeder: JobSeeder) -> None:
    """StartLiveTail: "A SessionTimeoutException object is returned when the session times out, after it has been
    kept open for three hours." The follow does not wait for that: when the job ends, the session is closed, the last
    lines are read and the follow ends (issue 11.11)."""
    cites("logs", "StartLiveTail", None, "after it has been kept open for three hours")
    job = running_job(seeder, "conf-livetail-end")
    logs = ScriptedLiveTail(services)
    follower = LogFollower(
        logs,
        resolver(services.batch, logs, LogSource.batch_job(job.job_id)),
        poll_s=0.2,
        resolve_every_s=0.2,
        live_tail=LiveTailer(logs, recheck_s=0.2),
    )
    batches = follower.batches()
    await collect(batches, lambda s: s[-1].status.mode == "live tail")
    put(job.log_stream_name, ["the last line"])
    finish(job)
    rest = await collect(batches, lambda s: s[-1].status.state == "ended")
    assert "the last line" in lines(rest) and rest[-1].status.state == "ended"


async def test_lines_written_before_the_live_tail_session_are_fetched(services: Services, seeder: JobSeeder) -> None:
    """StartLiveTail "returns a stream of log events that have been recently ingested": lines written after the last
    poll but before the session started are not in it; they are read with GetLogEvents when the session opens."""
    cites("logs", "StartLiveTail", None, "returns a stream of log events that have been recently ingested")
    job = running_job(seeder, "conf-livetail-gap")
    logs = ScriptedLiveTail(services, before_start=lambda: put(job.log_stream_name, ["in the gap"]))
    follower = LogFollower(
        logs,
        resolver(services.batch, logs, LogSource.batch_job(job.job_id)),
        poll_s=0.2,
        live_tail=LiveTailer(logs, recheck_s=5),
    )
    seen = await collect(follower.batches(), lambda s: "in the gap" in lines(s))
    follower.stop()
    assert seen[-1].status.mode == "live tail" and logs.sessions == 1


async def test_since_window_returns_no_old_lines(services: Services, seeder: JobSeeder) -> None:
    """GetLogEvents `startTime`: "Events with a timestamp earlier than this time are not included."; then
    `nextForwardToken` continues from there: "If you have reached the end of the stream, it returns the same token you
    passed in." A `--since 5m` read (and the log view's 1m..1h windows) shows only newer lines, also while following
    (issue 14.4; the fleet patch `logs_forward_token_continues_after_a_start_time_read`)."""
    cites(
        "logs", "GetLogEventsRequest", "startTime", "Events with a timestamp earlier than this time are not included."
    )
    cites("logs", "GetLogEventsResponse", "nextForwardToken", FORWARD)
    job = running_job(seeder, "conf-since")
    stream = f"etl-parquet/default/{unique('since')}"
    logs_backend().create_log_stream(BATCH_LOG_GROUP, stream)
    job.log_stream_name = stream  # a stream holding only the lines below
    put(stream, [f"old {i}" for i in range(30)], at_ms=now_ms() - 20 * 60_000)
    put(stream, ["recent 1", "recent 2"], at_ms=now_ms() - 60_000)
    out = io.StringIO()
    state = {"put": False}

    def until() -> bool:
        if "recent 2" in out.getvalue() and not state["put"]:
            put(stream, ["newest"])
            state["put"] = True
        return "newest" in out.getvalue()

    code = await print_logs(services, LogSource.batch_job(job.job_id), out=out, err=io.StringIO(), follow=True,
                            since_ms=now_ms() - 5 * 60_000, poll_s=0.2, until=until)  # fmt: skip
    assert code == 0 and out.getvalue().splitlines() == ["recent 1", "recent 2", "newest"]

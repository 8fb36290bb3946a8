"""Live logs against the embedded fleet: end-to-end latency (PutLogEvents -> line on `hybridml logs`
stdout, and in the TUI log view) at 1 s polling, lines/s into the view with keypress response while
ingesting, and peak RSS with 100,000 lines kept. Compared with `awslogs get --watch` on the same stream.

Run: `python -m bench.bench_logs` (part of `make bench`). The TUI part runs in a child process so its
RSS is the viewer's alone (the moto server lives in this process).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GROUP = "/aws/sagemaker/TrainingJobs"
TUI_LINES = 100_000
LIVE_S = 6.0
LATENCY_SAMPLES = 60
LOGS_ARGS = ("logs", "--follow", "--poll", "1")
AWSLOGS_ARGS = ("--watch", "-i", "1", "-G", "-S", "-s", "5m", "--aws-region", "us-east-1")
TARGETS = {"p50_s": 1.5, "lines_per_s": 5000, "key_ms": 100, "rss_mb": 300}


def _env(url: str) -> dict[str, str]:
    from hybridml.fleet.server import DEMO_ACCESS_KEY, DEMO_SECRET_KEY

    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    path = os.pathsep.join([str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH", "")])
    env.update(
        PYTHONPATH=path,
        AWS_ACCESS_KEY_ID=DEMO_ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY=DEMO_SECRET_KEY,
        AWS_DEFAULT_REGION="us-east-1",
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


def _peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM). Not ru_maxrss: on Linux that survives exec, so a child started
    from the fleet process would report the fleet's size."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# -- latency: hybridml logs --follow vs awslogs get --watch, same stream ---------------------------------
class Reader:
    """Reads a subprocess's stdout on a thread; records when each `bench <n>` line arrives."""

    def __init__(self, name: str, command: list[str], env: dict[str, str]) -> None:
        self.name = name
        self.arrived: dict[int, float] = {}
        self.warm = threading.Event()
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            now = time.time()
            if "warmup" in line:
                self.warm.set()
            marker = line.find("bench ")
            if marker >= 0:
                token = line[marker + 6 :].split()[0]
                if token.isdigit():
                    self.arrived.setdefault(int(token), now)

    def stop(self) -> str:
        self.proc.terminate()
        try:
            _, err = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return err or ""


def latency_phase(url: str) -> dict[str, Any]:
    import boto3

    from hybridml.fleet.server import DEMO_ACCESS_KEY, DEMO_REGION, DEMO_SECRET_KEY

    logs = boto3.client(
        "logs",
        endpoint_url=url,
        region_name=DEMO_REGION,
        aws_access_key_id=DEMO_ACCESS_KEY,
        aws_secret_access_key=DEMO_SECRET_KEY,
    )
    job = f"bench-latency-{uuid.uuid4().hex[:6]}"
    stream = f"{job}/algo-1-1"
    logs.create_log_stream(logGroupName=GROUP, logStreamName=stream)
    env = _env(url)
    readers = [
        Reader(
            "hybridml logs --follow",
            [
                sys.executable,
                "-m",
                "hybridml",
                "--endpoint-url",
                url,
                "--region",
                DEMO_REGION,
                *LOGS_ARGS,
                f"training/{job}",
            ],
            env,
        )
    ]
    awslogs = shutil.which("awslogs", path=str(Path(sys.executable).parent)) or shutil.which("awslogs")
    if awslogs:
        readers.append(
            Reader(
                "awslogs get --watch",
                [awslogs, "get", GROUP, f"{job}/algo-1-1", *AWSLOGS_ARGS, "--aws-endpoint-url", url],
                env,
            )
        )
    put_at: dict[int, float] = {}
    try:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline and not all(r.warm.is_set() for r in readers):
            logs.put_log_events(
                logGroupName=GROUP,
                logStreamName=stream,
                logEvents=[{"timestamp": int(time.time() * 1000), "message": "warmup"}],
            )
            time.sleep(0.5)
        rng = random.Random(3)
        for seq in range(LATENCY_SAMPLES):
            now = time.time()
            logs.put_log_events(
                logGroupName=GROUP,
                logStreamName=stream,
                logEvents=[{"timestamp": int(now * 1000), "message": f"bench {seq}"}],
            )
            put_at[seq] = now
            time.sleep(rng.uniform(0.05, 0.35))
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not all(len(r.arrived) >= LATENCY_SAMPLES for r in readers):
            time.sleep(0.1)
    finally:
        errors = {r.name: r.stop() for r in readers}
    results: dict[str, Any] = {"awslogs_found": bool(awslogs)}
    for reader in readers:
        lat = [reader.arrived[s] - put_at[s] for s in put_at if s in reader.arrived]
        results[reader.name] = {
            "p50": _pct(lat, 0.5),
            "p95": _pct(lat, 0.95),
            "got": len(lat),
            "sent": len(put_at),
            "warm": reader.warm.is_set(),
            "stderr": errors[reader.name].strip().splitlines()[-3:],
        }
    return results


# -- the TUI log view, in a child process -----------------------------------------------------------
def tui_phase(url: str) -> dict[str, Any]:
    from hybridml.fleet.backends import logs_backend

    job = f"bench-tui-{uuid.uuid4().hex[:6]}"
    stream = f"{job}/algo-1-1"
    backend = logs_backend()
    backend.create_log_stream(GROUP, stream)
    base = int(time.time() * 1000) - 30 * 60 * 1000
    rng = random.Random(1)
    for start in range(0, TUI_LINES, 10_000):
        backend.put_log_events(
            GROUP,
            stream,
            [
                {"timestamp": base + i, "message": f"epoch={i // 5000} step={i} loss={rng.random():.4f} lr=0.001"}
                for i in range(start, start + 10_000)
            ],
        )
    child = subprocess.Popen(
        [sys.executable, "-m", "bench.bench_logs", "--tui-child", url, job],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(url),
        cwd=ROOT,
    )
    assert child.stdout is not None
    ready = child.stdout.readline()
    live_sent = 0
    if ready.strip() == "READY":
        live_sent = _write_live(url, stream)
    out, err = child.communicate(timeout=180)
    try:
        result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"error": (err or out or ready)[-2000:]}
    result["live_sent"] = live_sent
    return result


def _write_live(url: str, stream: str) -> int:
    """Through the API, as fast as the server takes it: batches of 2,000 lines for LIVE_S seconds."""
    import boto3

    from hybridml.fleet.server import DEMO_ACCESS_KEY, DEMO_REGION, DEMO_SECRET_KEY

    logs = boto3.client(
        "logs",
        endpoint_url=url,
        region_name=DEMO_REGION,
        aws_access_key_id=DEMO_ACCESS_KEY,
        aws_secret_access_key=DEMO_SECRET_KEY,
    )
    sent, end = 0, time.monotonic() + LIVE_S
    while time.monotonic() < end:
        now = time.time()
        events = [{"timestamp": int(now * 1000), "message": f"live t={now:.6f} n={sent + i}"} for i in range(2000)]
        logs.put_log_events(logGroupName=GROUP, logStreamName=stream, logEvents=events)
        sent += len(events)
        time.sleep(0.05)
    return sent


async def _tui_child(url: str, job: str) -> dict[str, Any]:
    from hybridml.config import AwsSettings, Settings, UiSettings
    from hybridml.domain.logs import LogSource
    from hybridml.fleet.server import DEMO_ACCESS_KEY, DEMO_REGION, DEMO_SECRET_KEY
    from hybridml.services import Services
    from hybridml.tui.app import HybridApp
    from hybridml.tui.screens.log_view import LogScreen, open_logs

    settings = Settings(
        aws=AwsSettings(max_attempts=2, retry_mode="standard"),
        audit_log="",
        ui=UiSettings(log_max_lines=TUI_LINES, log_poll_s=1.0, refresh_s=3600),
    )
    services = Services.build(
        settings, region=DEMO_REGION, endpoint_url=url, static_credentials=(DEMO_ACCESS_KEY, DEMO_SECRET_KEY)
    )
    app = HybridApp(services, start_view="queues")
    result: dict[str, Any] = {}
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause(0.2)
        result["rss_base_mb"] = _peak_rss_mb()
        open_logs(app, LogSource.training_job(job))
        while not isinstance(app.screen, LogScreen) or not app.screen.query("LogPane"):
            await pilot.pause(0.01)
        screen = app.screen
        view_latency: list[float] = []
        original = screen.pane.append

        def timed_append(events: list[Any]) -> None:
            original(events)
            now = time.time()
            for event in events[:: max(1, len(events) // 20)]:
                if event.message.startswith("live t="):
                    view_latency.append(now - float(event.message[7:].split()[0]))

        screen.pane.append = timed_append  # type: ignore[method-assign]
        keys: list[float] = []  # key sent -> first line of the log pane repainted after the action ran
        handled: list[float] = []  # key sent -> the action ran
        mark: dict[str, float | None] = {"handled": None, "painted": None}
        pane = screen.pane
        render_line, toggle = pane.render_line, screen.action_toggle_timestamps

        painted = asyncio.Event()

        def timed_render_line(y: int) -> Any:
            if mark["handled"] is not None and mark["painted"] is None:
                mark["painted"] = time.perf_counter()
                painted.set()
            return render_line(y)

        def timed_toggle() -> None:
            toggle()
            mark["handled"] = time.perf_counter()

        pane.render_line = timed_render_line  # type: ignore[method-assign]
        screen.action_toggle_timestamps = timed_toggle  # type: ignore[method-assign]

        async def press_and_time() -> None:
            from textual import events

            mark.update(handled=None, painted=None)
            painted.clear()
            start = time.perf_counter()
            app._driver.send_message(events.Key("T", "T"))  # what Pilot.press does, without waiting for idle
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(painted.wait(), timeout=5)
            if mark["handled"] is not None and mark["painted"] is not None:
                handled.append(mark["handled"] - start)
                keys.append(mark["painted"] - start)

        start = time.perf_counter()
        deadline = start + 150
        while screen.received < TUI_LINES and time.perf_counter() < deadline:
            await press_and_time()
            await pilot.pause(0.02)
        backfill_s = time.perf_counter() - start
        screen.flush()
        result["backfill_lines"] = screen.received
        result["backfill_s"] = backfill_s
        result["backfill_keys"] = len(keys)
        result["rss_ready_mb"] = _peak_rss_mb()
        print("READY", flush=True)
        live_start, live_from = time.perf_counter(), screen.received
        while time.perf_counter() - live_start < LIVE_S + 2.5:
            await press_and_time()
            await pilot.pause(0.02)
        screen.flush()
        result["live_lines"] = screen.received - live_from
        result["live_s"] = time.perf_counter() - live_start
        result["kept"] = len(screen.pane.buffer)
        result["key_ms_p50"] = _pct(keys, 0.5) * 1000
        result["key_ms_p95"] = _pct(keys, 0.95) * 1000
        result["key_ms_max"] = max(keys) * 1000
        result["handled_ms_p95"] = _pct(handled, 0.95) * 1000
        result["keys"] = len(keys)
        result["view_p50"] = _pct(view_latency, 0.5)
        result["view_p95"] = _pct(view_latency, 0.95)
        result["flushes"] = screen.flushes
    result["rss_mb"] = _peak_rss_mb()
    return result


# -- report -----------------------------------------------------------------------------------------
def _row(name: str, value: str, target: str, ok: bool | None) -> str:
    verdict = "" if ok is None else ("ok" if ok else "MISS")
    return f"{name:<58} {value:>18}  {target:<12} {verdict}"


def main() -> int:
    from hybridml.fleet.embedded import EmbeddedFleet

    fleet = EmbeddedFleet.start(jobs=10, simulate=False)
    try:
        latency = latency_phase(fleet.url)
        tui = tui_phase(fleet.url)
    finally:
        fleet.stop()
    print(_row("measure", "value", "target", None))
    ours = latency["hybridml logs --follow"]
    print(
        _row(
            "latency put->stdout, hybridml logs --follow (1 s poll) p50",
            f"{ours['p50']:.3f} s",
            "<= 1.5 s",
            ours["p50"] <= TARGETS["p50_s"],
        )
    )
    print(_row("latency put->stdout, hybridml logs --follow p95", f"{ours['p95']:.3f} s", "", None))
    print(_row("  lines received / sent", f"{ours['got']}/{ours['sent']}", "", ours["got"] == ours["sent"]))
    theirs = latency.get("awslogs get --watch")
    if theirs is None:
        print(_row("awslogs get --watch", "not installed", "", None))
    elif not theirs["got"]:
        print(_row("awslogs get --watch (--aws-endpoint-url)", "no lines", "", None))
        print("   awslogs stderr:", " | ".join(theirs["stderr"]))
    else:
        print(_row("latency put->stdout, awslogs get --watch -i 1 p50", f"{theirs['p50']:.3f} s", "", None))
        print(_row("latency put->stdout, awslogs get --watch -i 1 p95", f"{theirs['p95']:.3f} s", "", None))
        print(_row("  awslogs lines received / sent", f"{theirs['got']}/{theirs['sent']}", "", None))
    if "error" in tui:
        print("TUI child failed:", tui["error"])
        return 1
    backfill_rate = tui["backfill_lines"] / tui["backfill_s"]
    live_rate = tui["live_lines"] / tui["live_s"]
    print(
        _row(
            "latency put->log view (1 s poll, under load) p50",
            f"{tui['view_p50']:.3f} s",
            "<= 1.5 s",
            tui["view_p50"] <= TARGETS["p50_s"],
        )
    )
    print(_row("latency put->log view p95", f"{tui['view_p95']:.3f} s", "", None))
    print(
        _row(
            f"ingest into view: {tui['backfill_lines']:,} lines backlog",
            f"{backfill_rate:,.0f} lines/s",
            ">= 5,000/s",
            backfill_rate >= TARGETS["lines_per_s"],
        )
    )
    print(
        _row(
            f"ingest into view: live, {tui['live_lines']:,} of {tui['live_sent']:,} put in {LIVE_S:g} s",
            f"{live_rate:,.0f} lines/s",
            "(put rate)",
            tui["live_lines"] >= tui["live_sent"],
        )
    )
    print(
        _row(
            f"keypress -> repaint while ingesting p50 ({tui['keys']} keys)",
            f"{tui['key_ms_p50']:.1f} ms",
            "<= 100 ms",
            tui["key_ms_p50"] <= TARGETS["key_ms"],
        )
    )
    print(
        _row(
            "keypress -> repaint while ingesting p95 / max",
            f"{tui['key_ms_p95']:.0f} / {tui['key_ms_max']:.0f} ms",
            "",
            None,
        )
    )
    print(_row("keypress -> action ran p95", f"{tui['handled_ms_p95']:.1f} ms", "", None))
    print(
        _row(
            f"peak RSS of the viewer, {tui['kept']:,} lines kept",
            f"{tui['rss_mb']:.0f} MB",
            "< 300 MB",
            tui["rss_mb"] < TARGETS["rss_mb"],
        )
    )
    print(
        f"   (viewer RSS before opening the log view: {tui['rss_base_mb']:.0f} MB; "
        f"right after the 100,000-line backlog: {tui['rss_ready_mb']:.0f} MB)"
    )
    return 0


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "--tui-child":
        print(json.dumps(asyncio.run(_tui_child(sys.argv[2], sys.argv[3]))), flush=True)
        sys.exit(0)
    sys.exit(main())

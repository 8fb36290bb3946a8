"""The demo fleet in a child process, so `hybridml --demo` paints fast and stays responsive.

moto's import and the seeding take most of a second of CPU each, and the simulator keeps working
afterwards; in the TUI's own process all of it would share one GIL with the UI. A child process does it
on another core while the TUI imports and starts. The endpoint is known at once (the parent picks the
port), and `AwsSession.hold_until` makes calls wait for the child's milestones:

- `batch_ready`: Batch's infrastructure and the first screenful of jobs (the newest) are seeded: the jobs
  view paints them while the child seeds the rest;
- `ready`: every job, job logs and SageMaker are seeded too (or the child failed: calls then fail and say so).
  The TUI then refreshes once, in full (`HybridApp(fleet_ready=...)`), to show what came after the first screen.

`python -m hybridml.fleet.process --port N [--jobs 300] [--simulate] [--hostile]` is the child; it prints `batch`,
then `ready`, and exits when its stdin closes (the parent exits or dies).
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from hybridml.fleet.server import DEMO_ACCESS_KEY, DEMO_REGION, DEMO_SECRET_KEY

# Seeded in the background after Batch: calls to these wait for `FleetProcess.ready`.
LATE_SERVICES: tuple[str, ...] = ("sagemaker", "logs", "cloudwatch", "application-autoscaling", "s3")
BATCH_MILESTONE = "batch"
FIRST_SCREEN = 60  # jobs seeded before the `batch` milestone: a tall terminal's first screen
READY_MILESTONE = "ready"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class FleetProcess:
    """The parent's handle: same `url`/`region`/keys/`stop()` as `EmbeddedFleet`, plus milestones."""

    process: subprocess.Popen[str]
    port: int
    batch_ready: threading.Event = field(default_factory=threading.Event)
    ready: threading.Event = field(default_factory=threading.Event)
    error: str = ""

    region = DEMO_REGION
    access_key = DEMO_ACCESS_KEY
    secret_key = DEMO_SECRET_KEY

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    def start(
        cls,
        *,
        jobs: int = 300,
        simulate: bool = True,
        port: int | None = None,
        hostile: bool = False,
        run_containers: bool = False,
    ) -> FleetProcess:
        port = port or free_port()
        args = [sys.executable, "-m", "hybridml.fleet.process", "--port", str(port), "--jobs", str(jobs)]
        if simulate:
            args.append("--simulate")
        if hostile:
            args.append("--hostile")
        if run_containers:
            args.append("--run-containers")
        process = subprocess.Popen(
            args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # ^C in the TUI goes to the TUI, which then stops the child
        )
        fleet = cls(process=process, port=port)
        threading.Thread(target=fleet._watch, name="demo-fleet", daemon=True).start()
        return fleet

    def _watch(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.strip() == BATCH_MILESTONE:
                self.batch_ready.set()
            elif line.strip() == READY_MILESTONE:
                self.ready.set()
        code = self.process.wait()
        if not self.ready.is_set():
            stderr = self.process.stderr.read() if self.process.stderr is not None else ""
            last = stderr.strip().splitlines()[-1:] or [f"exit status {code}"]
            self.error = f"demo fleet process failed: {last[0]}"
        self.batch_ready.set()  # never leave callers waiting on a dead child
        self.ready.set()

    def stop(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            try:
                self.process.stdin.close()
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m hybridml.fleet.process")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--jobs", type=int, default=300)
    parser.add_argument("--simulate", action="store_true")
    parser.add_argument("--hostile", action="store_true", help="add the hostile resources (fleet/hostile.py)")
    parser.add_argument("--run-containers", action="store_true", help="run the bundled container (fleet/containers.py)")
    args = parser.parse_args(argv)

    from hybridml.fleet.inject import DEMO_EXTRAS
    from hybridml.fleet.seed import finish_seed, seed_batch
    from hybridml.fleet.server import start_moto_server
    from hybridml.fleet.simulator import Simulator

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", args.port))  # fail fast: moto's server thread would wait forever on a taken port
    server = start_moto_server(port=args.port)
    simulator = None
    try:
        plan = seed_batch(
            server.url,
            jobs=args.jobs,
            defer_logs=True,
            first=FIRST_SCREEN,
            on_first=lambda: print(BATCH_MILESTONE, flush=True),
        )
        finish_seed(plan)
        simulator = Simulator(plan.result)
        for cause in DEMO_EXTRAS:  # the triage causes the seed does not show by itself
            simulator.inject(cause)
        if args.hostile:
            from hybridml.fleet.hostile import pin, seed_hostile

            pin(simulator, seed_hostile(server.url))
        from hybridml.fleet.containers import HOST

        HOST.enabled = args.run_containers  # after seeding: what is launched from now on runs for real
        print(READY_MILESTONE, flush=True)
        if args.simulate:
            simulator.start(1.0)
        sys.stdin.read()  # until the parent closes our stdin or exits
    finally:
        from hybridml.fleet.containers import HOST

        HOST.shutdown()
        if simulator is not None:
            simulator.stop()  # a no-op when it never started
        server.stop()


if __name__ == "__main__":
    main()

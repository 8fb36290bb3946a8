"""A big fleet behind a slow link, in its own process so it never shares the measured app's GIL or RSS.

`python -m bench._fleet --jobs 10000 --queues 12 --endpoints 200 --training 1000 --latency 0.05` starts moto
(with the fleet's patches: AWS's documented page sizes), seeds it, puts a FaultProxy adding `--latency` seconds
to every call in front, prints one JSON line ({"moto": url, "proxy": url, "seed_s": ...}) and then answers
commands on stdin, one per line, with one JSON line each:

- `calls`: the requests the proxy saw since the last `reset` ({"total": n, "by_operation": {...}});
- `reset`: forget them.

It exits when stdin closes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import IO, Any


@dataclass
class FleetProcess:
    """The parent's handle on a running fleet process."""

    process: subprocess.Popen[str]
    moto: str
    proxy: str
    seed_s: float

    def ask(self, command: str) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        answer: dict[str, Any] = json.loads(self.process.stdout.readline())
        return answer

    def calls(self) -> dict[str, Any]:
        return self.ask("calls")

    def reset(self) -> None:
        self.ask("reset")

    def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start(jobs: int, queues: int, endpoints: int, training: int, latency_s: float) -> FleetProcess:
    args = [sys.executable, "-m", "bench._fleet", "--jobs", str(jobs), "--queues", str(queues)]
    args += ["--endpoints", str(endpoints), "--training", str(training), "--latency", str(latency_s)]
    process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    stdout: IO[str] | None = process.stdout
    assert stdout is not None
    line = stdout.readline()
    if not line:
        process.wait()
        raise RuntimeError(f"fleet process exited with {process.returncode} before it was ready")
    info: dict[str, Any] = json.loads(line)
    return FleetProcess(process, str(info["moto"]), str(info["proxy"]), float(info["seed_s"]))


class _NoDangling:
    """Stands in for `threading._dangling` while seeding: moto's Batch jobs are Thread objects that are never
    started here, and registering 100,000 of them in that WeakSet is most of the seeding time."""

    def add(self, _: object) -> None:
        pass

    def discard(self, _: object) -> None:
        pass

    def __iter__(self) -> Any:
        return iter(())


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench._fleet")
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--queues", type=int, default=12)
    parser.add_argument("--endpoints", type=int, default=200)
    parser.add_argument("--training", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()

    from hybridml.fleet.faultproxy import FaultProxy, FaultRules
    from hybridml.fleet.seed import seed_fleet
    from hybridml.fleet.server import start_moto_server

    server = start_moto_server()
    started = time.perf_counter()
    dangling = threading._dangling  # type: ignore[attr-defined]
    threading._dangling = _NoDangling()  # type: ignore[attr-defined]
    try:
        seed_fleet(
            server.url,
            jobs=args.jobs,
            queues=args.queues,
            endpoints=args.endpoints,
            training_jobs=args.training,
            job_logs=False,
        )
    finally:
        threading._dangling = dangling  # type: ignore[attr-defined]
    seed_s = time.perf_counter() - started
    proxy = FaultProxy(server.url)
    proxy.set_rules(FaultRules(latency_s=args.latency))
    proxy.start()
    print(json.dumps({"moto": server.url, "proxy": proxy.url, "seed_s": round(seed_s, 2)}), flush=True)
    try:
        for line in sys.stdin:  # until the parent closes our stdin (or dies)
            command = line.strip()
            if command == "calls":
                records = proxy.calls.snapshot()
                by_operation = Counter(str(r.operation) for r in records)
                print(json.dumps({"total": len(records), "by_operation": dict(by_operation)}), flush=True)
            elif command == "reset":
                proxy.reset_counts()
                print(json.dumps({"ok": True}), flush=True)
            else:
                print(json.dumps({"error": f"unknown command {command!r}"}), flush=True)
    finally:
        proxy.stop()
        server.stop()


if __name__ == "__main__":
    main()

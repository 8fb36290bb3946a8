"""The demo fleet's compute: runs the bundled YOLO container on this machine where AWS would run it on an instance.

moto never runs a container: a Batch job is SUCCEEDED at once, a processing job Completed at once, an endpoint
InService at once with a canned answer. For the one image the demo has (the bundled container, `gpu_container/`,
in its own Python environment `.venv-gpu`), the fleet does what AWS does with it instead: it starts the container
with the arguments AWS would pass, streams its output into the CloudWatch stream AWS would write, and ends the job
with the container's exit code (`fleet/patches_launch.py` wires this into Batch, Processing and hosting).

What differs from an instance, on purpose and only here:
- the demo's "instances" have no GPU: `--device cuda` runs as `--device cpu`;
- they are this machine: the demo's videos and the callback receiver are on its loopback, which the container
  refuses by default, so `--allow-private-urls` is added;
- the image's baked-in weights are the demo weights (`hybridml.launch.demo_image`), via `DOGWATCH_WEIGHTS`.

Off unless enabled (`EmbeddedFleet.start(run_containers=True)`, the demo does): tests that submit the YOLO
image without wanting it run leave it off. Other images are never run (moto's behaviour stays).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BUNDLED_REPOSITORIES = ("hybridml/yolo-dogs", "dogwatch")
SERVE_READY_S = 300.0  # hang guard: the model loads in a few seconds
INVOKE_TIMEOUT_S = 60.0  # InvokeEndpoint: "model containers must respond to requests within 60 seconds"
TIMED_OUT = 0  # the status a timed-out invocation reports ("Received server error (0) from primary ...")
STOP_GRACE_S = 5.0

LineSink = Callable[[str], None]


def is_bundled_image(image: str) -> bool:
    """`…/hybridml/yolo-dogs:tag` (or `@sha256:…`), or a `dogwatch` image: the container the demo can run."""
    repository = image.split("@", 1)[0]
    last = repository.rsplit("/", 1)[-1]
    if ":" in last:
        repository = repository[: len(repository) - len(last)] + last.split(":", 1)[0]
    return repository.endswith(BUNDLED_REPOSITORIES)


def _checkout() -> Path:
    from hybridml.launch.local import CHECKOUT

    return CHECKOUT


def container_python() -> Path:
    return _checkout() / ".venv-gpu" / "bin" / "python"


def container_main() -> Path:
    return _checkout() / "gpu_container" / "src" / "main.py"


def host_arguments(args: list[str]) -> list[str]:
    """The container's arguments as they run here: the image's entrypoint dropped (`python3 src/main.py`), no
    GPU (`--device cuda` -> cpu), the demo's loopback addresses allowed."""
    out = list(args)
    if out[:2] == ["python3", "src/main.py"]:
        out = out[2:]
    for i, arg in enumerate(out[:-1]):
        if arg == "--device" and out[i + 1].startswith("cuda"):
            out[i + 1] = "cpu"
    if "--allow-private-urls" not in out:
        out.append("--allow-private-urls")
    return out


@dataclass
class _Run:
    key: str
    process: subprocess.Popen[str] | None = None
    stop_requested: bool = False
    url: str = ""  # serve mode: where it listens
    ready: threading.Event = field(default_factory=threading.Event)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ContainerHost:
    def __init__(self) -> None:
        self.enabled = False
        self.batch_jobs: set[str] = set()  # Batch job ids whose lifecycle the host drives (the simulator skips them)
        self._runs: dict[str, _Run] = {}
        self._lock = threading.Lock()

    def can_run(self, image: str) -> bool:
        return self.enabled and is_bundled_image(image)

    def _env(self, extra: dict[str, str]) -> dict[str, str]:
        from hybridml.launch.demo_image import ensure_demo_weights

        weights = ensure_demo_weights(container_python(), container_main().parent)
        return {
            **os.environ,
            **extra,
            "DOGWATCH_WEIGHTS": str(weights),
            "YOLO_OFFLINE": "1",
            "PYTHONUNBUFFERED": "1",
        }

    def start(
        self,
        key: str,
        args: list[str],
        env: dict[str, str],
        *,
        on_start: Callable[[], None],
        on_line: LineSink,
        on_exit: Callable[[int, bool, str], None],
    ) -> None:
        """Run the container with `args` on a thread: `on_start` once it runs, `on_line` per output line,
        `on_exit(code, stopped, problem)` at the end (`problem`: why it could not start)."""
        run = _Run(key)
        with self._lock:
            self._runs[key] = run
        threading.Thread(
            target=self._run, args=(run, args, env, on_start, on_line, on_exit), name=f"container {key}", daemon=True
        ).start()

    def _run(
        self,
        run: _Run,
        args: list[str],
        env: dict[str, str],
        on_start: Callable[[], None],
        on_line: LineSink,
        on_exit: Callable[[int, bool, str], None],
    ) -> None:
        try:
            full_env = self._env(env)
            argv = [str(container_python()), str(container_main()), *host_arguments(args)]
            with self._lock:
                if run.stop_requested:
                    on_exit(143, True, "")
                    return
                run.process = subprocess.Popen(
                    argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=full_env, errors="replace"
                )
        except Exception as exc:  # the demo reports it like AWS would: the job fails with the reason
            on_exit(127, False, f"the demo fleet cannot run the container here: {exc}")
            return
        on_start()
        assert run.process.stdout is not None
        for line in run.process.stdout:
            on_line(line.rstrip("\n"))
        code = run.process.wait()
        with self._lock:
            self._runs.pop(run.key, None)
        on_exit(code, run.stop_requested, "")

    def stop(self, key: str) -> bool:
        """Ask the container `key` to stop (SIGTERM, SIGKILL after a grace period); False when it is not running."""
        with self._lock:
            run = self._runs.get(key)
            if run is None:
                return False
            run.stop_requested = True
            process = run.process
        if process is not None and process.poll() is None:
            process.terminate()

            def kill() -> None:
                if process.poll() is None:
                    process.kill()

            threading.Timer(STOP_GRACE_S, kill).start()
        return True

    # -- serve mode (endpoints) -----------------------------------------------------------------------------
    def serve(
        self,
        key: str,
        env: dict[str, str],
        *,
        on_ready: Callable[[], None],
        on_line: LineSink,
        on_exit: Callable[[int, str], None],
    ) -> None:
        """Start `main.py serve` for endpoint `key`; `on_ready` once GET /ping answers 200."""
        run = _Run(key)
        with self._lock:
            self._runs[key] = run

        def main() -> None:
            port = _free_port()
            args = ["serve", "--host", "127.0.0.1", "--port", str(port), "--device", "cpu", "--allow-private-urls"]
            try:
                full_env = self._env(env)
                run.process = subprocess.Popen(
                    [str(container_python()), str(container_main()), *args],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    env=full_env,
                    errors="replace",
                )
            except Exception as exc:
                with self._lock:
                    self._runs.pop(key, None)
                on_exit(127, f"the demo fleet cannot run the container here: {exc}")
                return
            run.url = f"http://127.0.0.1:{port}"
            threading.Thread(target=self._ping, args=(run, on_ready), daemon=True).start()
            assert run.process.stdout is not None
            for line in run.process.stdout:
                on_line(line.rstrip("\n"))
            code = run.process.wait()
            with self._lock:
                self._runs.pop(key, None)
            on_exit(code, "" if run.stop_requested else f"the container exited with {code}")

        threading.Thread(target=main, name=f"serve {key}", daemon=True).start()

    def _ping(self, run: _Run, on_ready: Callable[[], None]) -> None:
        deadline = time.monotonic() + SERVE_READY_S
        while time.monotonic() < deadline and run.process is not None and run.process.poll() is None:
            try:
                with urllib.request.urlopen(f"{run.url}/ping", timeout=2) as answer:
                    if answer.status == 200:
                        run.ready.set()
                        on_ready()
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.3)

    def serving(self, key: str) -> bool:
        with self._lock:
            run = self._runs.get(key)
        return run is not None and run.ready.is_set()

    def invoke(self, key: str, body: bytes, content_type: str) -> tuple[int, bytes, str]:
        """POST /invocations to endpoint `key`'s container: (HTTP status, body, content type)."""
        with self._lock:
            run = self._runs.get(key)
        if run is None or not run.ready.is_set():
            raise LookupError(key)
        request = urllib.request.Request(
            f"{run.url}/invocations", data=body, headers={"Content-Type": content_type or "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=INVOKE_TIMEOUT_S) as answer:
                return answer.status, answer.read(), answer.headers.get("Content-Type", "application/json")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(), exc.headers.get("Content-Type", "application/json")
        except (TimeoutError, urllib.error.URLError, OSError):
            message = b"Your invocation timed out while waiting for a response from container primary."
            return TIMED_OUT, message, "text/plain"

    def shutdown(self) -> None:
        with self._lock:
            keys = list(self._runs)
        for key in keys:
            self.stop(key)


HOST = ContainerHost()


def report_summary(line: str) -> str:
    """The dogwatch report's error message, when `line` is an error report (for a job's FailureReason)."""
    try:
        report = json.loads(line)
    except ValueError:
        return ""
    if not isinstance(report, dict) or report.get("schema") != "dogwatch.report/v1":
        return ""
    error = report.get("error") or {}
    return str(error.get("message", "")) if isinstance(error, dict) else ""

"""`serve`: the same image as a SageMaker real-time or asynchronous inference endpoint.

SageMaker starts the container as `docker run IMAGE serve` and talks HTTP on port 8080
(`SAGEMAKER_BIND_TO_PORT` when it sets one):
- `GET /ping` -> 200 once the model is loaded (503 while loading or if loading failed);
- `POST /invocations` with `{"video_url": "https://..."}` (optionally `stride`, `max_frames`,
  `merge_gap`) -> the `dogwatch.report/v1` JSON the Batch job POSTs to its callback.
  200 for a report with status ok; 400 (bad request, bad URL, not a video, too large),
  502 (the video could not be fetched) or 500 (a bug) with the error report as the body.
An asynchronous endpoint needs nothing more: SageMaker reads the request body from the S3
input location, POSTs it here and writes the response body to the S3 output location (or the
failure location for a non-2xx answer). One video is analysed at a time (one GPU); further
requests wait their turn while /ping keeps answering. Flags after `serve` apply to every
request (`--weights`, `--device`, `--batch`, `--decoder`, `--classes`, `--conf`, ...).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from dogwatch.errors import ExitCode

MAX_BODY_BYTES = 64 * 1024
OVERRIDES = {"stride": ("--stride", int), "max_frames": ("--max-frames", int), "merge_gap": ("--merge-gap", float)}
STATUS_FOR_CODE = {
    ExitCode.OK: 200,
    ExitCode.BAD_ARGS: 400,
    ExitCode.NOT_A_VIDEO: 400,
    ExitCode.TOO_LARGE: 400,
    ExitCode.DOWNLOAD_FAILED: 502,
    ExitCode.UNEXPECTED: 500,
}


class Service:
    """The loaded model and the lock that lets one video use it at a time."""

    def __init__(self, base_argv: Sequence[str]) -> None:
        self.base_argv = list(base_argv)
        self.setup: Any = None
        self.failure = ""
        self.ready = threading.Event()  # set when loading ended, well or badly
        self.lock = threading.Lock()

    def load(self) -> None:
        from dogwatch import cli

        try:
            args = cli.build_parser().parse_args(["--video_url", "https://placeholder.invalid/", *self.base_argv])
            self.setup = cli.load_setup(args)
        except SystemExit as exc:
            self.failure = f"bad serve flags (exit {exc.code})"
            cli.emit("error", kind="bad_args", message=self.failure)
        except Exception as exc:
            self.failure = f"{type(exc).__name__}: {getattr(exc, 'message', exc)}"
            cli.emit("error", kind="model_load_failed", message=self.failure)
        finally:
            self.ready.set()
            cli.emit("ready", ok=self.setup is not None)

    @property
    def healthy(self) -> bool:
        return self.ready.is_set() and self.setup is not None

    def invoke(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """(HTTP status, report) for one request body."""
        from dogwatch import cli
        from dogwatch.errors import BadArgumentError
        from dogwatch.report import to_json_line

        argv = [f"--video_url={body.get('video_url', '')}", *self.base_argv]
        for key, (flag, kind) in OVERRIDES.items():
            if key in body:
                argv.append(f"{flag}={kind(body[key])}")
        try:
            args = cli.build_parser().parse_args(argv)
        except SystemExit as exc:  # argparse already printed why on stderr
            raise ValueError(f"invalid request values (argparse exit {exc.code})") from None
        try:
            cli.validate(args)
        except BadArgumentError as exc:
            return 400, {"error": {"code": int(exc.code), "kind": exc.kind, "message": exc.message}}
        with self.lock:
            report, code = cli.run_job(args, self.setup)
        print(to_json_line(report), flush=True)
        return STATUS_FOR_CODE.get(code, 500), report


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "dogwatch"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one `request` line per invocation instead (below)

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload, separators=(",", ":"), allow_nan=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        service: Service = self.server.service  # type: ignore[attr-defined]
        if self.path.split("?", 1)[0] != "/ping":
            self._send(404, {"error": "not found: GET /ping, POST /invocations"})
        elif service.healthy:
            self._send(200, {"status": "ok"})
        else:
            self._send(503, {"status": "failed" if service.ready.is_set() else "loading", "error": service.failure})

    def do_POST(self) -> None:
        from dogwatch import cli

        service: Service = self.server.service  # type: ignore[attr-defined]
        if self.path.split("?", 1)[0] != "/invocations":
            self._send(404, {"error": "not found: GET /ping, POST /invocations"})
            return
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._send(411, {"error": "Content-Length required"})
            return
        if length > MAX_BODY_BYTES:
            self.close_connection = True
            self._send(413, {"error": f"request body over {MAX_BODY_BYTES} bytes"})
            return
        raw = self.rfile.read(length)
        if not service.healthy:
            self._send(503, {"error": service.failure or "the model is still loading"})
            return
        try:
            body = json.loads(raw)
            if not isinstance(body, dict) or not isinstance(body.get("video_url"), str):
                raise ValueError("expected a JSON object with a string video_url")
            unknown = sorted(set(body) - {"video_url", *OVERRIDES})
            if unknown:
                raise ValueError(f"unknown keys {unknown}; allowed: video_url, {', '.join(OVERRIDES)}")
            status, report = service.invoke(body)
        except (ValueError, TypeError) as exc:  # malformed JSON, wrong types
            self._send(400, {"error": f"bad request: {exc}"})
            return
        cli.emit("request", status=status, video=(report.get("video") or {}).get("url", "?"))
        self._send(status, report)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], service: Service) -> None:
        super().__init__(address, _Handler)
        self.service = service


def make_server(base_argv: Sequence[str], host: str = "0.0.0.0", port: int = 8080) -> Server:
    """A server that answers at once; the model loads on a thread (`service.ready` when done)."""
    service = Service(base_argv)
    server = Server((host, port), service)
    threading.Thread(target=service.load, name="model-load", daemon=True).start()
    return server


def serve_main(argv: Sequence[str]) -> int:
    from dogwatch import cli

    p = argparse.ArgumentParser(prog="main.py serve", add_help=False)
    p.add_argument("--port", type=int, default=int(os.environ.get("SAGEMAKER_BIND_TO_PORT", "8080")))
    p.add_argument("--host", default="0.0.0.0")
    own, rest = p.parse_known_args(list(argv))
    server = make_server(rest, own.host, own.port)
    cli.emit("serving", host=own.host, port=server.server_address[1])
    try:
        server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    print("serve: stopped", file=sys.stderr, flush=True)
    return 0

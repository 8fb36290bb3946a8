"""`main.py serve`: the SageMaker hosting contract (GET /ping, POST /invocations) on the CPU."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dogwatch import serve
from dogwatch.report import SCHEMA

from .conftest import VIDEO_FRAMES
from .runner import MAIN, NETGUARD, ROOT, TEST_ENV
from .servers import Route


def call(port: int, method: str, path: str, body: bytes | None = None) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def endpoint(tiny_weights: Path) -> Iterator[serve.Server]:
    flags = ["--weights", str(tiny_weights), "--imgsz", "160", "--classes", "all", "--conf", "1e-5"]
    server = serve.make_server([*flags, "--allow-private-urls", "--progress-every", "0"], "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    assert server.service.ready.wait(120), "model load hang guard"
    yield server
    server.shutdown()
    server.server_close()


def test_ping_is_ok_once_loaded(endpoint: serve.Server) -> None:
    assert call(endpoint.server_address[1], "GET", "/ping") == (200, {"status": "ok"})
    assert call(endpoint.server_address[1], "GET", "/other")[0] == 404


def test_invocation_returns_the_report(endpoint: serve.Server, video_url: str) -> None:
    port = endpoint.server_address[1]
    status, report = call(port, "POST", "/invocations", json.dumps({"video_url": video_url, "stride": 2}).encode())
    assert status == 200, report
    assert report["schema"] == SCHEMA and report["status"] == "ok" and report["error"] is None
    assert report["frames_processed"] == VIDEO_FRAMES // 2 and report["stride"] == 2
    assert report["device"] == "cpu" and report["model"]["decoder"] == "cpu"
    assert len(report["detections"]) == 80 and any(d["segments"] for d in report["detections"].values())
    again = call(port, "POST", "/invocations", json.dumps({"video_url": video_url, "max_frames": 5}).encode())
    assert again[0] == 200 and again[1]["frames_processed"] == 5  # the loaded model serves request after request


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"not json", 400, "bad request"),
        (b'{"url": "x"}', 400, "string video_url"),
        (b'{"video_url": "http://h/v.mp4", "weights": "evil.pt"}', 400, "unknown keys ['weights']"),
        (b'{"video_url": "http://h/v.mp4", "stride": "many"}', 400, "bad request"),
        (b'{"video_url": "ftp://h/v.mp4"}', 400, "must be an http:// or https:// URL"),
    ],
)
def test_bad_requests(endpoint: serve.Server, body: bytes, status: int, message: str) -> None:
    got_status, payload = call(endpoint.server_address[1], "POST", "/invocations", body)
    assert got_status == status and message in json.dumps(payload)


def test_failed_runs_map_to_http_statuses(endpoint: serve.Server, file_server: Any) -> None:
    port = endpoint.server_address[1]
    page = file_server.add("page.mp4", Route(b"<html>AccessDenied</html>", content_type="text/html"))
    status, report = call(port, "POST", "/invocations", json.dumps({"video_url": page}).encode())
    assert status == 400 and report["status"] == "error" and report["error"]["kind"] == "not_a_video"
    status, report = call(port, "POST", "/invocations", json.dumps({"video_url": file_server.url("gone")}).encode())
    assert status == 502 and report["error"]["kind"] == "download_failed"


def test_docker_style_serve_command_answers_ping(tiny_weights: Path) -> None:
    """`python3 src/main.py serve ...` (what `docker run IMAGE serve` becomes with the image's ENTRYPOINT)."""
    env = {**os.environ, **TEST_ENV, "PYTHONPATH": str(NETGUARD)}
    argv = [sys.executable, str(MAIN), "serve", "--host", "127.0.0.1", "--port", "0", "--weights", str(tiny_weights)]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        assert proc.stdout is not None
        port = 0
        for line in proc.stdout:  # hang guard: the model loads in well under the test timeout
            if line.startswith("serving "):
                port = int(line.split("port=")[1])
            if line.startswith("ready "):
                assert line.strip() == "ready ok=True"
                break
        assert port
        status, payload = call(port, "GET", "/ping")
        assert (status, payload) == (200, {"status": "ok"})
    finally:
        proc.terminate()
        proc.wait(30)

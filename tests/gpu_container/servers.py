"""Loopback HTTP servers for the container tests: a file server with scripted routes and a
callback receiver that records what it was sent."""

from __future__ import annotations

import json
import queue
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/octet-stream"
    send_length: bool = True  # False: no Content-Length, body streamed until the connection closes
    declared_length: int | None = None  # lie about the size (Content-Length) if set
    stall: threading.Event | None = None  # send headers, then wait for this event before the body
    headers: dict[str, str] | None = None  # extra response headers (e.g. Location for a redirect)
    trickle_s: float = 0.0  # > 0: send the body one byte at a time, this many seconds apart


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False


class _Base:
    handler: type[BaseHTTPRequestHandler]

    def __init__(self) -> None:
        self.httpd = _Server(("127.0.0.1", 0), self.handler)
        self.httpd.owner = self  # type: ignore[attr-defined]
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.daemon = True

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def __enter__(self) -> Any:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(5)


class _FileHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:  # scripted answers to POSTs too (the callback's redirect test)
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.do_GET()

    def do_GET(self) -> None:
        owner: FileServer = self.server.owner  # type: ignore[attr-defined]
        owner.requests.append(self.path)
        owner.hosts.append(self.headers.get("Host", ""))
        route = owner.routes.get(urlsplit(self.path).path)
        if route is None:
            self.send_error(404, "Not Found")
            return
        self.send_response(route.status)
        self.send_header("Content-Type", route.content_type)
        if route.send_length:
            length = route.declared_length if route.declared_length is not None else len(route.body)
            self.send_header("Content-Length", str(length))
        for name, value in (route.headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.flush()
        if route.stall is not None:
            route.stall.wait(30)
            return
        if route.trickle_s > 0:
            for i in range(len(route.body)):
                if owner.release.wait(route.trickle_s):
                    return
                try:
                    self.wfile.write(route.body[i : i + 1])
                    self.wfile.flush()
                except OSError:
                    return
            return
        for start in range(0, len(route.body), 64 * 1024):
            self.wfile.write(route.body[start : start + 64 * 1024])


class FileServer(_Base):
    handler = _FileHandler

    def __init__(self) -> None:
        super().__init__()
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        self.hosts: list[str] = []  # the Host header of each request
        self.release = threading.Event()  # set on close: frees stalled handlers

    def add(self, path: str, route: Route) -> str:
        self.routes["/" + path.lstrip("/")] = route
        return self.url(path)

    def close(self) -> None:
        self.release.set()
        super().close()


class _CallbackHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        owner: CallbackServer = self.server.owner  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        with owner.lock:
            owner.attempts += 1
            status = owner.statuses.pop(0) if owner.statuses else owner.default_status
        if status < 300:
            owner.received.put({"content_type": self.headers.get("Content-Type"), "json": json.loads(raw)})
        body = b'{"ok": true}' if status < 300 else b'{"error": "scripted"}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class CallbackServer(_Base):
    """Answers POSTs with the scripted `statuses` first, then `default_status`."""

    handler = _CallbackHandler

    def __init__(self, statuses: list[int] | None = None, default_status: int = 200) -> None:
        super().__init__()
        self.lock = threading.Lock()
        self.statuses = list(statuses or [])
        self.default_status = default_status
        self.attempts = 0
        self.received: queue.Queue[dict[str, Any]] = queue.Queue()

    def next_report(self, timeout_s: float = 10.0) -> dict[str, Any]:
        """The next successfully received body (blocks up to `timeout_s`)."""
        return self.received.get(timeout=timeout_s)

"""A built-in callback receiver: a small HTTP server that collects the container's JSON reports.

POST /callback/<run_id>  a dogwatch report (JSON) for a run in the registry
GET  /videos/<name>      files from `video_dir` (the demo's synthetic videos)
GET  /healthz
"""

from __future__ import annotations

import json
from pathlib import Path

from aiohttp import web

from hybridml.launch.registry import LaunchRegistry

MAX_REPORT_BYTES = 4 * 1024 * 1024


class CallbackReceiver:
    def __init__(
        self,
        registry: LaunchRegistry,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        public_url: str | None = None,
        video_dir: Path | None = None,
    ) -> None:
        self.registry = registry
        self.host = host
        self.port = port
        self.public_url = public_url.rstrip("/") if public_url else None
        self.video_dir = video_dir
        self.received = 0
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    async def start(self) -> str:
        if self._runner is not None:
            return self.base_url
        app = web.Application(client_max_size=MAX_REPORT_BYTES)
        app.router.add_post("/callback/{run_id}", self._callback)
        app.router.add_get("/healthz", self._health)
        if self.video_dir is not None:
            app.router.add_static("/videos", str(self.video_dir), show_index=False)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        port = sockets[0].getsockname()[1] if sockets else self.port
        self._runner = runner
        self.base_url = f"http://{self.host}:{port}"
        return self.base_url

    @property
    def address(self) -> str:
        """What is shown to the user: the public URL when configured, else the bound one."""
        return self.public_url or self.base_url

    def callback_url(self, run_id: str) -> str:
        return f"{self.address}/callback/{run_id}"

    def video_url(self, name: str) -> str:
        return f"{self.base_url}/videos/{name}"

    async def _health(self, _: web.Request) -> web.Response:
        return web.json_response({"ok": True, "received": self.received})

    async def _callback(self, request: web.Request) -> web.Response:
        run_id = request.match_info["run_id"]
        try:
            report = json.loads(await request.read())
        except (ValueError, UnicodeDecodeError, RecursionError):
            return web.json_response({"error": "body is not JSON"}, status=400)
        try:
            self.registry.report(run_id, report)
        except KeyError:
            return web.json_response({"error": f"unknown run {run_id}"}, status=404)
        except (ValueError, TypeError) as exc:
            return web.json_response({"error": f"not a dogwatch report: {exc}"}, status=400)
        self.received += 1
        return web.json_response({"ok": True})

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

"""Start moto's ThreadedMotoServer in-process on 127.0.0.1 (random port)."""

from __future__ import annotations

import json
import logging
import urllib.request
from dataclasses import dataclass, field
from typing import Any

DEMO_ACCOUNT = "123456789012"
DEMO_REGION = "us-east-1"
# Fake, non-secret credentials moto accepts; the demo never uses the caller's real ones.
DEMO_ACCESS_KEY = "AKIADEMOHYBRIDML0000"
DEMO_SECRET_KEY = "demo-secret-not-a-real-key"


@dataclass
class MotoServer:
    """A running embedded moto server. `url` is what clients use as endpoint_url."""

    url: str
    _server: Any = field(repr=False)

    def stop(self) -> None:
        self._server.stop()

    def configure(self, config: dict[str, Any]) -> None:
        """POST to moto's /moto-api/config (e.g. Batch without Docker)."""
        request = urllib.request.Request(
            f"{self.url}/moto-api/config",
            data=json.dumps(config).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()

    def reset(self) -> None:
        """Forget every resource (moto's /moto-api/reset)."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset", data=b"", method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()


def start_moto_server(port: int = 0) -> MotoServer:
    """Start the server (on `port`, 0: any free one) with the fleet's patches applied and Batch set to run
    without Docker."""
    from moto.server import ThreadedMotoServer

    from hybridml.fleet.patches import apply_patches

    for name in ("werkzeug", "moto"):
        logging.getLogger(name).setLevel(logging.ERROR)
    apply_patches()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    handle = MotoServer(url=f"http://{host}:{port}", _server=server)
    handle.configure({"batch": {"use_docker": False}})
    return handle

"""Fixtures for the YOLO container tests (run under .venv-gpu: `make gpu-test`).

Nothing here imports hybridml. Ultralytics runs offline with its settings in a temp dir, and
every socket beyond loopback is refused (see _netguard/sitecustomize.py), in this process and
in the `src/main.py` subprocesses.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .runner import CONTAINER_SRC, NETGUARD, TEST_ENV

os.environ.update(TEST_ENV)

if importlib.util.find_spec("ultralytics") is None:  # e.g. plain `pytest` in the console's venv
    collect_ignore_glob = ["test_*.py"]
else:
    sys.path.insert(0, str(CONTAINER_SRC))
    _spec = importlib.util.spec_from_file_location("dogwatch_tests_netguard", NETGUARD / "sitecustomize.py")
    assert _spec is not None and _spec.loader is not None
    _spec.loader.exec_module(importlib.util.module_from_spec(_spec))


VIDEO_FRAMES, VIDEO_W, VIDEO_H, VIDEO_FPS = 60, 160, 120, 30.0


@pytest.fixture(scope="session", autouse=True)
def no_network_attempts() -> Iterator[None]:
    """Fail the session if anything (here or in a subprocess) tried to leave loopback; clean up."""
    log = Path(TEST_ENV["DOGWATCH_NETGUARD_LOG"])
    yield
    attempts = log.read_text()
    log.unlink(missing_ok=True)
    shutil.rmtree(TEST_ENV["YOLO_CONFIG_DIR"], ignore_errors=True)
    assert not attempts, f"network access attempted during the tests:\n{attempts}"


@pytest.fixture(scope="session")
def assets() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="dogwatch-tests-") as tmp:
        yield Path(tmp)


@pytest.fixture(scope="session")
def video_path(assets: Path) -> Path:
    from dogwatch.synthetic import make_video

    return make_video(assets / "clip.mp4", frames=VIDEO_FRAMES, width=VIDEO_W, height=VIDEO_H, fps=VIDEO_FPS)


@pytest.fixture(scope="session")
def tiny_weights(assets: Path) -> Path:
    """yolo11n built from its .yaml (random, seeded weights), saved as a real .pt checkpoint."""
    import torch
    from ultralytics import YOLO

    torch.manual_seed(0)
    path = assets / "tiny.pt"
    YOLO("yolo11n.yaml").save(str(path))
    return path


@pytest.fixture
def file_server() -> Iterator[Any]:
    from .servers import FileServer

    with FileServer() as server:
        yield server


@pytest.fixture
def video_url(file_server: Any, video_path: Path) -> str:
    from .servers import Route

    return str(file_server.add("clip.mp4", Route(video_path.read_bytes(), content_type="video/mp4")))


@pytest.fixture
def callback() -> Iterator[Any]:
    from .servers import CallbackServer

    with CallbackServer() as server:
        yield server


@pytest.fixture
def closed_port_url() -> str:
    """A loopback URL nobody listens on (connection refused at once)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/nothing"

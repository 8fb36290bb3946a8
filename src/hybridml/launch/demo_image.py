"""The demo's stand-in for the weights baked into the YOLO image.

Nothing is downloaded in the demo, and a model built from `yolo11n.yaml` has fresh random weights in every
process, so two runs of the same video would disagree. `dogwatch.demo_weights` (in the container's code) makes
one fixed checkpoint instead, once per machine, cached in `$XDG_CACHE_HOME/hybridml/`; every demo run of the
container uses it: local runs (`--weights`), and the demo fleet's Batch jobs, processing jobs and endpoints
(`DOGWATCH_WEIGHTS`, where the image keeps its weights). So every target finds the same "dogs" in a video.
"""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

VERSION = 1
MAKE_TIMEOUT_S = 600.0  # a hang guard: it takes about half a minute on two cores
_lock = threading.Lock()


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hybridml"


def demo_weights_path() -> Path:
    return cache_dir() / f"dogwatch-demo-v{VERSION}.pt"


class DemoWeightsError(RuntimeError):
    """The demo weights could not be made (the message says why)."""


def ensure_demo_weights(python: Path, container_src: Path) -> Path:
    """The checkpoint, made first if missing (blocking: call it off the event loop). Several processes may make
    it at once: each writes the same bytes and renames them into place."""
    path = demo_weights_path()
    with _lock:
        if path.exists():
            return path
        if not python.exists():
            raise DemoWeightsError(f"the container's Python environment is missing ({python}); run `make gpu-venv`")
        code = "import sys; sys.path.insert(0, sys.argv[1]); from dogwatch.demo_weights import make_demo_weights;"
        code += "from pathlib import Path; make_demo_weights(Path(sys.argv[2]))"
        env = {**os.environ, "YOLO_OFFLINE": "1", "YOLO_VERBOSE": "False"}
        try:
            done = subprocess.run(
                [str(python), "-c", code, str(container_src), str(path)],
                capture_output=True,
                text=True,
                timeout=MAKE_TIMEOUT_S,
                env=env,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise DemoWeightsError(f"cannot make the demo weights: {exc}") from exc
        if done.returncode != 0 or not path.exists():
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or [f"exit {done.returncode}"]
            raise DemoWeightsError(f"cannot make the demo weights: {tail[0]}")
        return path

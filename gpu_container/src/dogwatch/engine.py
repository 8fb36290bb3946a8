"""Optional TensorRT engine (`--tensorrt`): exported by ultralytics on first use, cached on disk.

A TensorRT engine is specific to the GPU model, the TensorRT version, the input shape and the
batch size, so it cannot be built on a machine without the target GPU (a `docker build` has
none). It is built at the first run that needs it (a few minutes for yolo11n) and cached under
`$DOGWATCH_ENGINE_CACHE` (default /tmp/dogwatch-engines; mount a volume there, or bake engines
into a derived image, to keep it across Batch jobs). The cache key names all of the above and
the weights' checksum, so a stale engine is never picked up.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from dogwatch.errors import BadArgumentError

if TYPE_CHECKING:
    from ultralytics.models import YOLO

DEFAULT_CACHE = "/tmp/dogwatch-engines"


def cache_dir() -> Path:
    return Path(os.environ.get("DOGWATCH_ENGINE_CACHE", DEFAULT_CACHE))


def check_available(device: str) -> str:
    """TensorRT's version; BadArgumentError when it cannot be used here."""
    if not device.startswith("cuda"):
        raise BadArgumentError("--tensorrt needs --device cuda")
    if importlib.util.find_spec("tensorrt") is None or importlib.util.find_spec("onnx") is None:
        raise BadArgumentError(
            "--tensorrt: TensorRT is not installed in this image (build it with --build-arg WITH_TENSORRT=1)"
        )
    import tensorrt

    return str(tensorrt.__version__)


def engine_key(weights: Path, gpu: str, trt_version: str, shape: tuple[int, int], batch: int, half: bool) -> str:
    """A file-name-safe key for one engine: weights checksum, GPU, TensorRT, input shape, batch, precision."""
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()[:16] if weights.is_file() else weights.name
    gpu_slug = re.sub(r"[^A-Za-z0-9]+", "-", gpu).strip("-").lower()
    precision = "fp16" if half else "fp32"
    return f"{weights.stem}-{digest}-{gpu_slug}-trt{trt_version}-{shape[0]}x{shape[1]}-b{batch}-{precision}"


def engine_for(
    yolo: YOLO, weights: str, device: str, shape: tuple[int, int], batch: int, half: bool
) -> tuple[Path, bool]:
    """(path of the engine for `yolo`, whether it was built now). Builds on a miss; BadArgumentError if it cannot.

    `weights` is where `yolo` came from: a .pt file is checksummed for the cache key; a model
    built from a .yaml (random weights) is saved first, and its engine is keyed by that file.
    """
    import torch

    trt_version = check_available(device)
    gpu = torch.cuda.get_device_name(torch.device(device))
    root = cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root, prefix="build-") as tmp:
        source = Path(weights)
        local = Path(tmp) / (source.stem + ".pt")  # export writes next to its input: a copy we own
        if source.suffix == ".pt" and source.is_file():
            shutil.copy2(source, local)
        else:
            yolo.save(str(local))
        path = root / f"{engine_key(local, gpu, trt_version, shape, batch, half)}.engine"
        if path.is_file():
            return path, False
        from ultralytics import YOLO as Model

        index = torch.device(device).index or 0
        built = Model(str(local)).export(
            format="engine", imgsz=list(shape), batch=batch, half=half, device=index, dynamic=False, verbose=False
        )
        os.replace(built, path)  # atomic: a concurrent run sees the whole engine or none
    return path, True

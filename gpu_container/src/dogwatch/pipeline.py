"""Batched YOLO inference over decoded frames.

What makes this faster than `model.predict(source=video, stream=True)`:
- frames are decoded and letterboxed in a background thread (video.FrameReader), overlapping
  with inference;
- several frames go through the network per call (`batch`), with one fixed input shape;
- FP16 on CUDA, `torch.inference_mode`, cuDNN autotuning, pinned host memory;
- no per-frame `Results` objects, plotting or logging: NMS output goes straight to numpy.
The preprocessing (ultralytics' LetterBox, auto/rect padding to the model stride) and the NMS
are ultralytics' own, so the detections match the predictor's.
"""

from __future__ import annotations

import copy
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import torch
import yaml
from ultralytics.data.augment import LetterBox
from ultralytics.models import YOLO
from ultralytics.nn.autobackend import AutoBackend
from ultralytics.utils.checks import check_imgsz
from ultralytics.utils.ops import scale_boxes

from dogwatch import devprep, extract
from dogwatch.errors import BadArgumentError
from dogwatch.video import Frame, FrameReader

# Columns of a per-frame detection array: x1, y1, x2, y2 (original pixels), confidence, class id.
DETECTION_COLUMNS = ("x1", "y1", "x2", "y2", "confidence", "class_id")


def resolve_device(spec: str) -> str:
    """`auto` -> `cuda:0` when a GPU is visible, else `cpu`; validate explicit choices."""
    spec = spec.strip().lower()
    if spec in {"", "auto"}:
        return "cuda:0" if torch.cuda.is_available() else "cpu"
    if spec == "cpu":
        return "cpu"
    if spec.isdigit():
        spec = f"cuda:{spec}"
    if spec == "cuda":
        spec = "cuda:0"
    if spec.startswith("cuda:") and spec[5:].isdigit():
        if not torch.cuda.is_available():
            raise BadArgumentError(f"--device {spec}: no CUDA device is available")
        if int(spec[5:]) >= torch.cuda.device_count():
            raise BadArgumentError(f"--device {spec}: only {torch.cuda.device_count()} CUDA device(s)")
        try:  # visible is not usable: a driver too old for this CUDA build fails only here
            torch.ones(1, device=spec).add_(1).cpu()
        except RuntimeError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise BadArgumentError(f"--device {spec}: CUDA is present but unusable: {first}") from exc
        return spec
    raise BadArgumentError(f"--device must be auto, cpu, cuda or cuda:N, got {spec!r}")


def cpu_count() -> int:
    """Cores this process may run on (container CPU limits show up in the affinity mask)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def auto_batch(device: str) -> int:
    """Frames per model call: large on a GPU; small on a CPU, where big batches fall out of cache."""
    return 16 if device.startswith("cuda") else 4


def auto_workers(device: str) -> int:
    """Letterbox threads: on a CPU they compete with inference, on a GPU host they keep it fed."""
    return 1 if not device.startswith("cuda") else max(1, min(4, cpu_count() - 2))


def coco_names() -> dict[int, str]:
    """The 80 COCO class names shipped with ultralytics (no download)."""
    import ultralytics

    path = Path(ultralytics.__file__).parent / "cfg" / "datasets" / "coco.yaml"
    names = yaml.safe_load(path.read_text())["names"]
    return {int(k): str(v) for k, v in names.items()}


def class_names(model_names: dict[int, str]) -> dict[int, str]:
    """Model class names; a COCO-sized model built from a .yaml has only numbers, so use COCO's."""
    names = {int(k): str(v) for k, v in model_names.items()}
    if len(names) == 80 and all(v.isdigit() or v.startswith("class") for v in names.values()):
        return coco_names()
    return names


def resolve_classes(specs: Sequence[str], names: dict[int, str]) -> list[int] | None:
    """Class names or ids -> sorted ids; `all` or `*` -> None (every class)."""
    wanted: set[int] = set()
    by_name = {v.lower(): k for k, v in names.items()}
    for spec in specs:
        for token in (t.strip() for t in spec.split(",")):
            if not token:
                continue
            if token in {"all", "*"}:
                return None
            if token.isdigit() and int(token) in names:
                wanted.add(int(token))
            elif token.lower() in by_name:
                wanted.add(by_name[token.lower()])
            else:
                raise BadArgumentError(f"--classes: unknown class {token!r} for this model")
    if not wanted:
        raise BadArgumentError("--classes: no class given")
    return sorted(wanted)


def load_yolo(weights: str) -> YOLO:
    """Load a .pt checkpoint (must exist locally: nothing is downloaded) or build a .yaml model."""
    if weights.endswith((".yaml", ".yml")):
        try:
            return YOLO(weights)
        except FileNotFoundError as exc:
            raise BadArgumentError(f"--weights: model config {weights!r} not found") from exc
    if not Path(weights).is_file():
        raise BadArgumentError(f"--weights: {weights!r} does not exist (weights are never downloaded)")
    return YOLO(weights)


@dataclass(frozen=True)
class DetectorConfig:
    imgsz: int = 640
    conf: float = 0.25
    iou: float = 0.7
    classes: list[int] | None = None
    max_det: int = 300
    half: bool = True  # only ever applies on CUDA
    max_candidates: int = 1024  # K of extract.gather_candidates on CUDA (the CPU keeps every anchor)
    channels_last: bool = True  # only ever applies on CUDA (a CPU keeps ultralytics' NCHW numerics)


def static_engine_batch(backend: Any) -> int:
    """The batch size a static TensorRT engine was built for (0 when dynamic or unknown)."""
    bindings = getattr(backend, "bindings", None)  # AutoBackend forwards to its TensorRT backend
    if not isinstance(bindings, dict) or "images" not in bindings or getattr(backend, "dynamic", False):
        return 0
    return int(bindings["images"].shape[0])


@dataclass
class Pending:
    """A batch whose forward pass and candidate copy were queued; `Detector.collect` finishes it."""

    preds: Any
    host: torch.Tensor  # (B, K + 1, 7) candidates, on the host once `ready` completed
    ready: Any  # torch.cuda.Event, or None on the CPU
    input_shape: tuple[int, int]
    shapes: list[tuple[int, int]]


class Detector:
    """A YOLO detection model on one device, fed with batches of preprocessed frames."""

    def __init__(self, yolo: YOLO | None, device: str, config: DetectorConfig, *, engine: Path | None = None) -> None:
        if yolo is not None and getattr(yolo, "task", "detect") != "detect":
            raise BadArgumentError(f"--weights: a detection model is needed, this one is {yolo.task!r}")
        self.config = config
        self.device = torch.device(device)
        self.cuda = self.device.type == "cuda"
        if self.cuda:
            torch.backends.cudnn.benchmark = True  # one fixed input shape per video
        fp16 = config.half and self.cuda
        if engine is not None:  # a TensorRT engine (dogwatch.engine builds and caches it)
            self.backend: Any = AutoBackend(model=str(engine), device=self.device, fp16=fp16, verbose=False)
        else:
            assert yolo is not None
            module = copy.deepcopy(yolo.model)  # AutoBackend fuses in place; leave the caller's model intact
            self.backend = AutoBackend(model=module, device=self.device, fp16=fp16, fuse=True, verbose=False)
        self.backend.eval()
        self.engine = engine
        self.half = bool(self.backend.fp16)
        self.stride = int(self.backend.stride)
        self.imgsz: list[int] = check_imgsz(config.imgsz, stride=self.stride, min_dim=2)  # type: ignore[no-untyped-call]
        self.names = class_names(self.backend.names)
        self.end2end = bool(getattr(self.backend, "end2end", False))
        # a static TensorRT engine takes exactly its batch size: shorter batches are padded
        self.fixed_batch = static_engine_batch(self.backend) if engine is not None else 0
        self.channels_last = self.cuda and config.channels_last and engine is None
        if self.channels_last:
            self.backend.model.to(memory_format=torch.channels_last)
        self._classes = torch.tensor(config.classes, device=self.device) if config.classes is not None else None
        self._letterbox = LetterBox(self.imgsz, auto=True, stride=self.stride)
        self._warm = False
        self._pinned: torch.Tensor | None = None
        self._out_ring: list[torch.Tensor] = []
        self._out_next = 0
        self.transfers = 0  # device->host copies issued (one per batch)

    def _upload(self, images: Sequence[np.ndarray]) -> torch.Tensor:
        """Stack a batch; on CUDA into a reused pinned buffer, copied asynchronously to the GPU."""
        if not self.cuda:
            return torch.from_numpy(np.stack(images))
        shape = (len(images), *images[0].shape)
        if self._pinned is None or self._pinned.shape[1:] != shape[1:] or self._pinned.shape[0] < shape[0]:
            self._pinned = torch.empty(shape, dtype=torch.uint8).pin_memory()
        host = self._pinned[: shape[0]]
        np.stack(images, out=host.numpy())  # safe: the previous batch's copy finished (results synced)
        return host.to(self.device, non_blocking=True)

    def preprocess(self, frame: np.ndarray) -> np.ndarray:
        """BGR HWC uint8 frame -> letterboxed RGB CHW uint8 (runs on the reader thread)."""
        image = cast(np.ndarray, self._letterbox(image=frame))
        return np.ascontiguousarray(image[..., ::-1].transpose(2, 0, 1))

    def geometry(self, shape: tuple[int, int]) -> devprep.Letterbox:
        """Where a frame of `shape` lands in this model's input (the device pre-processing's plan)."""
        return devprep.letterbox_geometry(shape, self.imgsz, self.stride, auto=True)

    def _to_host(self, packed: torch.Tensor) -> tuple[torch.Tensor, Any]:
        """The batch's single device->host copy: into a pinned ring buffer, asynchronously."""
        self.transfers += 1
        if not self.cuda:
            return packed, None
        if len(self._out_ring) < 4:
            self._out_ring.append(torch.empty(packed.shape, dtype=packed.dtype).pin_memory())
        slot = self._out_next % len(self._out_ring)
        self._out_next += 1
        if tuple(self._out_ring[slot].shape) != tuple(packed.shape):
            self._out_ring[slot] = torch.empty(packed.shape, dtype=packed.dtype).pin_memory()
        host = self._out_ring[slot]
        host.copy_(packed, non_blocking=True)
        event = torch.cuda.Event()
        event.record()
        return host, event

    @torch.inference_mode()
    def launch(self, x: torch.Tensor, shapes: Sequence[tuple[int, int]]) -> Pending:
        """Queue the forward pass, candidate extraction and the copy of a model-ready batch (no sync)."""
        n = int(x.shape[0])
        if self.fixed_batch and n < self.fixed_batch:
            x = torch.cat((x, x.new_zeros((self.fixed_batch - n, *x.shape[1:]))))
        if not self._warm:
            self.backend.warmup(im=x)
            self._warm = True
        preds = self.backend(x)
        if isinstance(preds, (list, tuple)):
            preds = preds[0]
        preds = preds[:n]
        k = self.config.max_candidates if self.cuda else int(preds.shape[-1])
        input_shape = (int(x.shape[2]), int(x.shape[3]))
        if self.end2end:  # (B, max_det, 6) already: no NMS, just the copy
            host, ready = self._to_host(preds.float())
            return Pending(preds, host, ready, input_shape, list(shapes))
        packed = extract.gather_candidates(preds, self.config.conf, self._classes, k)
        host, ready = self._to_host(packed)
        return Pending(preds, host, ready, input_shape, list(shapes))

    @torch.inference_mode()
    def collect(self, pending: Pending) -> list[np.ndarray]:
        """Wait for a launched batch and finish it on the host: per image an (n, 6) float32 array."""
        if pending.ready is not None:
            pending.ready.synchronize()
        if self.end2end:
            return self._collect_end2end(pending)
        cfg = self.config
        dets = extract.finish_on_host(
            pending.host,
            pending.input_shape,
            pending.shapes,
            iou=cfg.iou,
            max_det=cfg.max_det,
            exact=lambda i: extract.exact_nms(
                pending.preds, i, conf=cfg.conf, iou=cfg.iou, classes=cfg.classes, max_det=cfg.max_det
            ),
        )
        return [d.numpy() for d in dets]

    def _collect_end2end(self, pending: Pending) -> list[np.ndarray]:
        cfg, out = self.config, []
        for i, shape in enumerate(pending.shapes):
            det = pending.host[i]
            keep = det[:, 4] > cfg.conf
            if cfg.classes is not None:
                keep &= torch.isin(det[:, 5], torch.tensor(cfg.classes, dtype=det.dtype))
            det = det[keep][: cfg.max_det, :6].clone()
            det[:, :4] = scale_boxes(pending.input_shape, det[:, :4], shape)
            out.append(det.numpy())
        return out

    def normalise(self, batch: torch.Tensor) -> torch.Tensor:
        """uint8 (N, 3, H, W) letterboxed RGB -> the model's input dtype, /255 (ultralytics' order)."""
        x = (batch.half() if self.half else batch.float()).div_(255)
        return x.contiguous(memory_format=torch.channels_last) if self.channels_last else x

    @torch.inference_mode()
    def infer(self, images: Sequence[np.ndarray], shapes: Sequence[tuple[int, int]]) -> list[np.ndarray]:
        """One forward pass over a batch; per image an (n, 6) float32 array (DETECTION_COLUMNS)."""
        return self.collect(self.launch(self.normalise(self._upload(images)), shapes))


@dataclass(frozen=True)
class PipelineResult:
    """Detections per processed frame index, with the wall time of decode + inference."""

    detections: dict[int, np.ndarray]
    frames_processed: int
    frames_read: int
    seconds: float
    decoder: str = "cpu"  # which frame source decoded the video (sources.DECODERS)

    @property
    def fps(self) -> float:
        return self.frames_processed / self.seconds if self.seconds > 0 else 0.0


def run_pipeline(
    path: Path,
    detector: Detector,
    *,
    stride: int = 1,
    batch_size: int = 16,
    workers: int = 2,
    max_frames: int | None = None,
    on_batch: Callable[[int, float], None] | None = None,
    decoder: str = "cpu",
    device_prep: bool | None = None,
) -> PipelineResult:
    """Decode `path` on a thread and run `detector` over batches of every `stride`-th frame.

    On CUDA (or with `device_prep`), frames are pre-processed on the device and decoded by
    `decoder` (gpupipe.run_device_pipeline). Otherwise `workers` threads letterbox frames with
    ultralytics' own LetterBox. At most `max_frames` frames are processed.
    `on_batch(frames_processed, elapsed_s)` is called after each batch.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    if detector.cuda if device_prep is None else device_prep:
        from dogwatch.gpupipe import run_device_pipeline

        return run_device_pipeline(
            path,
            detector,
            decoder=decoder,
            stride=stride,
            batch_size=batch_size,
            max_frames=max_frames,
            on_batch=on_batch,
        )
    detections: dict[int, np.ndarray] = {}
    processed = 0
    started = time.perf_counter()
    pending: list[Frame] = []

    def flush() -> None:
        nonlocal processed
        outputs = detector.infer([f.image for f in pending], [f.shape for f in pending])
        for frame, det in zip(pending, outputs, strict=True):
            detections[frame.index] = det
        processed += len(pending)
        pending.clear()
        if on_batch is not None:
            on_batch(processed, time.perf_counter() - started)

    reader = FrameReader(
        path,
        detector.preprocess,
        stride=stride,
        queue_size=4 * batch_size,
        workers=workers,
        max_frames=max_frames,
    )
    with reader:
        for frame in reader:
            pending.append(frame)
            if len(pending) >= batch_size:
                flush()
        if pending:
            flush()
        frames_read = reader.frames_read
    return PipelineResult(detections, processed, frames_read, time.perf_counter() - started)

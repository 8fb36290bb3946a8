"""The device pipeline: decode, upload and pre-process ahead of inference; finish a batch behind it.

Three stages overlap:
- a producer thread decodes a batch (`sources`), uploads it (one asynchronous copy from pinned
  memory, or nothing when NVDEC decoded it on the GPU) and turns it into the model's input with
  tensor ops (`devprep`) on its own CUDA stream, then hands the ready tensor and a CUDA event to
  a bounded prefetch queue (`depth` batches of device tensors);
- the main thread waits on that event on the compute stream (a GPU-side wait, not a host sync)
  and queues the forward pass, candidate extraction and the batch's one device->host copy;
- while the GPU runs batch i, the main thread finishes batch i-1 on the CPU (NMS over its
  candidates, box scaling), so the only host wait per batch is for results already computed.
On a CPU device the same code runs without streams (the tests drive it that way).
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from dogwatch import devprep, sources
from dogwatch.pipeline import Detector, Pending, PipelineResult

POLL_S = 0.2


@dataclass
class Prepared:
    """A model-ready batch on the device, and the event that marks it ready."""

    x: torch.Tensor
    indices: list[int]
    shape: tuple[int, int]
    ready: Any  # torch.cuda.Event or None


def to_rgb_chw(raw: sources.RawBatch, device: torch.device) -> torch.Tensor:
    """Upload (when on the host) and colour-convert a raw batch: (N, 3, H, W) RGB uint8 on `device`."""
    data = raw.data.to(device, non_blocking=True) if raw.data.device != device else raw.data
    if raw.layout == "bgr_hwc":
        return devprep.bgr_hwc_to_rgb_chw(data)
    if raw.layout == "nv12":
        return devprep.nv12_to_rgb(data)
    if raw.layout == "rgb_chw":
        return data
    raise ValueError(f"unknown frame layout {raw.layout!r}")


class Producer:
    """Decode + upload + pre-process on a daemon thread, `depth` batches ahead of the consumer."""

    _END = object()

    def __init__(self, source: Any, detector: Detector, batch_size: int, depth: int = 3) -> None:
        self.source, self.detector, self.batch_size = source, detector, batch_size
        self._queue: queue.Queue[object] = queue.Queue(maxsize=max(1, depth))
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="frame-producer", daemon=True)
        self._geometry: dict[tuple[int, int], devprep.Letterbox] = {}

    def __enter__(self) -> Producer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout_s)
        self.source.close()

    def __iter__(self) -> Iterator[Prepared]:
        while True:
            try:
                item = self._queue.get(timeout=POLL_S)
            except queue.Empty:
                if not self._thread.is_alive() and self._queue.empty():
                    break
                continue
            if item is self._END:
                break
            assert isinstance(item, Prepared)
            yield item
        if self._error is not None:
            raise self._error

    def prepare(self, raw: sources.RawBatch) -> Prepared:
        det = self.detector
        geometry = self._geometry.get(raw.shape) or self._geometry.setdefault(raw.shape, det.geometry(raw.shape))
        rgb = to_rgb_chw(raw, det.device)
        x = devprep.model_input(rgb, geometry, half=det.half, channels_last=det.channels_last)
        ready = None
        if det.cuda:
            ready = torch.cuda.Event()
            ready.record()
        self.source.uploaded(raw, ready)
        return Prepared(x, raw.indices, raw.shape, ready)

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        stream = torch.cuda.Stream(self.detector.device) if self.detector.cuda else None
        context = torch.cuda.stream(stream) if stream is not None else contextlib.nullcontext()
        try:
            with context, torch.inference_mode():
                for raw in self.source.batches(self.batch_size):
                    if not self._put(self.prepare(raw)):
                        return
        except BaseException as exc:  # handed to the consumer, re-raised there
            self._error = exc
        finally:
            self._put(self._END)


def run_device_pipeline(
    path: Path,
    detector: Detector,
    *,
    decoder: str = "cpu",
    stride: int = 1,
    batch_size: int = 16,
    max_frames: int | None = None,
    depth: int = 3,
    on_batch: Callable[[int, float], None] | None = None,
) -> PipelineResult:
    """Run `detector` over every `stride`-th frame of `path`, pre-processing on the device."""
    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    detections: dict[int, np.ndarray] = {}
    processed = 0
    started = time.perf_counter()
    source = sources.open_source(decoder, path, str(detector.device), stride=stride, max_frames=max_frames)
    waiting: tuple[Pending, list[int]] | None = None

    def finish(done: tuple[Pending, list[int]]) -> None:
        nonlocal processed
        pending, indices = done
        for index, det in zip(indices, detector.collect(pending), strict=True):
            detections[index] = det
        processed += len(indices)
        if on_batch is not None:
            on_batch(processed, time.perf_counter() - started)

    with Producer(source, detector, batch_size, depth) as producer:
        for item in producer:
            if item.ready is not None:
                current = torch.cuda.current_stream(detector.device)
                current.wait_event(item.ready)  # a GPU-side dependency, the host does not wait
                item.x.record_stream(current)  # made on the producer's stream, used on this one
            launched = (detector.launch(item.x, [item.shape] * len(item.indices)), item.indices)
            if waiting is not None:
                finish(waiting)  # batch i-1 on the CPU while the GPU runs batch i
            waiting = launched
        if waiting is not None:
            finish(waiting)
        frames_read = source.frames_read
    return PipelineResult(detections, processed, frames_read, time.perf_counter() - started, source.name)

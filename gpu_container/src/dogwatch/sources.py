"""Frame sources for the device pipeline: batches of uint8 frames, in video order.

- `CpuSource`: OpenCV (FFmpeg) decodes on the CPU into BGR; on CUDA the frames are decoded
  straight into a ring of pinned host buffers, so the upload is one asynchronous copy per batch.
- `TorchCodecSource`: NVDEC through torchcodec (frames arrive as RGB uint8 on the GPU).
- `NvcSource`: NVDEC through NVIDIA's PyNvVideoCodec (NV12 on the GPU; `devprep.nv12_to_rgb`).
The NVDEC packages are optional imports: absent, or without CUDA, `open_source("auto")` picks
the CPU decoder. Every source decodes every `stride`-th frame (0, stride, 2*stride ...) and
stops after `max_frames` of them.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import torch

from dogwatch.errors import BadArgumentError

DECODERS = ("auto", "cpu", "torchcodec", "nvc")
# (N, H, W, 3) BGR | (N, 3, H, W) RGB | (N, H*3/2, W) NV12
LAYOUTS = ("bgr_hwc", "rgb_chw", "nv12")


@dataclass
class RawBatch:
    """Decoded frames of one batch, not yet pre-processed."""

    indices: list[int]
    data: torch.Tensor  # uint8, on the host (pinned on CUDA) or already on the device
    layout: str
    slot: int = -1  # the pinned ring slot holding `data` (CpuSource on CUDA), else -1
    shape: tuple[int, int] = (0, 0)  # frame (h, w)


@dataclass
class _Ring:
    """Pinned host buffers reused round-robin; a slot is rewritten only after its upload finished."""

    size: int
    buffers: list[torch.Tensor] = field(default_factory=list)
    copied: list[Any] = field(default_factory=list)  # torch.cuda.Event per slot, or None

    def take(self, index: int, shape: tuple[int, ...]) -> torch.Tensor:
        slot = index % self.size
        if len(self.buffers) < self.size:
            self.buffers.append(torch.empty(shape, dtype=torch.uint8).pin_memory())
            self.copied.append(None)
        elif tuple(self.buffers[slot].shape) != shape:
            self.buffers[slot] = torch.empty(shape, dtype=torch.uint8).pin_memory()
        if self.copied[slot] is not None:
            self.copied[slot].synchronize()  # the upload of the batch that used it is done
            self.copied[slot] = None
        return self.buffers[slot]


class CpuSource:
    """OpenCV decode on the calling thread; `pinned` decodes into reusable pinned buffers."""

    name = "cpu"

    def __init__(self, path: Path, *, stride: int = 1, max_frames: int | None = None, pinned: bool = False) -> None:
        self.path, self.stride, self.max_frames = path, stride, max_frames
        self.frames_read = 0
        self._ring = _Ring(4) if pinned else None
        self._shape = self._first_frame_shape(path) if pinned else (0, 0)
        self._capture = cv2.VideoCapture(str(path))

    @staticmethod
    def _first_frame_shape(path: Path) -> tuple[int, int]:
        """The decoded (h, w): the container's width/height can differ (rotated phone videos)."""
        capture = cv2.VideoCapture(str(path))
        try:
            ok, frame = capture.read()
        finally:
            capture.release()
        if not ok or frame is None:
            return (0, 0)
        return int(frame.shape[0]), int(frame.shape[1])

    def batches(self, batch_size: int) -> Iterator[RawBatch]:
        capture, index, yielded, number = self._capture, 0, 0, 0
        h, w = self._shape
        while True:
            slot = number % self._ring.size if self._ring else -1
            host = self._ring.take(number, (batch_size, h, w, 3)) if self._ring else None
            frames: list[np.ndarray] = []
            indices: list[int] = []
            while len(indices) < batch_size and (self.max_frames is None or yielded < self.max_frames):
                if index % self.stride:
                    ok = capture.grab()
                else:
                    target = host[len(indices)].numpy() if host is not None else None
                    ok, frame = capture.read(target) if target is not None else capture.read()
                    if ok and frame is not None and target is not None and not np.shares_memory(frame, target):
                        if frame.shape != target.shape:  # a resolution change mid-stream
                            raise ValueError(f"frame {index} is {frame.shape[:2]}, the video was {(h, w)}")
                        target[...] = frame
                        frame = target
                    if ok and frame is not None:
                        frames.append(frame)
                        indices.append(index)
                        yielded += 1
                    ok = ok and frame is not None
                if not ok:
                    break
                index += 1
                self.frames_read = index
            if not indices:
                return
            data = host[: len(indices)] if host is not None else torch.from_numpy(np.stack(frames))
            yield RawBatch(indices, data, "bgr_hwc", slot, (int(data.shape[1]), int(data.shape[2])))
            number += 1
            if len(indices) < batch_size:
                return

    def uploaded(self, raw: RawBatch, event: Any) -> None:
        """The upload of `raw` was queued; its pinned slot may be rewritten once `event` completes."""
        if self._ring is not None and raw.slot >= 0:
            self._ring.copied[raw.slot] = event

    def close(self) -> None:
        self._capture.release()


class TorchCodecSource:
    """NVDEC via torchcodec: `get_frames_in_range` returns (N, 3, H, W) RGB uint8 on the GPU."""

    def __init__(self, path: Path, device: str, *, stride: int = 1, max_frames: int | None = None) -> None:
        from torchcodec.decoders import VideoDecoder

        self.stride, self.max_frames = stride, max_frames
        self.frames_read = 0
        self._decoder = VideoDecoder(str(path), device=device, dimension_order="NCHW", seek_mode="exact")
        self.total = int(self._decoder.metadata.num_frames or 0)
        if self.total <= 0:  # an exception lets `--decoder auto` fall back to the CPU decoder
            raise RuntimeError(f"torchcodec reports no frames in {path.name}")

    @property
    def name(self) -> str:  # type: ignore[override]
        """`torchcodec`, or `torchcodec-cpu-fallback` when torchcodec itself decoded on the CPU."""
        return "torchcodec-cpu-fallback" if self.fell_back_to_cpu else "torchcodec"

    def batches(self, batch_size: int) -> Iterator[RawBatch]:
        wanted = -(-self.total // self.stride)
        if self.max_frames is not None:
            wanted = min(wanted, self.max_frames)
        for first in range(0, wanted, batch_size):
            count = min(batch_size, wanted - first)
            start = first * self.stride
            stop = start + (count - 1) * self.stride + 1
            frames = self._decoder.get_frames_in_range(start, stop, step=self.stride).data
            self.frames_read = stop
            indices = list(range(start, stop, self.stride))
            yield RawBatch(indices, frames, "rgb_chw", -1, (int(frames.shape[2]), int(frames.shape[3])))

    def uploaded(self, raw: RawBatch, event: Any) -> None:
        pass

    @property
    def fell_back_to_cpu(self) -> bool:
        return bool(getattr(self._decoder, "cpu_fallback", False))

    def close(self) -> None:
        pass


class NvcSource:
    """NVDEC via PyNvVideoCodec's SimpleDecoder: NV12 frames in device memory, on our CUDA stream."""

    name = "nvc"

    def __init__(self, path: Path, device: str, *, stride: int = 1, max_frames: int | None = None) -> None:
        import PyNvVideoCodec as nvc

        self.stride, self.max_frames = stride, max_frames
        self.frames_read = 0
        self._device = torch.device(device)
        self._stream = torch.cuda.Stream(self._device)  # NVDEC's work is ordered on this stream
        self._decoder = nvc.SimpleDecoder(
            str(path),
            gpu_id=self._device.index or 0,
            cuda_stream=self._stream.cuda_stream,
            use_device_memory=True,
            output_color_type=nvc.OutputColorType.NATIVE,
        )

    def batches(self, batch_size: int) -> Iterator[RawBatch]:
        yielded = 0
        while self.max_frames is None or yielded < self.max_frames:
            frames = self._decoder.get_batch_frames(batch_size * self.stride)
            if not frames:
                return
            start = self.frames_read
            self.frames_read += len(frames)
            keep = [(start + i, f) for i, f in enumerate(frames) if (start + i) % self.stride == 0]
            if self.max_frames is not None:
                keep = keep[: self.max_frames - yielded]
            if not keep:
                continue
            torch.cuda.current_stream(self._device).wait_stream(self._stream)  # GPU-side order, no host wait
            planes = torch.stack([torch.from_dlpack(f) for _, f in keep]).to(self._device)  # copies out
            planes = planes.reshape(len(keep), planes.shape[-2], planes.shape[-1])
            yielded += len(keep)
            h = int(planes.shape[1]) * 2 // 3
            yield RawBatch([i for i, _ in keep], planes, "nv12", -1, (h, int(planes.shape[2])))

    def uploaded(self, raw: RawBatch, event: Any) -> None:
        pass

    def close(self) -> None:
        pass


def available(decoder: str) -> bool:
    """Whether the package behind `decoder` can be imported (no CUDA check)."""
    module = {"torchcodec": "torchcodec", "nvc": "PyNvVideoCodec"}.get(decoder)
    return module is None or importlib.util.find_spec(module) is not None


def resolve_decoder(spec: str, device: str) -> str:
    """`auto` -> torchcodec, else PyNvVideoCodec, when on CUDA and installed; otherwise `cpu`."""
    spec = spec.strip().lower()
    if spec not in DECODERS:
        raise BadArgumentError(f"--decoder must be one of {', '.join(DECODERS)}, got {spec!r}")
    cuda = device.startswith("cuda")
    if spec == "auto":
        return next((d for d in ("torchcodec", "nvc") if cuda and available(d)), "cpu")
    if spec != "cpu" and not cuda:
        raise BadArgumentError(f"--decoder {spec} decodes on the GPU (NVDEC): it needs --device cuda")
    if not available(spec):
        package = {"torchcodec": "torchcodec", "nvc": "pynvvideocodec"}[spec]
        raise BadArgumentError(f"--decoder {spec}: the {package} package is not installed in this image")
    return spec


def open_source(
    decoder: str, path: Path, device: str, *, stride: int = 1, max_frames: int | None = None
) -> CpuSource | TorchCodecSource | NvcSource:
    if decoder == "torchcodec":
        return TorchCodecSource(path, device, stride=stride, max_frames=max_frames)
    if decoder == "nvc":
        return NvcSource(path, device, stride=stride, max_frames=max_frames)
    return CpuSource(path, stride=stride, max_frames=max_frames, pinned=device.startswith("cuda"))

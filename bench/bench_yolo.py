"""Benchmark: the container's pipeline vs the naive ultralytics loop, same video and same weights.

    .venv-gpu/bin/python bench/bench_yolo.py [--device cpu] [--frames N] [--video PATH] [--weights W]

Naive side: `for r in model.predict(source=video, stream=True, ...)` (ultralytics' own loader,
one frame per call, a Results object per frame, default FP32). Pipeline side: dogwatch's
threaded decode + batched inference (+ FP16 on CUDA). Both exclude model setup (each side gets
one untimed warm-up call) and include decoding. Agreement: per frame, every detection is matched
to one of the other side with the same class, IoU >= --match-iou and |conf delta| <= --conf-tol.
Exit status: 0 when they agree (match ratio >= --min-agreement), 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("YOLO_OFFLINE", "1")
os.environ.setdefault("YOLO_VERBOSE", "False")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "gpu_container" / "src"))

import numpy as np
import torch
from dogwatch import pipeline
from dogwatch.synthetic import make_video
from dogwatch.video import VideoInfo, probe
from ultralytics.models import YOLO


@dataclass(frozen=True)
class SideResult:
    name: str
    detections: dict[int, np.ndarray]
    frames: int
    seconds: float

    @property
    def fps(self) -> float:
        return self.frames / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class Agreement:
    frames_compared: int
    frames_same_count: int
    matched: int
    total: int  # per frame, the larger of the two detection counts, summed
    max_box_dev_px: float
    max_conf_dev: float

    @property
    def ratio(self) -> float:
        return self.matched / self.total if self.total else 1.0


def box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU matrix of xyxy boxes a (n, 4) and b (m, 4)."""
    tl = np.maximum(a[:, None, :2], b[None, :, :2])
    br = np.minimum(a[:, None, 2:4], b[None, :, 2:4])
    inter = np.prod(np.clip(br - tl, 0, None), axis=2)
    area_a = np.prod(a[:, 2:4] - a[:, :2], axis=1)
    area_b = np.prod(b[:, 2:4] - b[:, :2], axis=1)
    iou: np.ndarray = inter / np.maximum(area_a[:, None] + area_b[None, :] - inter, 1e-9)
    return iou


def compare(a: SideResult, b: SideResult, *, match_iou: float, conf_tol: float) -> Agreement:
    """Greedy one-to-one matching per frame (highest IoU first, same class, close confidence)."""
    frames = sorted(set(a.detections) | set(b.detections))
    same_count = matched = total = 0
    box_dev = conf_dev = 0.0
    empty = np.zeros((0, 6), np.float32)
    for index in frames:
        da, db = a.detections.get(index, empty), b.detections.get(index, empty)
        same_count += len(da) == len(db)
        total += max(len(da), len(db))
        if not len(da) or not len(db):
            continue
        iou = box_iou(da[:, :4], db[:, :4])
        iou[da[:, 5][:, None] != db[:, 5][None, :]] = 0.0
        iou[np.abs(da[:, 4][:, None] - db[:, 4][None, :]) > conf_tol] = 0.0
        while True:
            i, j = np.unravel_index(int(np.argmax(iou)), iou.shape)
            if iou[i, j] < match_iou:
                break
            matched += 1
            box_dev = max(box_dev, float(np.abs(da[i, :4] - db[j, :4]).max()))
            conf_dev = max(conf_dev, float(abs(da[i, 4] - db[j, 4])))
            iou[i, :] = 0.0
            iou[:, j] = 0.0
    return Agreement(len(frames), same_count, matched, total, box_dev, conf_dev)


class PipelineSide:
    """The container's pipeline; built once, warmed on the batch shapes the timed run uses."""

    def __init__(self, yolo: YOLO, video: Path, info: VideoInfo, device: str, args: argparse.Namespace) -> None:
        config = pipeline.DetectorConfig(
            imgsz=args.imgsz, conf=args.conf, iou=args.iou, classes=args.classes, half=args.half
        )
        self.detector = pipeline.Detector(yolo, device, config)
        self.video, self.args = video, args
        tail = -(-info.frame_count // args.stride) % args.batch if info.frame_count else 0
        # untimed: cuDNN autotune / oneDNN primitives for the full and the last batch shape, thread start-up
        pipeline.run_pipeline(video, self.detector, batch_size=args.batch, max_frames=args.batch + tail)
        self.name = f"pipeline (batch {args.batch}{', fp16' if self.detector.half else ''})"

    def run(self) -> SideResult:
        torch.set_num_threads(self.args.threads)
        args = self.args
        result = pipeline.run_pipeline(
            self.video, self.detector, stride=args.stride, batch_size=args.batch, workers=args.workers
        )
        return SideResult(self.name, result.detections, result.frames_processed, result.seconds)


class NaiveSide:
    """`model.predict(source=video, stream=True)`: ultralytics' loader, a frame per call, Results objects."""

    name = "naive predict(stream=True)"

    def __init__(self, yolo: YOLO, video: Path, info: VideoInfo, device: str, args: argparse.Namespace) -> None:
        self.yolo, self.video, self.args = yolo, video, args
        self.common: dict[str, Any] = dict(
            imgsz=args.imgsz, conf=args.conf, iou=args.iou, classes=args.classes, device=device, verbose=False
        )
        first = np.zeros((info.height, info.width, 3), np.uint8)
        yolo.predict(source=first, **self.common)  # untimed: predictor and model setup, same input shape

    def run(self) -> SideResult:
        torch.set_num_threads(self.args.threads)  # ultralytics' select_device() changed it at setup
        stride = self.args.stride
        detections: dict[int, np.ndarray] = {}
        started = time.perf_counter()
        results = self.yolo.predict(source=str(self.video), stream=True, vid_stride=stride, **self.common)
        for n, result in enumerate(results):
            boxes: Any = result.boxes  # type: ignore[union-attr]
            detections[n * stride] = boxes.data[:, :6].float().cpu().numpy()
        seconds = time.perf_counter() - started
        return SideResult(self.name, detections, len(detections), seconds)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    p.add_argument("--frames", type=int, default=120, help="frames of the synthetic clip")
    p.add_argument("--width", type=int, default=640)
    p.add_argument("--height", type=int, default=480)
    p.add_argument("--video", type=Path, default=None, help="use this video instead of a synthetic clip")
    p.add_argument("--weights", default="yolo11n.yaml", help=".pt checkpoint or .yaml (random weights)")
    p.add_argument("--imgsz", type=int, default=640)
    p.add_argument("--conf", type=float, default=None, help="default: 0.25, or 1e-4 for random weights")
    p.add_argument("--iou", type=float, default=0.7)
    p.add_argument("--classes", type=int, nargs="*", default=None, help="class ids (default: all)")
    p.add_argument("--batch", type=int, default=0, help="0: the container's default for the device")
    p.add_argument("--stride", type=int, default=1)
    p.add_argument("--workers", type=int, default=0, help="pipeline letterbox threads (0: auto)")
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads for both sides (0: all cores)")
    p.add_argument("--repeat", type=int, default=2, help="alternate the sides this often, keep the best")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--match-iou", type=float, default=0.9)
    p.add_argument("--conf-tol", type=float, default=0.02)
    p.add_argument(
        "--min-agreement",
        type=float,
        default=0.98,
        help="0.95 when the pipeline runs FP16 and the naive side FP32",
    )
    p.add_argument("--half", action=argparse.BooleanOptionalAction, default=True, help="pipeline FP16 on CUDA")
    return p


def print_table(pipe: SideResult, naive: SideResult, agreement: Agreement, header: str) -> None:
    print(header)
    print(f"{'side':<36} {'frames':>7} {'seconds':>8} {'fps':>8}")
    for side in (pipe, naive):
        print(f"{side.name:<36} {side.frames:>7} {side.seconds:>8.2f} {side.fps:>8.1f}")
    speedup = pipe.fps / naive.fps if naive.fps else float("nan")
    print(f"speedup: {speedup:.2f}x")
    print(
        f"agreement: {agreement.matched}/{agreement.total} detections matched ({agreement.ratio:.1%}), "
        f"{agreement.frames_same_count}/{agreement.frames_compared} frames with equal counts, "
        f"max box dev {agreement.max_box_dev_px:.2f} px, max conf dev {agreement.max_conf_dev:.4f}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    random_weights = args.weights.endswith((".yaml", ".yml"))
    if args.conf is None:
        # Freshly initialised heads score ~1e-4..1e-5: a tiny threshold leaves boxes to compare.
        args.conf = 1e-4 if random_weights else 0.25
    args.threads = args.threads or len(os.sched_getaffinity(0))
    device = pipeline.resolve_device(args.device)
    args.batch = args.batch or pipeline.auto_batch(device)
    args.workers = args.workers or pipeline.auto_workers(device)
    torch.manual_seed(args.seed)
    yolo = pipeline.load_yolo(args.weights)
    best: list[SideResult] = []
    with tempfile.TemporaryDirectory(prefix="bench-yolo-") as tmp:
        video = args.video or make_video(
            Path(tmp) / "synthetic.mp4",
            frames=args.frames,
            width=args.width,
            height=args.height,
            seed=args.seed,
        )
        info = probe(video)
        pipe_side = PipelineSide(yolo, video, info, device, args)
        sides: tuple[PipelineSide | NaiveSide, ...] = (pipe_side, NaiveSide(yolo, video, info, device, args))
        for round_ in range(max(1, args.repeat)):
            for i, side in enumerate(sides):
                result = side.run()
                if round_ == 0:
                    best.append(result)
                elif result.fps > best[i].fps:
                    best[i] = result
    pipe, naive = best
    agreement = compare(pipe, naive, match_iou=args.match_iou, conf_tol=args.conf_tol)
    name = torch.cuda.get_device_name(device) if device.startswith("cuda") else f"{args.threads} threads"
    header = (
        f"bench_yolo: {video.name if args.video else 'synthetic'} {info.width}x{info.height}, "
        f"{pipe.frames} frames, best of {max(1, args.repeat)}; weights={args.weights}, imgsz={args.imgsz}, "
        f"conf={args.conf:g}, device={device} ({name}), torch {torch.__version__}"
    )
    print_table(pipe, naive, agreement, header)
    needed = args.min_agreement
    if pipe_side.detector.half and needed == build_parser().get_default("min_agreement"):
        needed = 0.95  # FP16 vs FP32: boxes near the threshold may flip
    return 0 if agreement.ratio >= needed and pipe.frames == naive.frames else 1


if __name__ == "__main__":
    sys.exit(main())

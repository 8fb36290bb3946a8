"""Benchmark: the container's pipeline vs plain ultralytics, same videos and same weights.

    .venv-gpu/bin/python bench/bench_yolo.py [--device cpu|cuda] [--clips 480p,1080p] [--frames N] [--video PATH]

Sides, each timed decode included, model setup excluded (one untimed warm-up call each):
- naive: `model.predict(source=video, stream=True)` (ultralytics' loader, one frame per call,
  a Results object per frame, FP32): what a first script looks like;
- fair baseline: the same call with the best settings a user would pick: `batch=16`, `half=True`
  (FP16 on CUDA; ultralytics ignores it on a CPU), same imgsz;
- pipeline: dogwatch's (on CUDA: NVDEC when installed, tensor pre-processing, overlapped stages,
  FP16, channels_last; on a CPU: threaded decode + batched inference).
Clips are made at run time, no download: `480p` = 640x480 MP4 (mp4v, easy to decode), `1080p` =
1920x1080 H.264 (libx264 via PyAV, what a camera records). With random weights (a .yaml) the
model's BatchNorm statistics are re-estimated on the clip (`wake_random_model`: a fresh model scores
every anchor alike) and the confidence threshold is calibrated so ~50 candidates per frame survive.
Agreement: per frame, every detection is matched to one of the other side with the same class,
IoU >= --match-iou and |conf delta| <= --conf-tol. Exit status 0 when the pipeline agrees with
both baselines (>= --min-agreement) on every clip, 1 otherwise.
"""

from __future__ import annotations

import argparse
import copy
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
from dogwatch import pipeline, sources
from dogwatch.synthetic import make_h264_video, make_video
from dogwatch.video import VideoInfo, probe
from ultralytics.data.augment import LetterBox
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
        self.decoder = sources.resolve_decoder(args.decoder, device)
        if args.tensorrt:
            from dogwatch import engine

            shape = self.detector.geometry((info.height, info.width)).out
            path, _ = engine.engine_for(yolo, args.weights, device, shape, args.batch, self.detector.half)
            self.detector = pipeline.Detector(None, device, config, engine=path)
        self.video, self.args = video, args
        tail = -(-info.frame_count // args.stride) % args.batch if info.frame_count else 0
        # untimed: cuDNN autotune / oneDNN primitives for the full and the last batch shape, thread start-up
        self._run(max_frames=args.batch + tail)
        extras = [self.decoder if device.startswith("cuda") else ""]
        extras += ["fp16" if self.detector.half else "", "trt" if args.tensorrt else ""]
        self.name = f"pipeline (batch {args.batch}{''.join(', ' + e for e in extras if e)})"

    def _run(self, max_frames: int | None = None) -> pipeline.PipelineResult:
        args = self.args
        return pipeline.run_pipeline(
            self.video,
            self.detector,
            stride=args.stride,
            batch_size=args.batch,
            workers=args.workers,
            max_frames=max_frames,
            decoder=self.decoder,
        )

    def run(self) -> SideResult:
        torch.set_num_threads(self.args.threads)
        result = self._run()
        return SideResult(self.name, result.detections, result.frames_processed, result.seconds)


class NaiveSide:
    """`model.predict(source=video, stream=True)`: ultralytics' loader and predictor, Results objects.

    `batch=1, half=False` is the naive loop; `batch=16, half=True` the fair baseline.
    """

    def __init__(
        self, yolo: YOLO, video: Path, info: VideoInfo, device: str, args: argparse.Namespace, *, fair: bool = False
    ) -> None:
        # A model of its own: ultralytics keeps the first predictor's model (and its FP16/FP32 choice)
        # for later predict() calls on the same object, whatever `half` they pass.
        predictor, yolo.predictor = yolo.predictor, None  # a predictor holds locks: not copyable
        try:
            self.yolo = copy.deepcopy(yolo)
        finally:
            yolo.predictor = predictor
        self.video, self.args = video, args
        self.batch = args.fair_batch if fair else 1
        self.common: dict[str, Any] = dict(
            imgsz=args.imgsz, conf=args.conf, iou=args.iou, classes=args.classes, device=device, verbose=False,
            half=fair, batch=self.batch,
        )  # fmt: skip
        half = fair and device.startswith("cuda")
        self.name = f"fair predict(batch={self.batch}, half)" if fair else "naive predict(stream=True)"
        self.name += "" if half or not fair else " [fp32 on cpu]"
        first = np.zeros((info.height, info.width, 3), np.uint8)
        self.yolo.predict(source=[first] * self.batch, **self.common)  # untimed: predictor and model setup

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


def wake_random_model(yolo: YOLO, video: Path, imgsz: int, frames: int = 8) -> None:
    """Give a random-weight model input-dependent scores: re-estimate its BatchNorm statistics on the clip.

    Freshly initialised, yolo11n's activations fade to ~1e-10 by the head, so every anchor scores
    exactly sigmoid(bias) and NMS sees thousands of ties: nothing like a trained model. A few
    train-mode passes over real frames (no labels, no weight update) give BatchNorm real
    statistics; the scores then vary with the picture, and `calibrate_conf` can pick a threshold.
    """
    import cv2

    model = yolo.model
    capture = cv2.VideoCapture(str(video))
    images = []
    while len(images) < frames:
        ok, frame = capture.read()
        if not ok:
            break
        images.append(LetterBox(imgsz, auto=True, stride=32)(image=frame)[..., ::-1].transpose(2, 0, 1))
    capture.release()
    if not images:
        return
    x = torch.from_numpy(np.ascontiguousarray(np.stack(images))).float() / 255
    norms = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    for bn in norms:
        bn.reset_running_stats()
        bn.momentum = None  # a cumulative average over the passes below
    model.train()
    with torch.no_grad():
        for start in range(0, len(x), 2):
            model(x[start : start + 2])
    model.eval()
    for bn in norms:
        bn.momentum = 0.03


def calibrate_conf(yolo: YOLO, video: Path, imgsz: int, device: str, per_frame: int = 50) -> float:
    """A threshold that leaves about `per_frame` candidates on the first frame (random weights score ~1e-4)."""
    import cv2

    capture = cv2.VideoCapture(str(video))
    ok, frame = capture.read()
    capture.release()
    if not ok:
        return 1e-4
    det = pipeline.Detector(yolo, device, pipeline.DetectorConfig(imgsz=imgsz, half=False))
    x = det.normalise(det._upload([det.preprocess(frame)]))
    with torch.inference_mode():
        preds = det.backend(x)
        preds = preds[0] if isinstance(preds, (list, tuple)) else preds
        scores = preds[0, 4:].amax(0).float().sort(descending=True).values
    return float(scores[min(per_frame, len(scores) - 1)].item())


def make_clips(names: Sequence[str], folder: Path, frames: int, seed: int) -> dict[str, Path]:
    """The benchmark clips, made now: `480p` (640x480 mp4v) and `1080p` (1920x1080 H.264)."""
    clips = {}
    for name in names:
        if name == "480p":
            clips[name] = make_video(folder / "clip-480p.mp4", frames=frames, width=640, height=480, seed=seed)
        elif name == "1080p":
            clips[name] = make_h264_video(folder / "clip-1080p-h264.mp4", frames=frames, seed=seed)
        else:
            raise SystemExit(f"bench_yolo: unknown clip {name!r} (480p, 1080p)")
    return clips


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    p.add_argument("--clips", default="480p,1080p", help="comma-separated: 480p, 1080p")
    p.add_argument("--frames", type=int, default=120, help="frames of each synthetic clip")
    p.add_argument("--video", type=Path, default=None, help="use this video instead of the synthetic clips")
    p.add_argument("--weights", default="yolo11n.yaml", help=".pt checkpoint or .yaml (random weights)")
    p.add_argument("--imgsz", type=int, default=640)
    p.add_argument("--conf", type=float, default=None, help="default: 0.25, or calibrated for random weights")
    p.add_argument("--iou", type=float, default=0.7)
    p.add_argument("--classes", type=int, nargs="*", default=None, help="class ids (default: all)")
    p.add_argument("--batch", type=int, default=0, help="pipeline batch; 0: the container's default for the device")
    p.add_argument("--fair-batch", type=int, default=16, help="the fair baseline's predict(batch=...)")
    p.add_argument("--decoder", default="auto", help="pipeline decoder: auto, cpu, torchcodec, nvc")
    p.add_argument("--tensorrt", action="store_true", help="pipeline runs a TensorRT engine (CUDA)")
    p.add_argument("--stride", type=int, default=1)
    p.add_argument("--workers", type=int, default=0, help="pipeline letterbox threads (0: auto)")
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads for every side (0: all cores)")
    p.add_argument("--repeat", type=int, default=2, help="alternate the sides this often, keep the best")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--match-iou", type=float, default=0.9)
    p.add_argument("--conf-tol", type=float, default=0.02)
    p.add_argument("--min-agreement", type=float, default=0.98, help="0.95 when only the pipeline runs FP16")
    p.add_argument("--half", action=argparse.BooleanOptionalAction, default=True, help="pipeline FP16 on CUDA")
    return p


def print_table(
    pipe: SideResult, baselines: Sequence[SideResult], agreements: Sequence[Agreement], header: str
) -> None:
    print(header)
    print(f"{'side':<40} {'frames':>7} {'seconds':>8} {'fps':>8}")
    for side in (pipe, *baselines):
        print(f"{side.name:<40} {side.frames:>7} {side.seconds:>8.2f} {side.fps:>8.1f}")
    for base, agreement in zip(baselines, agreements, strict=True):
        speedup = pipe.fps / base.fps if base.fps else float("nan")
        print(
            f"vs {base.name}: speedup {speedup:.2f}x; agreement {agreement.matched}/{agreement.total} "
            f"detections matched ({agreement.ratio:.1%}), {agreement.frames_same_count}/{agreement.frames_compared} "
            f"frames with equal counts, max box dev {agreement.max_box_dev_px:.2f} px, "
            f"max conf dev {agreement.max_conf_dev:.4f}"
        )


def bench_clip(yolo: YOLO, video: Path, label: str, device: str, args: argparse.Namespace) -> bool:
    """Time the three sides on one clip, print the table; True when the pipeline agrees with both baselines."""
    info = probe(video)
    conf_given = args.conf is not None
    if not conf_given:
        args.conf = calibrate_conf(yolo, video, args.imgsz, device) if args.random_weights else 0.25
    pipe_side = PipelineSide(yolo, video, info, device, args)
    sides: list[PipelineSide | NaiveSide] = [
        pipe_side,
        NaiveSide(yolo, video, info, device, args, fair=True),
        NaiveSide(yolo, video, info, device, args),
    ]
    best: list[SideResult] = []
    for round_ in range(max(1, args.repeat)):
        for i, side in enumerate(sides):
            result = side.run()
            if round_ == 0:
                best.append(result)
            elif result.fps > best[i].fps:
                best[i] = result
    pipe, baselines = best[0], best[1:]
    agreements = [compare(pipe, b, match_iou=args.match_iou, conf_tol=args.conf_tol) for b in baselines]
    name = torch.cuda.get_device_name(device) if device.startswith("cuda") else f"{args.threads} threads"
    header = (
        f"bench_yolo [{label}]: {video.name} {info.width}x{info.height}, {pipe.frames} frames, best of "
        f"{max(1, args.repeat)}; weights={args.weights}, imgsz={args.imgsz}, conf={args.conf:.3g}, "
        f"device={device} ({name}), torch {torch.__version__}"
    )
    print_table(pipe, baselines, agreements, header)
    needed = args.min_agreement
    if pipe_side.detector.half and needed == build_parser().get_default("min_agreement"):
        needed = 0.95  # FP16 vs the naive side's FP32: boxes near the threshold may flip
    if not conf_given:
        args.conf = None
    return all(a.ratio >= needed for a in agreements) and all(pipe.frames == b.frames for b in baselines)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.random_weights = args.weights.endswith((".yaml", ".yml"))
    args.threads = args.threads or len(os.sched_getaffinity(0))
    device = pipeline.resolve_device(args.device)
    args.batch = args.batch or pipeline.auto_batch(device)
    args.workers = args.workers or pipeline.auto_workers(device)
    torch.manual_seed(args.seed)
    yolo = pipeline.load_yolo(args.weights)
    ok = True
    with tempfile.TemporaryDirectory(prefix="bench-yolo-") as tmp:
        if args.video is not None:
            clips = {"video": args.video}
        else:
            clips = make_clips(
                [c.strip() for c in args.clips.split(",") if c.strip()], Path(tmp), args.frames, args.seed
            )
        if args.random_weights:
            wake_random_model(yolo, next(iter(clips.values())), args.imgsz)
        for label, video in clips.items():
            ok = bench_clip(yolo, video, label, device, args) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""The figures of bench/gpu_check.sh (run that script; it adds the GPU, driver and utilisation).

    .venv-gpu/bin/python bench/gpu_check.py [--frames N] [--batches 1,4,16,32,64] [--weights W]

On one 1080p H.264 clip (made now with PyAV/libx264) and one 640x480 mp4v clip: the naive loop,
the fair baseline (predict batch=16, half=True), the pipeline at each batch size, the decode-only
ceiling of every installed decoder (CPU/OpenCV, NVDEC via torchcodec, NVDEC via PyNvVideoCodec),
the model-only ceiling, the pipeline with CPU decode vs NVDEC, an optional TensorRT engine, the
agreement of the best pipeline with both baselines, and as the last line a VERDICT against
>= 3x the fair baseline with >= 99 % agreement. Without CUDA it exits 2 after "VERDICT: no GPU",
unless --allow-cpu (GPU_CHECK_ALLOW_CPU=1), which runs the same flow on the CPU with tiny counts
and still ends with "VERDICT: no GPU".
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("YOLO_OFFLINE", "1")
os.environ.setdefault("YOLO_VERBOSE", "False")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "gpu_container" / "src"))

import numpy as np
import torch
from dogwatch import gpupipe, pipeline, sources
from dogwatch.video import probe

import bench_yolo as by

TARGET_SPEEDUP = 3.0
TARGET_AGREEMENT = 0.99


def versions() -> str:
    parts = [f"torch {torch.__version__}", f"CUDA {torch.version.cuda}", f"cuDNN {torch.backends.cudnn.version()}"]
    for module in ("ultralytics", "torchcodec", "PyNvVideoCodec", "tensorrt", "av"):
        if importlib.util.find_spec(module) is None:
            parts.append(f"{module} not installed")
            continue
        try:
            parts.append(f"{module} {getattr(__import__(module), '__version__', '?')}")
        except Exception as exc:  # an installed package that cannot load (e.g. no FFmpeg libraries)
            parts.append(f"{module} broken ({type(exc).__name__}: {exc})")
    return ", ".join(parts)


def sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize(device)


def decode_only(decoder: str, video: Path, device: str, batch: int) -> tuple[float, int]:
    """(fps, frames): decode + upload + colour conversion to (N, 3, H, W) uint8 on the device, nothing else."""
    source = sources.open_source(decoder, video, device, stride=1)
    started, frames = time.perf_counter(), 0
    try:
        for raw in source.batches(batch):
            gpupipe.to_rgb_chw(raw, torch.device(device))
            frames += len(raw.indices)
        sync(device)
    finally:
        source.close()
    seconds = time.perf_counter() - started
    return frames / seconds if seconds > 0 else 0.0, frames


def model_only(detector: pipeline.Detector, shape: tuple[int, int], batch: int, iters: int) -> float:
    """fps of forward + candidate extraction + the copy back + host NMS on a ready device batch."""
    g = detector.geometry(shape)
    frames = torch.randint(0, 256, (batch, 3, *shape), dtype=torch.uint8, device=detector.device)
    from dogwatch import devprep

    x = devprep.model_input(frames, g, half=detector.half, channels_last=detector.channels_last)
    detector.collect(detector.launch(x, [shape] * batch))  # warm-up
    sync(str(detector.device))
    started = time.perf_counter()
    waiting = None
    for _ in range(iters):
        launched = detector.launch(x, [shape] * batch)
        if waiting is not None:
            detector.collect(waiting)
        waiting = launched
    if waiting is not None:
        detector.collect(waiting)
    return batch * iters / (time.perf_counter() - started)


class Check:
    """Runs the steps within a time budget; a step that fails or does not fit is reported, not fatal."""

    def __init__(self, budget_s: float) -> None:
        self.started = time.perf_counter()
        self.budget_s = budget_s

    def step(self, label: str, fn: Callable[[], Any], optional: bool = False) -> Any:
        left = self.budget_s - (time.perf_counter() - self.started)
        if optional and left < 0.25 * self.budget_s:
            print(f"{label}: skipped ({left:.0f} s of the budget left)", flush=True)
            return None
        try:
            return fn()
        except Exception as exc:
            print(f"{label}: failed ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})", flush=True)
            return None


def bench_args(weights: str, device: str, batch: int, conf: float, imgsz: int, decoder: str = "auto") -> Any:
    args = by.build_parser().parse_args(
        ["--weights", weights, "--batch", str(batch), "--conf", f"{conf}", "--imgsz", str(imgsz), "--repeat", "1"]
    )
    args.decoder, args.threads = decoder, len(os.sched_getaffinity(0))
    args.workers = pipeline.auto_workers(device)
    args.random_weights = weights.endswith((".yaml", ".yml"))
    return args


def line(label: str, result: by.SideResult | None, extra: str = "") -> None:
    if result is not None:
        print(
            f"{label:<44} {result.fps:>9.1f} fps  ({result.frames} frames, {result.seconds:.2f} s){extra}", flush=True
        )


def run(opts: argparse.Namespace) -> int:
    cuda = torch.cuda.is_available()
    print(f"versions: {versions()}", flush=True)
    if not cuda and not opts.allow_cpu:
        print("VERDICT: no GPU (torch sees no CUDA device; GPU_CHECK_ALLOW_CPU=1 runs the flow on the CPU)")
        return 2
    device = "cuda:0" if cuda else "cpu"
    print(f"device: {device} ({torch.cuda.get_device_name(0) if cuda else f'{os.cpu_count()} CPU cores'})")
    check = Check(opts.budget_s)
    torch.manual_seed(0)
    yolo = pipeline.load_yolo(opts.weights)
    batches = [int(b) for b in opts.batches.split(",")]
    with tempfile.TemporaryDirectory(prefix="gpu-check-") as tmp:
        t0 = time.perf_counter()
        clips = by.make_clips(["1080p", "480p"], Path(tmp), opts.frames, seed=0)
        print(f"clips: {opts.frames} frames each, made in {time.perf_counter() - t0:.1f} s", flush=True)
        video = clips["1080p"]
        info = probe(video)
        random_weights = opts.weights.endswith((".yaml", ".yml"))
        if random_weights:
            by.wake_random_model(yolo, video, opts.imgsz)
        conf = by.calibrate_conf(yolo, video, opts.imgsz, device) if random_weights else 0.25
        print(f"weights {opts.weights}, imgsz {opts.imgsz}, conf {conf:.3g}", flush=True)
        default_batch = pipeline.auto_batch(device)
        base = bench_args(opts.weights, device, default_batch, conf, opts.imgsz)

        print("-- 1080p H.264 --", flush=True)
        naive = check.step("naive", lambda: by.NaiveSide(yolo, video, info, device, base).run())
        line("naive predict(stream=True)", naive)
        fair = check.step("fair", lambda: by.NaiveSide(yolo, video, info, device, base, fair=True).run())
        line(f"fair baseline predict(batch={base.fair_batch}, half=True)", fair)
        runs: dict[int, by.SideResult] = {}
        for b in batches:
            args = bench_args(opts.weights, device, b, conf, opts.imgsz)
            result = check.step(
                f"pipeline batch {b}", lambda a=args: by.PipelineSide(yolo, video, info, device, a).run()
            )
            if result is not None:
                runs[b] = result
                ratio = f"  = {result.fps / fair.fps:.2f}x fair" if fair and fair.fps else ""
                line(f"pipeline batch {b} (decoder {sources.resolve_decoder('auto', device)})", result, ratio)
        best_batch = max(runs, key=lambda b: runs[b].fps) if runs else default_batch
        print(f"best batch: {best_batch} (the container's default on this device: {default_batch})", flush=True)
        for name in ("cpu", "torchcodec", "nvc"):
            if name != "cpu" and not (cuda and sources.available(name)):
                print(f"decode-only {name}: not available ({'no CUDA' if not cuda else 'not installed'})")
                continue
            got = check.step(f"decode-only {name}", lambda n=name: decode_only(n, video, device, 32))
            if got is not None:
                print(f"{'decode-only ceiling, ' + name:<44} {got[0]:>9.1f} fps  ({got[1]} frames)", flush=True)
        config = pipeline.DetectorConfig(imgsz=opts.imgsz, conf=conf, iou=base.iou)
        fps = check.step(
            "model-only",
            lambda: model_only(pipeline.Detector(yolo, device, config), (info.height, info.width), best_batch, 10),
        )
        if fps is not None:
            print(f"{f'model-only ceiling (batch {best_batch})':<44} {fps:>9.1f} fps", flush=True)
        if cuda and sources.resolve_decoder("auto", device) != "cpu":
            args = bench_args(opts.weights, device, best_batch, conf, opts.imgsz, decoder="cpu")
            cpu_dec = check.step("pipeline cpu decode", lambda: by.PipelineSide(yolo, video, info, device, args).run())
            line(f"pipeline batch {best_batch}, CPU decode", cpu_dec)
        if cuda and importlib.util.find_spec("tensorrt") is not None:
            args = bench_args(opts.weights, device, best_batch, conf, opts.imgsz)
            args.tensorrt = True
            t0 = time.perf_counter()
            trt = check.step("tensorrt", lambda: by.PipelineSide(yolo, video, info, device, args).run(), optional=True)
            line(
                f"pipeline batch {best_batch}, TensorRT",
                trt,
                f"  (engine ready after {time.perf_counter() - t0:.0f} s)",
            )
        else:
            print("tensorrt: not installed (skipped)")
        best = runs.get(best_batch)
        agreements = {}
        for label, other in (("fair baseline", fair), ("naive", naive)):
            if best is not None and other is not None:
                a = by.compare(best, other, match_iou=0.9, conf_tol=0.02)
                agreements[label] = a.ratio
                print(f"agreement best pipeline vs {label}: {a.matched}/{a.total} ({a.ratio:.2%}), "
                      f"max box dev {a.max_box_dev_px:.2f} px", flush=True)  # fmt: skip

        print("-- 640x480 mp4v --", flush=True)
        small = clips["480p"]
        small_info = probe(small)
        args = bench_args(opts.weights, device, best_batch, conf, opts.imgsz)
        for label, make in (
            (f"pipeline batch {best_batch}", lambda: by.PipelineSide(yolo, small, small_info, device, args).run()),
            ("fair baseline", lambda: by.NaiveSide(yolo, small, small_info, device, base, fair=True).run()),
        ):
            line(label, check.step(f"480p {label}", make, optional=True))
    print(f"check took {time.perf_counter() - check.started:.0f} s", flush=True)
    if not cuda:
        print("VERDICT: no GPU (the flow ran on the CPU with tiny counts; no figure above says anything about a GPU)")
        return 0
    if best is None or fair is None or "fair baseline" not in agreements:
        print("VERDICT: FAIL (a required measurement failed; see above)")
        return 1
    speedup, agree = best.fps / fair.fps, agreements["fair baseline"]
    ok = speedup >= TARGET_SPEEDUP and agree >= TARGET_AGREEMENT
    verdict = "PASS" if ok else "FAIL"
    print(
        f"VERDICT: {verdict} pipeline {best.fps:.0f} fps (batch {best_batch}) = {speedup:.2f}x the fair "
        f"baseline ({fair.fps:.0f} fps; target >= {TARGET_SPEEDUP:g}x), agreement {agree:.2%} (target >= 99%)"
    )
    return 0 if ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    allow = os.environ.get("GPU_CHECK_ALLOW_CPU", "") not in {"", "0"}
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--frames", type=int, default=int(os.environ.get("GPU_CHECK_FRAMES", "8" if allow else "600")))
    p.add_argument("--batches", default=os.environ.get("GPU_CHECK_BATCHES", "1,4" if allow else "1,4,16,32,64"))
    p.add_argument("--weights", default=os.environ.get("GPU_CHECK_WEIGHTS", "yolo11n.yaml"))
    p.add_argument("--imgsz", type=int, default=int(os.environ.get("GPU_CHECK_IMGSZ", "160" if allow else "640")))
    p.add_argument("--budget-s", type=float, default=float(os.environ.get("GPU_CHECK_BUDGET_S", "400")))
    p.add_argument("--allow-cpu", action="store_true", default=allow)
    np.seterr(all="ignore")
    return run(p.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())

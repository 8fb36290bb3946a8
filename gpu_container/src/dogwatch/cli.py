"""Command line: download -> decode -> batched inference -> segments -> report -> callback.

stdout carries simple `event key=value ...` lines (CloudWatch logs on Batch) and, as its last
line, the JSON report. Errors are also written to stderr. Exit codes: dogwatch.errors.ExitCode.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dogwatch.callback import CallbackPolicy, post_json
from dogwatch.download import check_http_url, download
from dogwatch.errors import BadArgumentError, CallbackError, DogwatchError, ExitCode, NotAVideoError
from dogwatch.netsafe import UrlPolicy, redact_url
from dogwatch.report import RunFacts, build_report, to_json_line

DEFAULT_WEIGHTS = os.environ.get(
    "DOGWATCH_WEIGHTS", str(Path(__file__).resolve().parents[2] / "weights" / "yolo11n.pt")
)


def emit(event: str, **fields: object) -> None:
    """Print one progress line: `event key=value ...` (strings with spaces are JSON-quoted)."""
    parts = [event]
    for key, value in fields.items():
        if isinstance(value, float):
            text = f"{value:.3f}".rstrip("0").rstrip(".") if value == value else "nan"
        else:
            text = str(value)
        if not text or any(c.isspace() or c in '"=' for c in text):
            text = json.dumps(text)
        parts.append(f"{key}={text}")
    print(" ".join(parts), flush=True)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="main.py", description="Find the time segments of a video in which a class (dog) is visible."
    )
    p.add_argument("--video_url", "--video-url", required=True, help="http(s) URL (S3 presigned is fine)")
    p.add_argument("--callback_url", "--callback-url", default="", help="http(s) URL the JSON report is POSTed to")
    p.add_argument("--weights", default=DEFAULT_WEIGHTS, help="local .pt checkpoint or a .yaml architecture")
    p.add_argument("--classes", nargs="+", default=["dog"], help="class names or ids (COCO), or 'all'")
    p.add_argument("--conf", type=float, default=0.25, help="confidence threshold")
    p.add_argument("--iou", type=float, default=0.7, help="NMS IoU threshold")
    p.add_argument("--imgsz", type=int, default=640, help="inference size (long side, pixels)")
    p.add_argument("--batch", type=int, default=0, help="frames per model call (0: 16 on CUDA, 4 on CPU)")
    p.add_argument("--workers", type=int, default=0, help="letterbox threads (0: auto)")
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: all cores)")
    p.add_argument("--max-frames", type=int, default=0, help="stop after this many processed frames (0: all)")
    p.add_argument("--stride", type=int, default=1, help="process every Nth frame")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    p.add_argument("--half", action=argparse.BooleanOptionalAction, default=True, help="FP16 on CUDA")
    p.add_argument(
        "--decoder",
        default="auto",
        help="auto (NVDEC via torchcodec or PyNvVideoCodec on CUDA when installed, else cpu), cpu, torchcodec, nvc",
    )
    p.add_argument(
        "--tensorrt", action="store_true", help="run a TensorRT engine (built on first use, cached; CUDA only)"
    )
    p.add_argument("--max-bytes", type=int, default=4 * 1024**3, help="refuse larger videos")
    p.add_argument("--timeout", type=float, default=600.0, help="download time limit, seconds (redirects included)")
    p.add_argument(
        "--allow-private-urls",
        action="store_true",
        help="allow loopback/private/link-local addresses for the video and the callback (local runs only)",
    )
    p.add_argument("--merge-gap", type=float, default=1.0, help="join detections this many seconds apart")
    p.add_argument("--callback-attempts", type=int, default=5)
    p.add_argument("--callback-timeout", type=float, default=10.0, help="seconds per attempt")
    p.add_argument("--callback-backoff", type=float, default=1.0, help="first retry delay; doubles, max 30 s")
    p.add_argument("--progress-every", type=float, default=5.0, help="seconds between progress lines")
    p.add_argument("--workdir", default=None, help="where the video is downloaded (default: temp dir)")
    return p


def validate(args: argparse.Namespace) -> None:
    check_http_url(args.video_url, "--video_url")
    if args.callback_url:
        check_http_url(args.callback_url, "--callback_url")
    checks = [
        (0.0 < args.conf <= 1.0, "--conf must be in (0, 1]"),
        (0.0 < args.iou <= 1.0, "--iou must be in (0, 1]"),
        (32 <= args.imgsz <= 4096, "--imgsz must be in [32, 4096]"),
        (args.batch >= 0, "--batch must be >= 0"),
        (args.workers >= 0, "--workers must be >= 0"),
        (args.threads >= 0, "--threads must be >= 0"),
        (args.max_frames >= 0, "--max-frames must be >= 0"),
        (args.stride >= 1, "--stride must be >= 1"),
        (args.max_bytes > 0, "--max-bytes must be > 0"),
        (args.timeout > 0, "--timeout must be > 0"),
        (args.merge_gap >= 0, "--merge-gap must be >= 0"),
        (args.callback_attempts >= 1, "--callback-attempts must be >= 1"),
        (args.callback_timeout > 0, "--callback-timeout must be > 0"),
        (args.callback_backoff >= 0, "--callback-backoff must be >= 0"),
    ]
    for ok, message in checks:
        if not ok:
            raise BadArgumentError(message)


@dataclass
class Setup:
    """What a run needs before it sees a video: loaded once per process (per request in `serve`)."""

    detector: Any
    yolo: Any
    batch: int
    workers: int
    decoder: str
    classes: dict[int, str]
    versions: dict[str, str]
    load_s: float


def load_setup(args: argparse.Namespace) -> Setup:
    """Pick the device and decoder, load the weights, resolve the classes; emits the `model` line."""
    t0 = time.perf_counter()
    import torch
    import ultralytics

    from dogwatch import engine, pipeline, sources

    versions = {"torch": torch.__version__, "ultralytics": ultralytics.__version__}
    device = pipeline.resolve_device(args.device)
    decoder = sources.resolve_decoder(args.decoder, device)
    if args.tensorrt:
        versions["tensorrt"] = engine.check_available(device)
    batch = args.batch or pipeline.auto_batch(device)
    workers = args.workers or pipeline.auto_workers(device)
    if device == "cpu":
        torch.set_num_threads(args.threads or pipeline.cpu_count())  # ultralytics' import leaves 1
    yolo = pipeline.load_yolo(args.weights)
    classes = pipeline.resolve_classes(args.classes, pipeline.class_names(yolo.names))
    config = pipeline.DetectorConfig(imgsz=args.imgsz, conf=args.conf, iou=args.iou, classes=classes, half=args.half)
    detector = pipeline.Detector(yolo, device, config)
    names = {i: detector.names[i] for i in (classes if classes is not None else detector.names)}
    setup = Setup(detector, yolo, batch, workers, decoder, names, versions, time.perf_counter() - t0)
    emit(
        "model",
        weights=Path(args.weights).name,
        device=device,
        half=detector.half,
        batch=batch,
        decoder=decoder,
        workers=workers,
        threads=torch.get_num_threads(),
        classes=len(names),
    )
    return setup


def record_setup(setup: Setup, args: argparse.Namespace, facts: RunFacts) -> None:
    det = setup.detector
    facts.versions.update(setup.versions)
    facts.device = str(det.device)
    facts.classes = dict(setup.classes)
    facts.model.update(
        half=det.half,
        imgsz=det.imgsz[0],
        batch=setup.batch,
        classes=sorted(setup.classes.values()),
        decoder=setup.decoder,
        tensorrt=bool(args.tensorrt),
    )
    facts.timings["model_load_s"] = setup.load_s


def use_engine(args: argparse.Namespace, setup: Setup, frame: tuple[int, int], facts: RunFacts) -> None:
    """Swap the detector for a TensorRT engine made for this video's input shape (built once, cached)."""
    from dogwatch import engine, pipeline

    t0 = time.perf_counter()
    det = setup.detector
    shape = det.geometry(frame).out
    path, built = engine.engine_for(setup.yolo, args.weights, str(det.device), shape, setup.batch, det.half)
    setup.detector = pipeline.Detector(None, str(det.device), det.config, engine=path)
    facts.timings["engine_s"] = time.perf_counter() - t0
    emit("tensorrt", engine=path.name, built=built, seconds=facts.timings["engine_s"])


def fetch(args: argparse.Namespace, facts: RunFacts, workdir: Path) -> Path:
    """Download the video, with a progress line at most every --progress-every seconds."""
    t0 = last = time.perf_counter()

    def on_bytes(size: int, total: int | None) -> None:
        nonlocal last
        now = time.perf_counter()
        if now - last >= args.progress_every:
            last = now
            emit("download", bytes=size, total=total if total is not None else "?")

    got = download(
        args.video_url,
        workdir,
        max_bytes=args.max_bytes,
        timeout_s=args.timeout,
        policy=UrlPolicy(allow_private=args.allow_private_urls),
        on_progress=on_bytes,
    )
    facts.size_bytes = got.size_bytes
    facts.timings["download_s"] = time.perf_counter() - t0
    emit("downloaded", bytes=got.size_bytes, seconds=got.seconds, content_type=got.content_type or "?")
    return got.path


def analyse(args: argparse.Namespace, facts: RunFacts, workdir: Path, setup: Setup | None = None) -> None:
    """The whole job; fills `facts` as it goes so a failure still reports what was learnt."""
    from dogwatch import pipeline, segments
    from dogwatch.video import probe

    setup = setup or load_setup(args)
    record_setup(setup, args, facts)
    path = fetch(args, facts, workdir)
    info = probe(path)
    facts.video = info
    emit("video", width=info.width, height=info.height, fps=info.fps, frames=info.frame_count)
    if info.fps_assumed:
        emit("warning", message=f"no frame rate in the container, assuming {info.fps:g} fps")
    if args.tensorrt:
        use_engine(args, setup, (info.height, info.width), facts)

    expected: int | str = -(-info.frame_count // args.stride) if info.frame_count else "?"
    if args.max_frames and isinstance(expected, int):
        expected = min(expected, args.max_frames)
    last, shown, seen = time.perf_counter(), 0, 0

    def on_batch(done: int, elapsed: float) -> None:
        nonlocal last, shown, seen
        seen = done
        now = time.perf_counter()
        if now - last >= args.progress_every:
            last, shown = now, done
            emit("progress", frames=f"{done}/{expected}", fps=done / elapsed if elapsed > 0 else 0.0)

    def run(decoder: str) -> pipeline.PipelineResult:
        return pipeline.run_pipeline(
            path,
            setup.detector,
            stride=args.stride,
            batch_size=setup.batch,
            workers=setup.workers,
            max_frames=args.max_frames or None,
            on_batch=on_batch,
            decoder=decoder,
        )

    try:
        result = run(setup.decoder)
    except Exception as exc:  # NVDEC cannot take this file (codec, profile, driver): decode on the CPU
        if setup.decoder == "cpu" or args.decoder != "auto" or seen:
            raise
        emit("warning", message=f"{setup.decoder} decoder failed ({type(exc).__name__}: {exc}); using cpu")
        facts.model["decoder"] = "cpu"
        result = run("cpu")
    if result.decoder != facts.model["decoder"]:
        emit("warning", message=f"frames were decoded by {result.decoder}, not {facts.model['decoder']}")
        facts.model["decoder"] = result.decoder
    if shown != result.frames_processed:
        emit("progress", frames=f"{result.frames_processed}/{expected}", fps=result.fps)
    facts.frames_processed = result.frames_processed
    facts.frames_decoded = result.frames_read
    facts.processing_fps = result.fps
    facts.timings["inference_s"] = result.seconds
    if result.frames_processed == 0:
        raise NotAVideoError(f"{path.name}: no frame could be decoded")
    hits = segments.frame_hits(result.detections)
    facts.segments = segments.build_segments(hits, fps=info.fps, stride=args.stride, max_gap_s=args.merge_gap)
    emit("segments", count=len(facts.segments), frames_with_hits=len(hits))


def strip_self_invocation(argv: Sequence[str]) -> list[str]:
    """Drop a leading `python3 src/main.py` (or `src/main.py`) from the arguments.

    The image's ENTRYPOINT is `python3 src/main.py` and AWS Batch appends the job definition's
    command (`python3 src/main.py --video_url ...`) to it, so both spellings reach us.
    """
    args = list(argv)
    if len(args) >= 2 and re.fullmatch(r"python[0-9.]*", Path(args[0]).name) and args[1].endswith("main.py"):
        return args[2:]
    if args and args[0].endswith("main.py"):
        return args[1:]
    return args


def run_job(args: argparse.Namespace, setup: Setup | None = None) -> tuple[dict[str, Any], ExitCode]:
    """Analyse one video (no callback): the report and the exit code. Never raises for a failed run."""
    started = time.perf_counter()
    model: dict[str, Any] = {
        "weights": Path(args.weights).name,
        "imgsz": args.imgsz,
        "conf": args.conf,
        "iou": args.iou,
        "batch": args.batch,
        "half": None,
        "classes": list(args.classes),
    }
    facts = RunFacts(video_url=redact_url(args.video_url), stride=args.stride, model=model)
    error: DogwatchError | None = None
    emit("start", video=facts.video_url, stride=args.stride)
    try:
        with tempfile.TemporaryDirectory(prefix="dogwatch-", dir=args.workdir) as tmp:
            analyse(args, facts, Path(tmp), setup)
    except DogwatchError as exc:
        error = exc
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        error = DogwatchError(f"unexpected {type(exc).__name__}: {exc}")
    if error is not None:
        emit("error", code=int(error.code), kind=error.kind, message=error.message)
        print(f"error: {error.message}", file=sys.stderr, flush=True)
    facts.timings["total_s"] = time.perf_counter() - started
    return build_report(facts, error), ExitCode.OK if error is None else error.code


def main(argv: Sequence[str] | None = None) -> int:
    argv = strip_self_invocation(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["serve"]:  # SageMaker hosting: `docker run IMAGE serve`
        from dogwatch.serve import serve_main

        return serve_main(argv[1:])
    args = build_parser().parse_args(argv)  # exits 2 on malformed arguments
    try:
        validate(args)
    except BadArgumentError as exc:
        print(f"error: {exc.message}", file=sys.stderr, flush=True)
        return int(exc.code)
    report, code = run_job(args)
    if args.callback_url:
        policy = CallbackPolicy(
            attempts=args.callback_attempts, timeout_s=args.callback_timeout, backoff_s=args.callback_backoff
        )
        try:
            sent = post_json(
                args.callback_url,
                report,
                policy,
                on_retry=lambda n, why, delay: emit("callback_retry", attempt=n, reason=why, delay_s=delay),
                url_policy=UrlPolicy(allow_private=args.allow_private_urls),
            )
            emit("callback", status=sent.status, attempts=sent.attempts)
        except CallbackError as exc:
            emit("error", code=int(exc.code), kind=exc.kind, message=exc.message)
            print(f"error: {exc.message}", file=sys.stderr, flush=True)
            if code == ExitCode.OK:
                code = exc.code
    print(to_json_line(report), flush=True)
    return int(code)

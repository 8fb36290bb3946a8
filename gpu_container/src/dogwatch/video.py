"""Decode a video with OpenCV: probe its metadata, and read frames in a background thread.

The reader thread decodes every `stride`-th frame, applies the model's preprocessing
(letterbox, BGR->RGB, HWC->CHW) and hands the result over a bounded queue, so decoding and
preprocessing overlap with inference on the main thread.
"""

from __future__ import annotations

import math
import os
import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")

import cv2
import numpy as np

from dogwatch.errors import NotAVideoError

# Frame rate used when the container reports none (some WebM/MediaRecorder files).
ASSUMED_FPS = 30.0
# How long a blocked put/get waits before re-checking whether the other side is gone.
POLL_S = 0.2


@dataclass(frozen=True)
class VideoInfo:
    """What the container says about the video (frame_count may be an estimate)."""

    width: int
    height: int
    fps: float
    frame_count: int
    fps_assumed: bool = False  # the container had no usable frame rate; ASSUMED_FPS is used

    @property
    def duration_s(self) -> float:
        return self.frame_count / self.fps if self.fps > 0 else 0.0


@dataclass(frozen=True)
class Frame:
    """One decoded, preprocessed frame: `index` in the video, original (h, w), model input."""

    index: int
    shape: tuple[int, int]
    image: np.ndarray


# FFmpeg happily "decodes" text files as ANSI art (the tty demuxer): refuse those codecs.
TEXT_CODECS = frozenset({"ansi", "bin ", "xbin", "idf "})


def looks_like_text(head: bytes) -> bool:
    """True when the first bytes are NUL-free UTF-8: an HTML error page, JSON, plain text."""
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:  # a multi-byte character cut at the end of `head` is fine
        return exc.start >= len(head) - 3
    return True


def probe(path: Path) -> VideoInfo:
    """Open `path` and decode its first frame; raise NotAVideoError when that is impossible."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    if looks_like_text(head):  # an error page or a JSON document: its content is never echoed
        raise NotAVideoError(f"{path.name} is text, not a video ({path.stat().st_size} bytes)")
    capture = cv2.VideoCapture(str(path))
    try:
        if not capture.isOpened():
            raise NotAVideoError(f"{path.name} is not a video OpenCV can open")
        ok, frame = capture.read()
        if not ok or frame is None or frame.ndim != 3:
            raise NotAVideoError(f"{path.name} has no decodable video frame")
        fourcc = int(capture.get(cv2.CAP_PROP_FOURCC)) & 0xFFFFFFFF
        if fourcc.to_bytes(4, "little").decode("latin-1").lower() in TEXT_CODECS:
            raise NotAVideoError(f"{path.name} is not a video (decoded as text art)")
        fps = float(capture.get(cv2.CAP_PROP_FPS))
        count = capture.get(cv2.CAP_PROP_FRAME_COUNT)
    finally:
        capture.release()
    assumed = not math.isfinite(fps) or fps <= 0 or fps > 1000
    frame_count = int(count) if math.isfinite(count) and count > 0 else 0
    height, width = frame.shape[:2]
    return VideoInfo(
        width=int(width),
        height=int(height),
        fps=ASSUMED_FPS if assumed else fps,
        frame_count=frame_count,
        fps_assumed=assumed,
    )


class FrameReader:
    """Decode frames in a daemon thread and preprocess them on a small worker pool.

    Only every `stride`-th frame (0, stride, 2*stride, ...) is decoded to pixels; the others
    are grabbed and skipped. The decoder hands one future per frame over a bounded queue, in
    order, so iteration yields frames in video order while `workers` threads letterbox them
    (OpenCV releases the GIL). At most `max_frames` frames are yielded. `close()` stops it all.
    """

    _END = object()

    def __init__(
        self,
        path: Path,
        preprocess: Callable[[np.ndarray], np.ndarray],
        *,
        stride: int = 1,
        queue_size: int = 64,
        workers: int = 2,
        max_frames: int | None = None,
    ) -> None:
        if stride < 1:
            raise ValueError("stride must be >= 1")
        if workers < 1:
            raise ValueError("workers must be >= 1")
        self.path = path
        self.stride = stride
        self.max_frames = max_frames
        self.frames_read = 0  # frames the decoder went through, skipped ones included
        self._preprocess = preprocess
        self._queue: queue.Queue[object] = queue.Queue(maxsize=max(1, queue_size))
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="frame-prep")
        self._thread = threading.Thread(target=self._run, name="frame-reader", daemon=True)

    def __enter__(self) -> FrameReader:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout_s)
        self._pool.shutdown(wait=False, cancel_futures=True)

    def __iter__(self) -> Iterator[Frame]:
        while True:
            try:
                item = self._queue.get(timeout=POLL_S)
            except queue.Empty:
                if not self._thread.is_alive() and self._queue.empty():
                    self._raise_if_failed()
                    return
                continue
            if item is self._END:
                self._raise_if_failed()
                return
            assert isinstance(item, Future)
            yield item.result()  # preprocessing errors surface here

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise self._error

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def _prepare(self, index: int, frame: np.ndarray) -> Frame:
        return Frame(index, (frame.shape[0], frame.shape[1]), self._preprocess(frame))

    def _run(self) -> None:
        capture = cv2.VideoCapture(str(self.path))
        try:
            index = yielded = 0
            while not self._stop.is_set() and (self.max_frames is None or yielded < self.max_frames):
                if index % self.stride:
                    if not capture.grab():
                        break
                else:
                    ok, frame = capture.read()
                    if not ok or frame is None:
                        break
                    if not self._put(self._pool.submit(self._prepare, index, frame)):
                        break
                    yielded += 1
                index += 1
                self.frames_read = index
        except BaseException as exc:  # handed to the consumer, re-raised there
            self._error = exc
        finally:
            capture.release()
            self._put(self._END)

"""A synthetic clip (moving shapes on a textured background) for tests and benchmarks."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np


def make_video(
    path: Path, *, frames: int = 60, width: int = 160, height: int = 120, fps: float = 30.0, seed: int = 0
) -> Path:
    """Write an MP4 (mp4v) clip to `path` and return it; raise RuntimeError if OpenCV cannot."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), fps, (width, height))
    if not writer.isOpened():
        raise RuntimeError(f"OpenCV cannot write {path}")
    rng = np.random.default_rng(seed)
    background = rng.integers(30, 90, size=(height, width, 3), dtype=np.uint8)
    box_w, box_h = max(4, width // 4), max(4, height // 3)
    try:
        for i in range(frames):
            frame = background.copy()
            x = int((width - box_w) * (0.5 + 0.5 * np.sin(i / 9.0)))
            y = int((height - box_h) * (0.5 + 0.5 * np.cos(i / 13.0)))
            cv2.rectangle(frame, (x, y), (x + box_w, y + box_h), (40, 120, 210), -1)
            cv2.circle(frame, (width - x // 2 - 1, height // 2), max(3, height // 8), (220, 220, 220), -1)
            writer.write(frame)
    finally:
        writer.release()
    return path


def make_h264_video(
    path: Path,
    *,
    frames: int = 120,
    width: int = 1920,
    height: int = 1080,
    fps: int = 30,
    seed: int = 0,
    preset: str = "veryfast",
    crf: int = 23,
) -> Path:
    """Write an H.264 (libx264, yuv420p, CABAC and B-frames as x264's `preset` sets them) MP4 with PyAV.

    A realistic decode load for the benchmarks: 1080p H.264 like a camera or a phone records,
    procedurally generated (a textured background, moving shapes, a little sensor noise), no
    download. PyAV (`av`, in requirements-test.txt) bundles FFmpeg with libx264.
    """
    import av  # only the benchmarks and tests make clips; the container never encodes

    rng = np.random.default_rng(seed)
    small = rng.integers(40, 200, size=(height // 8 + 1, width // 8 + 1, 3), dtype=np.uint8)
    background = cv2.GaussianBlur(cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC), (0, 0), 3)
    shapes = [
        (rng.integers(0, 255, 3).tolist(), int(rng.integers(height // 10, height // 4)), rng.uniform(0.2, 1.5))
        for _ in range(4)
    ]
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264", rate=fps, options={"preset": preset, "crf": str(crf)})
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for i in range(frames):
            frame = background.copy()
            for n, (colour, size, speed) in enumerate(shapes):
                t = i * speed / fps
                x = int((width - size) * (0.5 + 0.45 * np.sin(t + n)))
                y = int((height - size) * (0.5 + 0.45 * np.cos(1.3 * t + 2 * n)))
                if n % 2:
                    cv2.rectangle(frame, (x, y), (x + size, y + size * 2 // 3), colour, -1)
                else:
                    cv2.circle(frame, (x + size // 2, y + size // 2), size // 2, colour, -1)
            noise = rng.integers(0, 6, size=(height, width, 1), dtype=np.uint8)
            frame = cv2.add(frame, np.broadcast_to(noise, frame.shape).copy())
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="bgr24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path

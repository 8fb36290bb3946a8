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

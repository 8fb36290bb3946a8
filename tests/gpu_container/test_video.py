"""probe() and the threaded FrameReader."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from dogwatch.errors import NotAVideoError
from dogwatch.video import FrameReader, probe

from .conftest import VIDEO_FPS, VIDEO_FRAMES, VIDEO_H, VIDEO_W


def identity(frame: np.ndarray) -> np.ndarray:
    return frame


def test_probe_reads_the_metadata(video_path: Path) -> None:
    info = probe(video_path)
    assert (info.width, info.height, info.frame_count) == (VIDEO_W, VIDEO_H, VIDEO_FRAMES)
    assert info.fps == pytest.approx(VIDEO_FPS)
    assert info.duration_s == pytest.approx(VIDEO_FRAMES / VIDEO_FPS)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html><body>AccessDenied</body></html>", "is text, not a video"),
        (
            bytes(np.random.default_rng(0).integers(0, 256, 4000, dtype=np.uint8)),
            "not a video OpenCV can open",
        ),
        (b"", "not a video OpenCV can open"),
    ],
    ids=["html", "random-bytes", "empty"],
)
def test_probe_rejects_non_videos(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "upload.mp4"
    path.write_bytes(content)
    with pytest.raises(NotAVideoError, match=message):
        probe(path)


@pytest.mark.parametrize("stride", [1, 3, 7])
def test_reader_yields_every_stride_th_frame_in_order(video_path: Path, stride: int) -> None:
    with FrameReader(video_path, identity, stride=stride, queue_size=2, workers=2) as reader:
        frames = list(reader)
        assert reader.frames_read == VIDEO_FRAMES
    assert [f.index for f in frames] == list(range(0, VIDEO_FRAMES, stride))
    assert all(f.shape == (VIDEO_H, VIDEO_W) and f.image.shape == (VIDEO_H, VIDEO_W, 3) for f in frames)


def test_reader_stops_at_max_frames_and_when_abandoned(video_path: Path) -> None:
    with FrameReader(video_path, identity, max_frames=5) as reader:
        assert [f.index for f in reader] == [0, 1, 2, 3, 4]
    reader = FrameReader(video_path, identity, queue_size=1)
    with reader:
        next(iter(reader))  # the decoder is now blocked on a full queue
    reader._thread.join(5)
    assert not reader._thread.is_alive()


def test_reader_reraises_preprocessing_errors(video_path: Path) -> None:
    def broken(frame: np.ndarray) -> np.ndarray:
        raise RuntimeError("letterbox exploded")

    with FrameReader(video_path, broken) as reader, pytest.raises(RuntimeError, match="letterbox exploded"):
        list(reader)

"""The device pipeline (decode -> upload -> tensor pre-processing -> inference -> one copy back
per batch), driven on the CPU: batching order, stride, prefetch queue and errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from dogwatch import gpupipe, pipeline, sources
from dogwatch.errors import BadArgumentError
from ultralytics import YOLO

from .conftest import VIDEO_FRAMES, VIDEO_H, VIDEO_W

CONF = 1e-5


@pytest.fixture(scope="module")
def detector(tiny_weights: Path) -> pipeline.Detector:
    yolo: YOLO = pipeline.load_yolo(str(tiny_weights))
    return pipeline.Detector(yolo, "cpu", pipeline.DetectorConfig(imgsz=160, conf=CONF))


def test_cpu_source_batches_in_video_order(video_path: Path) -> None:
    source = sources.CpuSource(video_path, stride=3, max_frames=7)
    batches = list(source.batches(3))
    source.close()
    assert [b.indices for b in batches] == [[0, 3, 6], [9, 12, 15], [18]]
    assert source.frames_read == 19 and {b.layout for b in batches} == {"bgr_hwc"}
    capture = cv2.VideoCapture(str(video_path))
    frames = [capture.read()[1] for _ in range(19)]
    capture.release()
    for batch in batches:
        assert batch.data.shape == (len(batch.indices), VIDEO_H, VIDEO_W, 3) and batch.shape == (VIDEO_H, VIDEO_W)
        for row, index in zip(batch.data, batch.indices, strict=True):
            assert np.array_equal(row.numpy(), frames[index])


class ConstantFrames:
    """A stand-in source: frame i is uniformly grey level i; fails after `fail_after` batches if set."""

    name = "constant"

    def __init__(self, count: int, fail_after: int | None = None) -> None:
        self.count, self.fail_after, self.frames_read, self.uploads = count, fail_after, 0, 0

    def batches(self, batch_size: int) -> Iterator[sources.RawBatch]:
        for n, first in enumerate(range(0, self.count, batch_size)):
            if self.fail_after is not None and n == self.fail_after:
                raise OSError("decoder fell over")
            indices = list(range(first, min(first + batch_size, self.count)))
            data = torch.tensor(indices, dtype=torch.uint8)[:, None, None, None].expand(-1, 48, 64, 3).contiguous()
            self.frames_read = indices[-1] + 1
            yield sources.RawBatch(indices, data, "bgr_hwc", -1, (48, 64))

    def uploaded(self, raw: sources.RawBatch, event: object) -> None:
        self.uploads += 1

    def close(self) -> None:
        pass


def test_prefetch_queue_keeps_order_and_content(detector: pipeline.Detector) -> None:
    source = ConstantFrames(23)
    with gpupipe.Producer(source, detector, batch_size=5, depth=2) as producer:
        items = list(producer)
    assert [item.indices for item in items] == [list(range(i, min(i + 5, 23))) for i in range(0, 23, 5)]
    assert source.uploads == 5
    for item in items:
        assert item.x.shape == (len(item.indices), 3, 128, 160) and item.x.dtype == torch.float32
        centre = item.x[:, :, 64, 80]  # inside the picture, not the padding
        expected = torch.tensor(item.indices, dtype=torch.float32)[:, None].expand(-1, 3) / 255
        torch.testing.assert_close(centre, expected)


def test_a_decoder_error_reaches_the_consumer_after_the_good_batches(detector: pipeline.Detector) -> None:
    seen: list[list[int]] = []
    source = ConstantFrames(40, fail_after=2)
    with pytest.raises(OSError, match="decoder fell over"), gpupipe.Producer(source, detector, 4) as producer:
        for item in producer:
            seen.append(item.indices)
    assert seen == [[0, 1, 2, 3], [4, 5, 6, 7]]


@pytest.mark.parametrize(("stride", "batch", "max_frames"), [(1, 8, None), (2, 7, None), (3, 4, 9)])
def test_device_pipeline_on_cpu(
    detector: pipeline.Detector, video_path: Path, stride: int, batch: int, max_frames: int | None
) -> None:
    before = detector.transfers
    result = pipeline.run_pipeline(
        video_path, detector, stride=stride, batch_size=batch, max_frames=max_frames, device_prep=True
    )
    expected = list(range(0, VIDEO_FRAMES, stride))[:max_frames]
    assert sorted(result.detections) == expected and result.frames_processed == len(expected)
    assert result.decoder == "cpu"
    assert detector.transfers - before == -(-len(expected) // batch)  # one device->host copy per batch
    for det in result.detections.values():
        assert det.dtype == np.float32 and det.shape[1] == 6
        assert (det[:, [0, 2]] >= 0).all() and (det[:, [0, 2]] <= VIDEO_W).all()
        assert (det[:, [1, 3]] >= 0).all() and (det[:, [1, 3]] <= VIDEO_H).all()


def test_device_pipeline_agrees_with_the_cpu_path(detector: pipeline.Detector, video_path: Path) -> None:
    """Same frames, pre-processed by tensor ops instead of OpenCV: pixels may differ by one level."""
    ours = pipeline.run_pipeline(video_path, detector, batch_size=6, max_frames=12, device_prep=True).detections
    cpu = pipeline.run_pipeline(video_path, detector, batch_size=6, max_frames=12).detections
    assert sorted(ours) == sorted(cpu) == list(range(12))
    top_ours = np.stack([ours[i][np.argmax(ours[i][:, 4])] for i in range(12)])
    top_cpu = np.stack([cpu[i][np.argmax(cpu[i][:, 4])] for i in range(12)])
    np.testing.assert_allclose(top_ours[:, :4], top_cpu[:, :4], atol=2.0)  # the same best box, give or take
    np.testing.assert_allclose(top_ours[:, 4], top_cpu[:, 4], rtol=0.05)


def test_decoder_choice() -> None:
    assert sources.resolve_decoder("auto", "cpu") == "cpu"
    assert sources.resolve_decoder("CPU", "cuda:0") == "cpu"
    with pytest.raises(BadArgumentError, match="--decoder must be one of auto, cpu, torchcodec, nvc"):
        sources.resolve_decoder("ffmpeg", "cpu")
    with pytest.raises(BadArgumentError, match="needs --device cuda"):
        sources.resolve_decoder("torchcodec", "cpu")
    if not sources.available("nvc"):
        with pytest.raises(BadArgumentError, match="pynvvideocodec package is not installed"):
            sources.resolve_decoder("nvc", "cuda:0")


def test_static_engine_batch_is_read_from_the_bindings() -> None:
    """The TensorRT backend's input binding decides how far a short last batch is padded."""
    from collections import namedtuple
    from types import SimpleNamespace

    binding = namedtuple("Binding", ("name", "dtype", "shape", "data"))
    static = SimpleNamespace(bindings={"images": binding("images", None, (16, 3, 384, 640), None)}, dynamic=False)
    assert pipeline.static_engine_batch(static) == 16
    assert pipeline.static_engine_batch(SimpleNamespace(bindings=static.bindings, dynamic=True)) == 0
    assert pipeline.static_engine_batch(SimpleNamespace()) == 0


def test_a_short_batch_is_padded_for_a_static_engine(detector: pipeline.Detector, video_path: Path) -> None:
    capture = cv2.VideoCapture(str(video_path))
    frames = [capture.read()[1] for _ in range(3)]
    capture.release()
    images, shapes = [detector.preprocess(f) for f in frames], [f.shape[:2] for f in frames]
    plain = detector.infer(images, shapes)
    detector.fixed_batch = 8
    try:
        padded = detector.infer(images, shapes)
    finally:
        detector.fixed_batch = 0
    assert len(padded) == 3
    for a, b in zip(plain, padded, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-3)

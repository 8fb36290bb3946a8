"""The real model (random yolo11n weights) through the threaded, batched pipeline."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from dogwatch import pipeline
from dogwatch.errors import BadArgumentError
from ultralytics import YOLO

from .conftest import VIDEO_FRAMES, VIDEO_H, VIDEO_W

CONF = 1e-5  # a freshly initialised head scores ~1e-4: keep its boxes so there is something to check


@pytest.fixture(scope="module")
def yolo(tiny_weights: Path) -> YOLO:
    return pipeline.load_yolo(str(tiny_weights))


@pytest.fixture(scope="module")
def detector(yolo: YOLO) -> pipeline.Detector:
    return pipeline.Detector(yolo, "cpu", pipeline.DetectorConfig(imgsz=160, conf=CONF))


def test_resolve_device() -> None:
    assert pipeline.resolve_device("auto") == ("cuda:0" if torch.cuda.is_available() else "cpu")
    assert pipeline.resolve_device("CPU") == "cpu"
    with pytest.raises(BadArgumentError, match="auto, cpu, cuda or cuda:N"):
        pipeline.resolve_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(BadArgumentError, match="no CUDA device"):
            pipeline.resolve_device("cuda")


def test_yaml_model_gets_coco_names_and_classes_resolve(yolo: YOLO) -> None:
    names = pipeline.class_names(yolo.names)
    assert names[16] == "dog" and names[0] == "person" and len(names) == 80
    assert pipeline.resolve_classes(["dog"], names) == [16]
    assert pipeline.resolve_classes(["Dog,cat", "0"], names) == [0, 15, 16]
    assert pipeline.resolve_classes(["all"], names) is None
    with pytest.raises(BadArgumentError, match="unknown class 'unicorn'"):
        pipeline.resolve_classes(["unicorn"], names)


def test_weights_are_never_downloaded(tmp_path: Path) -> None:
    with pytest.raises(BadArgumentError, match="does not exist"):
        pipeline.load_yolo(str(tmp_path / "yolo11n.pt"))
    with pytest.raises(BadArgumentError, match="not found"):
        pipeline.load_yolo("no-such-model.yaml")


def test_stride_and_detection_arrays(detector: pipeline.Detector, video_path: Path) -> None:
    result = pipeline.run_pipeline(video_path, detector, stride=2, batch_size=8)
    assert result.frames_processed == VIDEO_FRAMES // 2 and result.frames_read == VIDEO_FRAMES
    assert sorted(result.detections) == list(range(0, VIDEO_FRAMES, 2))
    assert result.fps > 0
    hits = [d for d in result.detections.values() if len(d)]
    assert hits, "random weights at conf=1e-5 should still leave boxes"
    for det in hits:
        assert det.dtype == np.float32 and det.shape[1] == 6
        assert (det[:, [0, 2]] >= 0).all() and (det[:, [0, 2]] <= VIDEO_W).all()
        assert (det[:, [1, 3]] >= 0).all() and (det[:, [1, 3]] <= VIDEO_H).all()
        assert (det[:, 4] >= CONF).all()


def test_batching_does_not_change_detections(detector: pipeline.Detector, video_path: Path) -> None:
    one = pipeline.run_pipeline(video_path, detector, batch_size=1, max_frames=12)
    many = pipeline.run_pipeline(video_path, detector, batch_size=5, workers=3, max_frames=12)
    assert sorted(one.detections) == sorted(many.detections) == list(range(12))
    for index, det in one.detections.items():
        assert det.shape == many.detections[index].shape
        np.testing.assert_allclose(det, many.detections[index], atol=1e-2)


def test_matches_the_ultralytics_predictor(yolo: YOLO, detector: pipeline.Detector, video_path: Path) -> None:
    ours = pipeline.run_pipeline(video_path, detector, batch_size=4, max_frames=8).detections
    theirs = yolo.predict(source=str(video_path), stream=True, imgsz=160, conf=CONF, device="cpu", verbose=False)
    for index, result in zip(range(8), theirs, strict=False):
        expected = result.boxes.data[:, :6].float().cpu().numpy()
        assert ours[index].shape == expected.shape
        np.testing.assert_allclose(ours[index], expected, atol=1e-2)

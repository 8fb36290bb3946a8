"""bench/bench_yolo.py runs end to end (tiny settings) and finds the sides in agreement."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from .runner import ROOT


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_yolo", ROOT / "bench" / "bench_yolo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_bench_prints_both_baselines_on_both_clips(capsys: pytest.CaptureFixture[str]) -> None:
    bench = load_bench()
    argv = ["--device", "cpu", "--clips", "480p,1080p", "--frames", "6", "--imgsz", "160", "--repeat", "1"]
    assert bench.main([*argv, "--batch", "4", "--fair-batch", "4"]) == 0
    out = capsys.readouterr().out
    assert "[480p]: clip-480p.mp4 640x480, 6 frames" in out
    assert "[1080p]: clip-1080p-h264.mp4 1920x1080, 6 frames" in out
    assert out.count("pipeline (batch 4)") == 2
    assert out.count("vs fair predict(batch=4, half) [fp32 on cpu]: speedup") == 2
    assert out.count("vs naive predict(stream=True): speedup") == 2
    # the same batch size as the pipeline: the same numbers, every detection matched
    fair = r"fair predict\(batch=4, half\) \[fp32 on cpu\]: speedup [0-9.]+x; agreement ([1-9]\d*)/\1 detections"
    assert len(re.findall(fair, out)) == 2
    # batch 1 vs batch 4 on oneDNN: a box at the threshold may flip, nothing more
    naive = re.findall(r"naive predict\(stream=True\): speedup [0-9.]+x; agreement (\d+)/(\d+) detections", out)
    assert len(naive) == 2 and all(int(total) > 0 and int(hit) >= 0.99 * int(total) for hit, total in naive)
    conf = re.findall(r"conf=([0-9.e-]+),", out)
    assert len(conf) == 2 and all(0 < float(c) < 0.25 for c in conf)  # calibrated for random weights


def test_h264_clip_is_h264(tmp_path: Path) -> None:
    import cv2
    from dogwatch.synthetic import make_h264_video
    from dogwatch.video import probe

    path = make_h264_video(tmp_path / "c.mp4", frames=3, width=320, height=180)
    info = probe(path)
    assert (info.width, info.height, info.frame_count, info.fps) == (320, 180, 3, 30.0)
    capture = cv2.VideoCapture(str(path))
    fourcc = int(capture.get(cv2.CAP_PROP_FOURCC)).to_bytes(4, "little").decode()
    capture.release()
    assert fourcc in {"avc1", "h264"}

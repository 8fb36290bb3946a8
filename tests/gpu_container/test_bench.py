"""bench/bench_yolo.py runs end to end (tiny settings) and finds both sides in agreement."""

from __future__ import annotations

import importlib.util
import sys
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


def test_bench_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    bench = load_bench()
    argv = ["--device", "cpu", "--frames", "12", "--width", "160", "--height", "120", "--imgsz", "160"]
    assert bench.main([*argv, "--repeat", "1", "--batch", "4"]) == 0
    out = capsys.readouterr().out
    assert "pipeline (batch 4)" in out and "naive predict(stream=True)" in out
    assert "speedup:" in out and "(100.0%)" in out and "12/12 frames with equal counts" in out

"""bench/gpu_check.sh: the GPU check's flow, run on the CPU with tiny counts (GPU_CHECK_ALLOW_CPU=1)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import torch

from .runner import NETGUARD, ROOT, TEST_ENV

pytestmark = pytest.mark.skipif(torch.cuda.is_available(), reason="on a GPU, run bench/gpu_check.sh itself")


def gpu_check(**env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, **TEST_ENV, "PYTHONPATH": str(NETGUARD), "PYTHON": sys.executable, **env}
    return subprocess.run(
        ["bash", str(ROOT / "bench" / "gpu_check.sh")], capture_output=True, text=True, timeout=600, env=full, cwd=ROOT
    )


def test_without_a_gpu_it_says_so_and_stops() -> None:
    run = gpu_check(GPU_CHECK_ALLOW_CPU="0")
    assert run.returncode == 2, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert lines[-1].startswith("VERDICT: no GPU")
    assert any(line.startswith("versions: torch ") for line in lines)


def test_cpu_mode_prints_every_figure_and_the_verdict_last() -> None:
    run = gpu_check(GPU_CHECK_ALLOW_CPU="1", GPU_CHECK_FRAMES="4", GPU_CHECK_BATCHES="1,2")
    out = run.stdout
    assert run.returncode == 0, out + run.stderr
    for figure in (
        "naive predict(stream=True)",
        "fair baseline predict(batch=16, half=True)",
        "pipeline batch 1 (decoder cpu)",
        "pipeline batch 2 (decoder cpu)",
        "decode-only ceiling, cpu",
        "decode-only torchcodec: not available",
        "decode-only nvc: not available",
        "model-only ceiling (batch",
        "agreement best pipeline vs fair baseline: ",
        "agreement best pipeline vs naive: ",
        "-- 640x480 mp4v --",
        "gpu utilisation:",
    ):
        assert figure in out, figure
    assert "failed (" not in out
    assert out.count("VERDICT:") == 1 and out.splitlines()[-1].startswith("VERDICT: no GPU")

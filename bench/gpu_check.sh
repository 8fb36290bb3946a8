#!/usr/bin/env bash
# The YOLO container's GPU check: one script, one GPU, under 8 minutes.
#
#   bench/gpu_check.sh                         # on a CUDA machine, from the repository root
#   GPU_CHECK_ALLOW_CPU=1 bench/gpu_check.sh   # the same flow on a CPU, tiny counts (ends "VERDICT: no GPU")
#
# Prints the GPU, driver, torch/CUDA versions, every figure of bench/gpu_check.py (naive, fair
# baseline, pipeline at batch 1/4/16/32/64, decode-only ceilings CPU vs NVDEC, model-only ceiling,
# TensorRT when installed, 480p), the agreement, the GPU utilisation sampled by `nvidia-smi dmon`
# during the run, and as its last line a VERDICT against >= 3x the fair baseline at >= 99 %
# agreement. Environment: PYTHON (default .venv-gpu/bin/python), GPU_CHECK_FRAMES, GPU_CHECK_BATCHES,
# GPU_CHECK_WEIGHTS (default yolo11n.yaml: random weights, nothing downloaded), GPU_CHECK_BUDGET_S
# (default 400: optional steps are skipped when little is left), GPU_CHECK_TIMEOUT_S (default 450).
set -uo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv-gpu/bin/python}
export YOLO_OFFLINE=1 YOLO_VERBOSE=False
work=$(mktemp -d "${TMPDIR:-/tmp}/gpu-check.XXXXXX")
trap 'kill "${dmon_pid:-}" 2>/dev/null; rm -rf "$work"' EXIT

echo "== dogwatch GPU check, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(hostname)"
if command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi --query-gpu=index,name,driver_version,memory.total,pcie.link.gen.max,clocks.max.sm \
        --format=csv,noheader | sed 's/^/gpu: /'
    nvidia-smi dmon -s u -d 1 >"$work/dmon.log" 2>&1 &
    dmon_pid=$!
else
    echo "gpu: nvidia-smi not found (no NVIDIA driver on this machine)"
fi
echo "cpu: $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"

timeout "${GPU_CHECK_TIMEOUT_S:-450}" "$PYTHON" bench/gpu_check.py "$@" 2>"$work/stderr.log" | tee "$work/out.log" |
    grep -v '^VERDICT:'  # printed once, last, below
status=${PIPESTATUS[0]}
if [ "$status" -eq 124 ]; then
    echo "gpu_check.py: killed after ${GPU_CHECK_TIMEOUT_S:-450} s"
fi
if [ -s "$work/stderr.log" ]; then
    echo "-- stderr (last 15 lines) --"
    tail -n 15 "$work/stderr.log"
fi

if [ -n "${dmon_pid:-}" ]; then
    kill "$dmon_pid" 2>/dev/null
    wait "$dmon_pid" 2>/dev/null
    # columns: gpu sm mem enc dec ...; '#' lines are headers
    awk '!/^#/ && NF >= 5 && $2 ~ /^[0-9]+$/ {n++; sm+=$2; if ($2>smx) smx=$2; dec+=$5; if ($5>decx) decx=$5}
         END {if (n) printf "gpu utilisation (nvidia-smi dmon, %d samples): sm mean %.0f%% max %d%%, nvdec mean %.0f%% max %d%%\n",
              n, sm/n, smx, dec/n, decx; else print "gpu utilisation: no dmon samples"}' "$work/dmon.log"
else
    echo "gpu utilisation: not measured (no nvidia-smi)"
fi

verdict=$(grep '^VERDICT:' "$work/out.log" | tail -n 1)
echo "${verdict:-VERDICT: FAIL (gpu_check.py printed no verdict, exit $status)}"
if [ -z "$verdict" ] && [ "$status" -eq 0 ]; then status=1; fi
exit "$status"

"""`python -m bench [--quick] [NAME ...]`: run every (or the named) `bench/bench_*.py` module's `main()` in its
own process and show its output. `--quick` shrinks fleets and windows for development (its figures are not the
ones to report).

`bench_yolo.py` runs under `.venv-gpu/bin/python` when that exists (the container's heavy environment).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GPU_PYTHON = HERE.parent / ".venv-gpu" / "bin" / "python"
GPU_MODULES = {"bench_yolo"}


def modules() -> list[str]:
    return sorted(path.stem for path in HERE.glob("bench_*.py"))


def main() -> int:
    failed: list[str] = []
    args = sys.argv[1:]
    env = {**os.environ, **({"HYBRIDML_BENCH_QUICK": "1"} if "--quick" in args else {})}
    wanted = [a for a in args if not a.startswith("-")]
    for name in modules():
        if wanted and not any(w in name for w in wanted):
            continue
        if name in GPU_MODULES and not GPU_PYTHON.exists():
            print(f"\n### bench.{name}: skipped ({GPU_PYTHON} missing: `make gpu-venv` creates it)", flush=True)
            continue
        python = str(GPU_PYTHON) if name in GPU_MODULES else sys.executable
        print(f"\n### bench.{name} ({python})", flush=True)
        started = time.perf_counter()
        code = f"import bench.{name} as m; raise SystemExit(m.main() or 0)"
        done = subprocess.run([python, "-c", code], cwd=HERE.parent, check=False, env=env)
        print(f"### bench.{name}: exit {done.returncode} in {time.perf_counter() - started:.0f} s", flush=True)
        if done.returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

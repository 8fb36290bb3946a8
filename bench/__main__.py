"""`python -m bench`: run every `bench/bench_*.py` module's `main()` (bench_yolo.py runs on its own)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

SKIP = {"bench_yolo"}


def main() -> int:
    worst = 0
    for path in sorted(Path(__file__).parent.glob("bench_*.py")):
        if path.stem in SKIP:
            continue
        print(f"\n== {path.stem} ==", flush=True)
        module = importlib.import_module(f"bench.{path.stem}")
        worst = max(worst, int(module.main() or 0))
    return worst


if __name__ == "__main__":
    sys.exit(main())

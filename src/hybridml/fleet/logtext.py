"""Plausible log lines per workload, for seeded streams and the simulator."""

from __future__ import annotations

import random

TRACEBACK = (
    "Traceback (most recent call last):",
    '  File "/app/src/main.py", line 212, in <module>',
    "    main()",
    '  File "/app/src/main.py", line 198, in main',
    "    run(args)",
    "RuntimeError: CUDA error: out of memory",
)


def log_line(workload: str, rng: random.Random, step: int) -> str:
    if workload.startswith("yolo"):
        fps = rng.uniform(180, 420)
        if rng.random() < 0.05:
            return f"WARNING frame {step * 32} decode slow ({rng.uniform(40, 90):.0f} ms)"
        if rng.random() < 0.15:
            return f"detect dog conf={rng.uniform(0.4, 0.97):.2f} t={step * 1.07:.2f}s"
        return f"progress frames={step * 32}/{32 * 400} fps={fps:.1f}"
    if workload.startswith(("train", "dogs", "resnet", "embed-distill")):
        loss = 2.5 / (1 + step * 0.05) + rng.uniform(0, 0.05)
        return f"epoch={step // 50} step={step} loss={loss:.4f} lr=0.001 gpu_mem=17.2G"
    if workload.startswith("embed"):
        return f"INFO embedded batch {step} ({rng.randint(900, 1100)} docs, {rng.uniform(20, 40):.1f} ms/doc)"
    if rng.random() < 0.04:
        return f"WARN partition dt=2026-11-{rng.randint(1, 23):02d} has {rng.randint(1, 9)} late files"
    return f"INFO wrote part-{step:05d}.parquet rows={rng.randint(90_000, 110_000)}"


def log_lines(workload: str, rng: random.Random, count: int, failed: bool = False) -> list[str]:
    lines = [f"INFO starting {workload} on {rng.choice(['g5.xlarge', 'c6i.2xlarge', 'g5.2xlarge'])}"]
    lines += [log_line(workload, rng, step) for step in range(1, count)]
    if failed:
        lines.append("ERROR unrecoverable error, exiting")
        lines.extend(TRACEBACK)
    return lines

"""Plausible log lines per workload, for seeded streams and the simulator.

A line agrees with its job: `step` counts the lines that job has written (so progress starts near zero when a
job starts and never passes its total), and the start line names the instance type the job was placed on.
"""

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
YOLO_FRAMES = 32 * 400  # frames in the demo's video: progress stops there
FRAMES_PER_LINE = 32


def log_line(workload: str, rng: random.Random, step: int) -> str:
    if workload.startswith("yolo"):
        frames = min(step * FRAMES_PER_LINE, YOLO_FRAMES)
        fps = rng.uniform(180, 420)
        if rng.random() < 0.05:
            return f"WARNING frame {frames} decode slow ({rng.uniform(40, 90):.0f} ms)"
        if rng.random() < 0.15:
            return f"detect dog conf={rng.uniform(0.4, 0.97):.2f} t={frames / 30:.2f}s"
        return f"progress frames={frames}/{YOLO_FRAMES} fps={fps:.1f}"
    if workload.startswith(("train", "dogs", "resnet", "embed-distill")):
        loss = 2.5 / (1 + step * 0.05) + rng.uniform(0, 0.05)
        return f"epoch={step // 50} step={step} loss={loss:.4f} lr=0.001 gpu_mem=17.2G"
    if workload.startswith("embed"):
        return f"INFO embedded batch {step} ({rng.randint(900, 1100)} docs, {rng.uniform(20, 40):.1f} ms/doc)"
    if rng.random() < 0.04:
        return f"WARN partition dt=2026-11-{rng.randint(1, 23):02d} has {rng.randint(1, 9)} late files"
    return f"INFO wrote part-{step:05d}.parquet rows={rng.randint(90_000, 110_000)}"


def log_lines(
    workload: str,
    rng: random.Random,
    count: int,
    failed: bool = False,
    *,
    instance_type: str = "",
    first_step: int = 0,
) -> list[str]:
    """`count` lines from line `first_step` on; line 0 says where the job started (when `instance_type` is known)."""
    lines: list[str] = []
    for step in range(first_step, first_step + count):
        if step == 0:
            where = f" on {instance_type}" if instance_type else ""
            lines.append(f"INFO starting {workload}{where}")
        else:
            lines.append(log_line(workload, rng, step))
    if failed:
        lines.append("ERROR unrecoverable error, exiting")
        lines.extend(TRACEBACK)
    return lines

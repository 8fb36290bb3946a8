"""Launch runs -> table rows and result text."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from hybridml.domain.launch import LaunchRun
from hybridml.render.fmt import age, human_duration, status_text, truncate
from hybridml.render.safe import TEXT_LIMIT, safe_str

LAUNCH_COLUMNS = ("RUN", "STATUS", "WHERE", "VIDEO", "AGE", "DURATION", "DOG SEGMENTS", "FPS", "MESSAGE")


def launch_row(run: LaunchRun, now: datetime) -> tuple[str | Text, ...]:
    result = run.result
    where = run.target.value + (f" {run.queue}" if run.queue else "")
    end = run.finished_at or now
    segments = "-" if result is None else f"{len(result.segments)} ({result.dog_seconds:.1f}s)"
    fps = "-" if result is None or result.processing_fps is None else f"{result.processing_fps:.1f}"
    return (
        run.run_id,
        status_text(run.status.value),
        where,
        truncate(run.video_url.rsplit("/", 1)[-1], 28),
        age(run.created_at, now),
        human_duration((end - run.created_at).total_seconds()),
        segments,
        fps,
        truncate(run.message, 48),
    )


def segments_lines(run: LaunchRun) -> list[str]:
    """Plain lines describing what was found (for the results view and the headless command). The report comes
    from whoever POSTs to the callback receiver: every value in it is sanitised, one line each."""
    result = run.result
    if result is None:
        return ["no result received yet" if not run.status.is_final else "no result was reported"]
    lines = [
        f"video {safe_str(result.video_url, limit=TEXT_LIMIT)}",
        f"  {result.width}x{result.height}, {result.duration_s or 0:.1f}s, "
        f"{result.frames_processed} frames processed at {result.processing_fps or 0:.1f} fps on "
        + safe_str(result.device, limit=200),
    ]
    if result.error:
        lines.append(f"  error: {safe_str(result.error, limit=TEXT_LIMIT)}")
    if not result.segments:
        lines.append("  no dogs found")
    for seg in result.segments:
        lines.append(
            f"  {safe_str(seg.label, limit=40):<6} {seg.start_s:8.2f}s - {seg.end_s:8.2f}s  "
            f"{seg.frames:5d} frames  max conf {seg.max_confidence:.2f}"
        )
    return lines

"""Launch runs -> table rows and result text. A failed run shows its failure (exit code, the container's error
line), never a result: numbers the container did not report are never invented ("NonexNone", "0 dogs")."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from hybridml.domain.launch import EXIT_MEANINGS, LaunchResult, LaunchRun, LaunchStatus
from hybridml.render.fmt import age, human_duration, status_text, truncate
from hybridml.render.safe import TEXT_LIMIT, safe_str

LAUNCH_COLUMNS = ("RUN", "STATUS", "WHERE", "VIDEO", "AGE", "DURATION", "DOG SEGMENTS", "FPS", "MESSAGE")
ERROR_PREFIXES = ("error:", "Error:", "ERROR")


def exit_text(code: int | None) -> str:
    """`exit 3 (video download failed)`; '' when the process has not ended."""
    if code is None:
        return ""
    meaning = EXIT_MEANINGS.get(code)
    return f"exit {code}" + (f" ({meaning})" if meaning else "")


def error_line(run: LaunchRun) -> str:
    """The container's own word on why it failed: the report's error, else its last `error:` line on stderr,
    else what the launcher or Batch said (cannot start, statusReason). Raw: the caller sanitises it."""
    if run.result is not None and run.result.error:
        return run.result.error
    for line in reversed(run.output):
        stripped = line.strip()
        if stripped.startswith(ERROR_PREFIXES):
            return stripped.split(":", 1)[-1].strip() if stripped.startswith(("error:", "Error:")) else stripped
    if run.message:
        return run.message
    if run.output:
        return run.output[-1].strip()
    return ""


def failed(run: LaunchRun) -> bool:
    return run.status is LaunchStatus.FAILED or (run.result is not None and not run.result.ok)


def failure_summary(run: LaunchRun) -> str:
    """One line for the table: `exit 3: HTTP 404 Not Found fetching …`."""
    code = f"exit {run.exit_code}" if run.exit_code is not None else ""
    why = error_line(run)
    return ": ".join(part for part in (code, why) if part) or "failed"


def waiting_note(run: LaunchRun, now: datetime, stuck_after_s: float | None) -> str:
    """A launch not started yet: Batch's statusReason, and past the stuck threshold, that it looks stuck."""
    if not run.status.is_waiting:
        return run.message
    waited = (now - run.created_at).total_seconds()
    if stuck_after_s is not None and waited >= stuck_after_s:
        reason = f": {run.message}" if run.message else ""
        return f"⚠ {run.status.value} for {human_duration(waited)}{reason} — t: why"
    return run.message


def launch_row(run: LaunchRun, now: datetime, stuck_after_s: float | None = None) -> tuple[str | Text, ...]:
    result = run.result
    where = run.target.value + (f" {run.queue}" if run.queue else "")
    good = result is not None and result.ok and not failed(run)
    segments = f"{len(result.segments)} ({result.dog_seconds:.1f}s)" if good and result is not None else "-"
    fps = "-"
    if good and result is not None and result.processing_fps is not None:
        fps = f"{result.processing_fps:.1f}"
    message = failure_summary(run) if failed(run) else waiting_note(run, now, stuck_after_s)
    status = status_text(run.status.value)
    if run.status.is_waiting and message.startswith("⚠"):
        status = Text(run.status.value, style="bold yellow reverse")  # stuck: it must look stuck
    return (
        run.run_id,
        status,
        where,
        truncate(run.video_url.rsplit("/", 1)[-1], 28),
        age(run.created_at, now),
        human_duration(run.duration_s(now)),
        segments,
        fps,
        truncate(message, 60),
    )


def _video_line(result: LaunchResult) -> str:
    """`320x240, 3.0s, 90 frames processed at 41.2 fps on cpu`: only the facts the report gave."""
    facts: list[str] = []
    if result.width is not None and result.height is not None:
        facts.append(f"{result.width}x{result.height}")
    if result.duration_s is not None:
        facts.append(f"{result.duration_s:.1f}s")
    if result.frames_processed is not None:
        rate = f" at {result.processing_fps:.1f} fps" if result.processing_fps is not None else ""
        facts.append(f"{result.frames_processed} frames processed{rate}")
    device = safe_str(result.device, limit=200)
    return ", ".join(facts) + (f" on {device}" if device and facts else "")


def failure_lines(run: LaunchRun) -> list[str]:
    """A failed run: what failed, how it ended, the container's error line. No result numbers."""
    lines = [f"FAILED  {exit_text(run.exit_code)}".rstrip()]
    why = error_line(run)
    if why:
        lines.append(f"  error: {safe_str(why, limit=TEXT_LIMIT)}")
    if run.result is not None and run.result.video_url:
        lines.append(f"  video {safe_str(run.result.video_url, limit=TEXT_LIMIT)}")
    if run.target.is_local and run.output:
        lines.append("  the container's output: l (or below)")
    elif run.job_id:
        lines.append("  the job's logs: l; why it failed: t")
    return lines


def segments_lines(run: LaunchRun) -> list[str]:
    """Plain lines describing what was found (for the results view and the headless command), or why nothing
    was. The report comes from whoever POSTs to the callback receiver: every value in it is sanitised."""
    if failed(run):
        return failure_lines(run)
    result = run.result
    if result is None:
        if not run.status.is_final:
            return [f"{run.status.value.lower()}: no result yet"]
        return ["no result was reported" + (f" ({exit_text(run.exit_code)})" if run.exit_code is not None else "")]
    lines = [f"video {safe_str(result.video_url, limit=TEXT_LIMIT)}"]
    facts = _video_line(result)
    if facts:
        lines.append(f"  {facts}")
    if not result.segments:
        lines.append("  no dogs found")
    for seg in result.segments:
        lines.append(
            f"  {safe_str(seg.label, limit=40):<6} {seg.start_s:8.2f}s - {seg.end_s:8.2f}s  "
            f"{seg.frames:5d} frames  max conf {seg.max_confidence:.2f}"
        )
    return lines

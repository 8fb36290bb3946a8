"""The container's JSON report (dogwatch.report/v1) -> LaunchResult. The only place its keys appear.

The report arrives by an unauthenticated POST, so its shape is checked here: objects must be objects, numbers
finite numbers (anything else is left out), strings are taken as they are and sanitised where they are shown.
A report that is not an object, or whose parts have the wrong shape, is a ValueError (HTTP 400).
"""

from __future__ import annotations

import math
from typing import Any

from hybridml.domain.launch import DogSegment, LaunchResult

SCHEMA = "dogwatch.report/v1"
MAX_SEGMENTS = 10_000


def _object(value: Any, what: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{what} is not a JSON object")
    return value


def _number(value: Any) -> float | None:
    """A finite number, or None (strings, booleans, nan and inf are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _count(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None else None


def _segments(detections: dict[str, Any]) -> list[DogSegment]:
    segments: list[DogSegment] = []
    for label, found in detections.items():
        listed = _object(found, f"detections[{label!r}]").get("segments") or []
        if not isinstance(listed, list):
            raise ValueError(f"detections[{label!r}].segments is not a list")
        for seg in listed:
            seg = _object(seg, "a segment")
            segments.append(
                DogSegment(
                    label=str(label),
                    start_s=_number(seg.get("start_s")) or 0.0,
                    end_s=_number(seg.get("end_s")) or 0.0,
                    frames=_count(seg.get("frames")) or 0,
                    max_confidence=_number(seg.get("max_confidence")) or 0.0,
                )
            )
            if len(segments) > MAX_SEGMENTS:
                raise ValueError(f"more than {MAX_SEGMENTS} segments")
    return segments


def result_from_report(report: dict[str, Any]) -> LaunchResult:
    if not isinstance(report, dict):
        raise ValueError("report is not a JSON object")
    video = _object(report.get("video"), "video")
    segments = _segments(_object(report.get("detections"), "detections"))
    error = report.get("error") or {}
    return LaunchResult(
        status=str(report.get("status", "error")),
        video_url=str(video.get("url", "")),
        width=_count(video.get("width")),
        height=_count(video.get("height")),
        duration_s=_number(video.get("duration_s")),
        frames_processed=_count(report.get("frames_processed")),
        processing_fps=_number(report.get("processing_fps")),
        device=str(report.get("device") or ""),
        segments=tuple(sorted(segments, key=lambda s: (s.start_s, s.label))),
        error=str(error.get("message", "")) if isinstance(error, dict) else str(error),
    )

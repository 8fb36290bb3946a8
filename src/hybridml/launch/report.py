"""The container's JSON report (dogwatch.report/v1) -> LaunchResult. The only place its keys appear."""

from __future__ import annotations

from typing import Any

from hybridml.domain.launch import DogSegment, LaunchResult

SCHEMA = "dogwatch.report/v1"


def result_from_report(report: dict[str, Any]) -> LaunchResult:
    if not isinstance(report, dict):
        raise ValueError("report is not a JSON object")
    video = report.get("video") or {}
    segments: list[DogSegment] = []
    for label, found in (report.get("detections") or {}).items():
        for seg in (found or {}).get("segments") or []:
            segments.append(
                DogSegment(
                    label=str(label),
                    start_s=float(seg.get("start_s", 0.0)),
                    end_s=float(seg.get("end_s", 0.0)),
                    frames=int(seg.get("frames", 0)),
                    max_confidence=float(seg.get("max_confidence", 0.0)),
                )
            )
    error = report.get("error") or {}
    return LaunchResult(
        status=str(report.get("status", "error")),
        video_url=str(video.get("url", "")),
        width=video.get("width"),
        height=video.get("height"),
        duration_s=video.get("duration_s"),
        frames_processed=report.get("frames_processed"),
        processing_fps=report.get("processing_fps"),
        device=str(report.get("device") or ""),
        segments=tuple(sorted(segments, key=lambda s: (s.start_s, s.label))),
        error=str(error.get("message", "")) if isinstance(error, dict) else str(error),
    )

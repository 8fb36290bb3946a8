"""The JSON report posted to the callback and printed as the last stdout line.

Schema (`dogwatch.report/v1`; documented in gpu_container/README.md):
    schema, status ("ok" | "error"), error (null | {code, kind, message}), created_at,
    video {url, size_bytes, width, height, fps, fps_assumed, frame_count, duration_s},
    frames_processed, frames_decoded, stride, processing_fps, device,
    model {weights, imgsz, conf, iou, batch, half, classes},
    detections {<class name>: {class_id, frames, max_confidence,
                               segments [{start_s, end_s, start_frame, end_frame, frames, max_confidence}]}},
    timings {download_s, model_load_s, inference_s, total_s}, versions {dogwatch, ...}
Fields that a failed run could not fill are null.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from dogwatch import __version__
from dogwatch.errors import DogwatchError
from dogwatch.segments import Segment
from dogwatch.video import VideoInfo

SCHEMA = "dogwatch.report/v1"


@dataclass
class RunFacts:
    """What a run learnt so far; a failed run leaves the later fields unset."""

    video_url: str
    stride: int
    model: dict[str, Any]
    size_bytes: int | None = None
    video: VideoInfo | None = None
    device: str | None = None
    frames_processed: int | None = None
    frames_decoded: int | None = None
    processing_fps: float | None = None
    classes: dict[int, str] = field(default_factory=dict)  # requested class id -> name
    segments: Sequence[Segment] = ()
    timings: dict[str, float] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def video_section(facts: RunFacts) -> dict[str, Any]:
    info = facts.video
    return {
        "url": facts.video_url,
        "size_bytes": facts.size_bytes,
        "width": info.width if info else None,
        "height": info.height if info else None,
        "fps": _round(info.fps) if info else None,
        "fps_assumed": info.fps_assumed if info else None,
        "frame_count": info.frame_count if info else None,
        "duration_s": _round(info.duration_s) if info else None,
    }


def detections_section(classes: Mapping[int, str], segments: Sequence[Segment], fps: float) -> dict[str, Any]:
    """Every requested class appears, with an empty segment list when it was never seen."""
    out: dict[str, Any] = {}
    ids = sorted(set(classes) | {s.class_id for s in segments})
    for class_id in ids:
        own = [s for s in segments if s.class_id == class_id]
        out[classes.get(class_id, str(class_id))] = {
            "class_id": class_id,
            "frames": sum(s.frames for s in own),
            "max_confidence": round(max((s.max_confidence for s in own), default=0.0), 4),
            "segments": [
                {
                    "start_s": round(s.start_s(fps), 3),
                    "end_s": round(s.end_s(fps), 3),
                    "start_frame": s.start_frame,
                    "end_frame": s.end_frame,
                    "frames": s.frames,
                    "max_confidence": round(s.max_confidence, 4),
                }
                for s in own
            ],
        }
    return out


def build_report(facts: RunFacts, error: DogwatchError | None = None) -> dict[str, Any]:
    fps = facts.video.fps if facts.video else 0.0
    done = error is None and facts.video is not None
    return {
        "schema": SCHEMA,
        "status": "ok" if error is None else "error",
        "error": None if error is None else {"code": int(error.code), "kind": error.kind, "message": error.message},
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "video": video_section(facts),
        "frames_processed": facts.frames_processed,
        "frames_decoded": facts.frames_decoded,
        "stride": facts.stride,
        "processing_fps": _round(facts.processing_fps, 2),
        "device": facts.device,
        "model": facts.model,
        "detections": detections_section(facts.classes, facts.segments, fps) if done else None,
        "timings": {k: round(v, 3) for k, v in facts.timings.items()},
        "versions": {"dogwatch": __version__, **facts.versions},
    }


def to_json_line(report: Mapping[str, Any]) -> str:
    """One line of compact JSON (the last stdout line of a run)."""
    return json.dumps(report, separators=(",", ":"), sort_keys=False, allow_nan=False)

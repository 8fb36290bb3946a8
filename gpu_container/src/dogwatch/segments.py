"""Per-frame detections -> time segments per class. Pure Python, no I/O.

A segment is a run of processed frames in which the class was detected, where consecutive
hits are at most `stride` frames apart plus an allowed gap of `max_gap_s` seconds (short
misses, e.g. a dog turning away for a few frames, do not split a segment).
`start_s` is the start of the first frame with a hit, `end_s` the end of the last one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# frame index -> {class id: highest confidence of that class in the frame}
FrameHits = Mapping[int, Mapping[int, float]]


@dataclass(frozen=True)
class Segment:
    class_id: int
    start_frame: int
    end_frame: int
    frames: int  # processed frames with at least one detection of the class
    max_confidence: float

    def start_s(self, fps: float) -> float:
        return self.start_frame / fps

    def end_s(self, fps: float) -> float:
        return (self.end_frame + 1) / fps


def frame_hits(detections: Mapping[int, Iterable[Iterable[float]]]) -> dict[int, dict[int, float]]:
    """Rows of (x1, y1, x2, y2, confidence, class_id) per frame -> best confidence per class per frame."""
    hits: dict[int, dict[int, float]] = {}
    for index, rows in detections.items():
        per_class: dict[int, float] = {}
        for row in rows:
            values = list(row)
            confidence, class_id = float(values[4]), int(values[5])
            if confidence > per_class.get(class_id, -1.0):
                per_class[class_id] = confidence
        if per_class:
            hits[index] = per_class
    return hits


def build_segments(hits: FrameHits, *, fps: float, stride: int = 1, max_gap_s: float = 0.0) -> list[Segment]:
    """Merge frame hits into segments, sorted by class then start frame."""
    if fps <= 0:
        raise ValueError("fps must be > 0")
    if stride < 1:
        raise ValueError("stride must be >= 1")
    if max_gap_s < 0:
        raise ValueError("max_gap_s must be >= 0")
    max_step = stride + round(max_gap_s * fps)
    by_class: dict[int, list[tuple[int, float]]] = {}
    for index, per_class in hits.items():
        for class_id, confidence in per_class.items():
            by_class.setdefault(class_id, []).append((index, confidence))
    segments: list[Segment] = []
    for class_id in sorted(by_class):
        points = sorted(by_class[class_id])
        start, last, count, best = points[0][0], points[0][0], 1, points[0][1]
        for index, confidence in points[1:]:
            if index - last <= max_step:
                last, count, best = index, count + 1, max(best, confidence)
                continue
            segments.append(Segment(class_id, start, last, count, best))
            start, last, count, best = index, index, 1, confidence
        segments.append(Segment(class_id, start, last, count, best))
    return segments

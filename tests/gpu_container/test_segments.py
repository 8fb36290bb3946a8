"""Per-frame hits -> time segments (pure logic)."""

from __future__ import annotations

import pytest
from dogwatch.segments import Segment, build_segments, frame_hits

DOG, CAT = 16, 15


def hits(frames: dict[int, float], class_id: int = DOG) -> dict[int, dict[int, float]]:
    return {i: {class_id: c} for i, c in frames.items()}


def test_consecutive_frames_make_one_segment_with_max_confidence() -> None:
    segs = build_segments(hits({3: 0.4, 4: 0.9, 5: 0.5}), fps=10)
    assert segs == [Segment(DOG, 3, 5, 3, 0.9)]
    assert segs[0].start_s(10) == pytest.approx(0.3)
    assert segs[0].end_s(10) == pytest.approx(0.6)  # end of the last frame with a hit


def test_a_gap_splits_segments_without_merge_gap() -> None:
    segs = build_segments(hits({0: 0.5, 1: 0.6, 5: 0.7, 6: 0.2}), fps=10)
    assert [(s.start_frame, s.end_frame, s.frames, s.max_confidence) for s in segs] == [
        (0, 1, 2, 0.6),
        (5, 6, 2, 0.7),
    ]


def test_merge_gap_in_seconds_bridges_short_misses() -> None:
    frames = {0: 0.5, 1: 0.6, 5: 0.7, 20: 0.3}
    segs = build_segments(hits(frames), fps=10, max_gap_s=0.3)  # 3 frames of gap allowed: 1 -> 5 joins
    assert [(s.start_frame, s.end_frame, s.frames) for s in segs] == [(0, 5, 3), (20, 20, 1)]


def test_stride_aware_processed_frames_are_contiguous() -> None:
    # every 5th frame processed: hits at 0, 5, 10 are one run; 20 is after a missed sample
    segs = build_segments(hits({0: 0.1, 5: 0.2, 10: 0.3, 20: 0.4}), fps=25, stride=5)
    assert [(s.start_frame, s.end_frame, s.frames) for s in segs] == [(0, 10, 3), (20, 20, 1)]


def test_classes_are_segmented_separately_and_sorted() -> None:
    h = {0: {DOG: 0.5, CAT: 0.8}, 1: {DOG: 0.6}, 2: {CAT: 0.9}}
    segs = build_segments(h, fps=1)
    assert [(s.class_id, s.start_frame, s.end_frame) for s in segs] == [(CAT, 0, 0), (CAT, 2, 2), (DOG, 0, 1)]


def test_unordered_input_and_empty_input() -> None:
    assert build_segments({}, fps=30) == []
    segs = build_segments(hits({9: 0.1, 7: 0.2, 8: 0.3}), fps=30)
    assert [(s.start_frame, s.end_frame, s.frames) for s in segs] == [(7, 9, 3)]


def test_frame_hits_keeps_best_confidence_per_class() -> None:
    rows = {
        0: [[0, 0, 1, 1, 0.3, DOG], [2, 2, 3, 3, 0.7, DOG], [0, 0, 1, 1, 0.2, CAT]],
        1: [],
        2: [[0, 0, 1, 1, 0.4, CAT]],
    }
    assert frame_hits(rows) == {0: {DOG: 0.7, CAT: 0.2}, 2: {CAT: 0.4}}


@pytest.mark.parametrize(
    "kwargs",
    [{"fps": 0}, {"fps": 30, "stride": 0}, {"fps": 30, "max_gap_s": -1}],
    ids=["fps", "stride", "gap"],
)
def test_invalid_parameters(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        build_segments({}, **kwargs)  # type: ignore[arg-type]

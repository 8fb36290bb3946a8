"""Report building: schema fields, requested classes always listed, errors."""

from __future__ import annotations

import json

from dogwatch.errors import DownloadError
from dogwatch.report import SCHEMA, RunFacts, build_report, to_json_line
from dogwatch.segments import Segment
from dogwatch.video import VideoInfo

TOP_LEVEL = {
    "schema", "status", "error", "created_at", "video", "frames_processed", "frames_decoded", "stride",
    "processing_fps", "device", "model", "detections", "timings", "versions",
}  # fmt: skip


def facts() -> RunFacts:
    return RunFacts(
        video_url="https://bucket.example/v.mp4",
        stride=2,
        model={"weights": "yolo11n.pt"},
        size_bytes=123,
        video=VideoInfo(width=160, height=120, fps=20.0, frame_count=40),
        device="cpu",
        frames_processed=20,
        frames_decoded=40,
        processing_fps=12.345,
        classes={16: "dog", 15: "cat"},
        segments=[Segment(16, 4, 9, 3, 0.81234), Segment(16, 30, 30, 1, 0.5)],
        timings={"total_s": 1.23456},
    )


def test_ok_report_has_every_field_and_lists_unseen_classes() -> None:
    report = build_report(facts())
    assert set(report) == TOP_LEVEL
    assert report["schema"] == SCHEMA and report["status"] == "ok" and report["error"] is None
    assert report["video"] == {
        "url": "https://bucket.example/v.mp4", "size_bytes": 123, "width": 160, "height": 120,
        "fps": 20.0, "fps_assumed": False, "frame_count": 40, "duration_s": 2.0,
    }  # fmt: skip
    dog = report["detections"]["dog"]
    assert dog["class_id"] == 16 and dog["frames"] == 4 and dog["max_confidence"] == 0.8123
    assert dog["segments"][0] == {
        "start_s": 0.2, "end_s": 0.5, "start_frame": 4, "end_frame": 9, "frames": 3, "max_confidence": 0.8123,
    }  # fmt: skip
    assert report["detections"]["cat"] == {"class_id": 15, "frames": 0, "max_confidence": 0.0, "segments": []}
    assert json.loads(to_json_line(report)) == report


def test_error_report_keeps_what_was_learnt() -> None:
    f = RunFacts(video_url="http://h/v.mp4", stride=1, model={"weights": "w.pt"})
    report = build_report(f, DownloadError("HTTP 404 Not Found fetching http://h/v.mp4"))
    assert report["status"] == "error"
    assert report["error"] == {
        "code": 3,
        "kind": "download_failed",
        "message": "HTTP 404 Not Found fetching http://h/v.mp4",
    }
    assert report["detections"] is None and report["video"]["width"] is None
    assert "\n" not in to_json_line(report)

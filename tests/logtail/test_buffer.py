"""LogBuffer (cap, filter, search), time windows and the live-tail frame mapper."""

from __future__ import annotations

import re

import pytest

from hybridml.aws.logs import _live_update_from_api, log_group_arn
from hybridml.domain.logs import LogEvent, LogSource, LogSourceKind
from hybridml.logtail.buffer import ERROR_PATTERN, LogBuffer, compile_pattern
from hybridml.logtail.window import parse_since, plain_line


def events(n: int, start: int = 0) -> list[LogEvent]:
    return [LogEvent(i, f"line {i}" + (" ERROR boom" if i % 7 == 0 else "")) for i in range(start, start + n)]


def test_cap_drops_the_oldest_in_chunks_and_keeps_numbers() -> None:
    buffer = LogBuffer(max_lines=1000)
    for chunk in range(30):
        buffer.extend(events(100, chunk * 100))
    assert len(buffer) <= 1000 and buffer.dropped == 3000 - len(buffer)
    assert buffer.event(buffer.end - 1).message.startswith("line 2999")
    assert buffer.row_of(0) is None  # dropped


def test_filter_hides_non_matching_lines_and_follows_appends() -> None:
    buffer = LogBuffer(max_lines=500)
    buffer.extend(events(70))
    buffer.set_filter(re.compile("error", re.I))
    assert buffer.visible_count == 10
    buffer.extend(events(7, 70))
    assert buffer.visible_count == 11
    assert all("ERROR" in buffer.event(buffer.visible(r)).message for r in range(buffer.visible_count))
    buffer.extend(events(1000, 77))  # trims the head: the filtered index trims with it
    assert all(n >= buffer.base for n in buffer.shown or [])
    buffer.set_filter(None)
    assert buffer.visible_count == len(buffer)


def test_find_wraps_both_ways() -> None:
    buffer = LogBuffer()
    buffer.extend(events(30))
    hits = []
    row = -1
    for _ in range(5):
        row = buffer.find(ERROR_PATTERN, row)  # type: ignore[assignment]
        hits.append(row)
    assert hits == [0, 7, 14, 21, 28]
    assert buffer.find(ERROR_PATTERN, 28) == 0
    assert buffer.find(ERROR_PATTERN, 0, forward=False) == 28
    assert buffer.find(re.compile("nothing"), 0) is None


def test_invalid_regex_is_matched_literally_with_a_reason() -> None:
    pattern, warning = compile_pattern("loss=[")
    assert pattern is not None and pattern.search("x loss=[ y") and warning and "invalid regex" in warning
    assert compile_pattern("") == (None, None)


def test_since_windows() -> None:
    assert parse_since("10m", now_ms=1_000_000) == 400_000
    assert parse_since("2h", now_ms=10_000_000) == 10_000_000 - 7_200_000
    assert parse_since("start") is None and parse_since(None) is None
    assert parse_since("2026-11-24T09:00:00Z") == 1795510800000
    with pytest.raises(ValueError, match=r"use e\.g\. 30s"):
        parse_since("yesterday-ish")


def test_plain_line_and_source_parsing() -> None:
    event = LogEvent(1795510800123, "hello", "s", label="#2")
    assert plain_line(event, timestamps=True, tags=True) == "2026-11-24T09:00:00.123Z #2 hello"
    assert plain_line(event, timestamps=False, tags=False) == "hello"
    assert LogSource.parse("training/x").kind is LogSourceKind.TRAINING_JOB
    assert LogSource.parse("abc#3") == LogSource.batch_job("abc", 3)
    assert str(LogSource.parse("endpoint/e")) == "endpoint/e"
    for bad in ("", "training/", "abc#x"):
        with pytest.raises(ValueError):
            LogSource.parse(bad)


def test_live_tail_frames_and_arns() -> None:
    # StartLiveTail is not served by moto; the frame mapper is checked on the documented shape.
    update = _live_update_from_api(
        {
            "sessionUpdate": {
                "sessionMetadata": {"sampled": True},
                "sessionResults": [
                    {"logStreamName": "s1", "message": "hi\n", "timestamp": 5, "ingestionTime": 6},
                ],
            }
        }
    )
    assert update is not None and update.sampled and update.events[0].message == "hi"
    assert update.events[0].stream == "s1"
    start = _live_update_from_api({"sessionStart": {}})
    assert start is not None and start.started
    assert log_group_arn("cn-north-1", "1", "/g") == "arn:aws-cn:logs:cn-north-1:1:log-group:/g"

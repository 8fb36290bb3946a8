"""`src/main.py` end to end: a video served over loopback HTTP, the real (random-weight) model,
the report POSTed to a loopback callback; and each failure with its exit code and message."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
import torch
from dogwatch.errors import ExitCode
from dogwatch.report import SCHEMA

from .conftest import VIDEO_FPS, VIDEO_FRAMES, VIDEO_H, VIDEO_W
from .runner import fast_args, run_inprocess, run_subprocess
from .servers import CallbackServer, Route

Capsys = pytest.CaptureFixture[str]


def test_subprocess_end_to_end(video_url: str, callback: Any, tiny_weights: Path) -> None:
    argv = ["--video_url", video_url + "?X-Amz-Signature=s3cr3t", "--callback_url", callback.url("/cb/42")]
    run = run_subprocess(
        [
            *argv,
            *fast_args("--weights", str(tiny_weights), "--stride", "3", "--classes", "all", "--conf", "1e-5"),
        ]
    )
    assert run.code == ExitCode.OK, run.stderr
    report = run.report
    assert callback.next_report() == {"content_type": "application/json", "json": report}

    assert report["schema"] == SCHEMA and report["status"] == "ok" and report["error"] is None
    video = report["video"]
    assert video["url"] == video_url  # the presigned query string is not logged or reported
    assert (video["width"], video["height"], video["frame_count"]) == (VIDEO_W, VIDEO_H, VIDEO_FRAMES)
    assert video["fps"] == pytest.approx(VIDEO_FPS) and video["duration_s"] == pytest.approx(2.0)
    assert (report["frames_processed"], report["frames_decoded"], report["stride"]) == (20, VIDEO_FRAMES, 3)
    assert report["device"] == "cpu" and report["processing_fps"] > 0
    assert report["model"]["weights"] == "tiny.pt" and report["model"]["imgsz"] == 160
    assert report["model"]["half"] is False and report["model"]["batch"] == 4
    assert len(report["detections"]) == 80
    segments = [s for d in report["detections"].values() for s in d["segments"]]
    assert segments, "random weights at conf=1e-5 should still produce segments"
    for det in report["detections"].values():
        assert det["frames"] == sum(s["frames"] for s in det["segments"]) <= 20
    for seg in segments:
        assert 0 <= seg["start_s"] < seg["end_s"] <= video["duration_s"]
        assert seg["start_frame"] % 3 == 0 and seg["end_frame"] % 3 == 0 and seg["max_confidence"] >= 1e-5
    assert set(report["timings"]) == {"model_load_s", "download_s", "inference_s", "total_s"}

    assert "s3cr3t" not in "\n".join(run.lines) + run.stderr
    progress = run.events("progress")
    assert progress and progress[-1]["frames"] == "20/20" and float(progress[-1]["fps"]) > 0
    assert run.events("video") == [{"width": "160", "height": "120", "fps": "30", "frames": "60"}]
    assert run.events("callback") == [{"status": "200", "attempts": "1"}]


def test_inprocess_yaml_weights_default_class(video_url: str, callback: Any, capsys: Capsys) -> None:
    argv = ["--video_url", video_url, "--callback_url", callback.url("/"), "--weights", "yolo11n.yaml"]
    run = run_inprocess([*argv, *fast_args("--batch", "8")], capsys)
    assert run.code == ExitCode.OK, run.stderr
    report = run.report
    assert callback.next_report()["json"] == report
    assert report["frames_processed"] == VIDEO_FRAMES and report["model"]["weights"] == "yolo11n.yaml"
    assert list(report["detections"]) == ["dog"] and report["detections"]["dog"]["class_id"] == 16
    assert report["model"]["classes"] == ["dog"]


def test_no_callback_url_still_prints_the_report(video_url: str, tiny_weights: Path, capsys: Capsys) -> None:
    run = run_inprocess(
        ["--video_url", video_url, *fast_args("--weights", str(tiny_weights), "--max-frames", "6")], capsys
    )
    assert run.code == ExitCode.OK and run.report["frames_processed"] == 6 and not run.events("callback")


@pytest.mark.parametrize(
    ("case", "code", "message"),
    [
        ("unreachable", ExitCode.DOWNLOAD_FAILED, "cannot reach"),
        ("404", ExitCode.DOWNLOAD_FAILED, "HTTP 404 Not Found"),
        ("not-a-video", ExitCode.NOT_A_VIDEO, "is text, not a video"),
        ("too-large", ExitCode.TOO_LARGE, "over the limit of 5000 bytes"),
    ],
)
def test_input_failures(
    case: str, code: ExitCode, message: str, file_server: Any, video_path: Path, closed_port_url: str,
    callback: Any, tiny_weights: Path, capsys: Capsys,
) -> None:  # fmt: skip
    url = {
        "unreachable": closed_port_url,
        "404": file_server.url("gone.mp4"),
        "not-a-video": file_server.add("page.mp4", Route(b"<html>AccessDenied</html>", content_type="text/html")),
        "too-large": file_server.add("clip.mp4", Route(video_path.read_bytes())),
    }[case]
    argv = ["--video_url", url, "--callback_url", callback.url("/"), "--max-bytes", "5000"]
    run = run_inprocess([*argv, *fast_args("--weights", str(tiny_weights))], capsys)
    assert run.code == code
    assert message in run.stderr
    report = run.report
    assert report["status"] == "error" and report["error"]["code"] == code and message in report["error"]["message"]
    assert callback.next_report()["json"] == report  # the receiver learns about the failure too
    assert run.events("error")[0]["code"] == str(int(code))


def test_callback_down_exit_code_and_report_on_stdout(
    video_url: str, closed_port_url: str, tiny_weights: Path, capsys: Capsys
) -> None:
    started = time.monotonic()
    argv = ["--video_url", video_url, "--callback_url", closed_port_url]
    run = run_inprocess([*argv, *fast_args("--weights", str(tiny_weights), "--max-frames", "4")], capsys)
    assert run.code == ExitCode.CALLBACK_FAILED
    assert "failed after 3 attempt(s)" in run.stderr
    assert run.report["status"] == "ok" and run.report["frames_processed"] == 4
    assert [e["attempt"] for e in run.events("callback_retry")] == ["1", "2"]
    assert time.monotonic() - started < 30


def test_callback_5xx_is_retried_a_bounded_number_of_times(video_url: str, tiny_weights: Path, capsys: Capsys) -> None:
    with CallbackServer(default_status=503) as server:
        argv = ["--video_url", video_url, "--callback_url", server.url("/")]
        run = run_inprocess([*argv, *fast_args("--weights", str(tiny_weights), "--max-frames", "4")], capsys)
        assert server.attempts == 3
    assert run.code == ExitCode.CALLBACK_FAILED and "HTTP 503" in run.stderr


def test_failed_run_keeps_its_code_when_the_callback_is_down_too(
    file_server: Any, closed_port_url: str, tiny_weights: Path, capsys: Capsys
) -> None:
    argv = ["--video_url", file_server.url("gone.mp4"), "--callback_url", closed_port_url]
    run = run_inprocess([*argv, *fast_args("--weights", str(tiny_weights))], capsys)
    assert run.code == ExitCode.DOWNLOAD_FAILED and run.report["error"]["kind"] == "download_failed"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--conf", "2"], "--conf must be in (0, 1]"),
        (["--stride", "0"], "--stride must be >= 1"),
        (["--callback_url", "ftp://example/cb"], "--callback_url must be an http:// or https:// URL"),
        (["--weights", "/nonexistent/yolo11n.pt"], "does not exist (weights are never downloaded)"),
        (["--classes", "unicorn"], "unknown class 'unicorn'"),
        (["--device", "tpu"], "--device must be auto, cpu, cuda or cuda:N"),
        (["--decoder", "nvdec"], "--decoder must be one of auto, cpu, torchcodec, nvc"),
        (["--decoder", "torchcodec", "--device", "cpu"], "decodes on the GPU (NVDEC): it needs --device cuda"),
        (["--tensorrt", "--device", "cpu"], "--tensorrt needs --device cuda"),
    ],
)
def test_bad_arguments(extra: list[str], message: str, video_url: str, tiny_weights: Path, capsys: Capsys) -> None:
    run = run_inprocess(["--video_url", video_url, "--weights", str(tiny_weights), *extra], capsys)
    assert run.code == ExitCode.BAD_ARGS
    assert message in run.stderr


def test_bad_video_url_and_missing_flag(capsys: Capsys) -> None:
    run = run_inprocess(["--video_url", "s3://bucket/key.mp4"], capsys)
    assert run.code == ExitCode.BAD_ARGS and "--video_url must be an http:// or https:// URL" in run.stderr
    with pytest.raises(SystemExit) as exc:
        run_inprocess(["--callback_url", "http://127.0.0.1/"], capsys)
    assert exc.value.code == ExitCode.BAD_ARGS


def test_subprocess_404_exit_code(file_server: Any, callback: Any, tiny_weights: Path) -> None:
    # as AWS Batch runs it: the job command appended to ENTRYPOINT ["python3", "src/main.py"]
    argv = [
        "python3",
        "src/main.py",
        "--video_url",
        file_server.url("nope.mp4"),
        "--callback_url",
        callback.url("/"),
    ]
    run = run_subprocess([*argv, *fast_args("--weights", str(tiny_weights))])
    assert run.code == ExitCode.DOWNLOAD_FAILED
    assert "error: HTTP 404 Not Found fetching" in run.stderr
    assert run.report["error"]["kind"] == "download_failed"
    assert callback.next_report()["json"]["status"] == "error"


def test_batch_command_after_the_entrypoint_is_understood() -> None:
    from dogwatch.cli import strip_self_invocation

    flags = ["--video_url", "https://h/v.mp4", "--callback_url", "https://h/cb"]
    assert strip_self_invocation(["python3", "src/main.py", *flags]) == flags
    assert strip_self_invocation(["/opt/venv/bin/python3.11", "/app/src/main.py", *flags]) == flags
    assert strip_self_invocation(["src/main.py", *flags]) == flags
    assert strip_self_invocation(flags) == flags


def test_a_non_video_body_is_never_echoed(file_server: Any, callback: Any, tiny_weights: Path, capsys: Capsys) -> None:
    """An error page or a metadata-service answer is reported by size, never by content."""
    body = b'{"Code":"Success","AccessKeyId":"ASIAEXAMPLEKEY","SecretAccessKey":"wJalrXUtnFEMI"}'
    url = file_server.add("creds", Route(body, content_type="application/json"))
    argv = ["--video_url", url, "--callback_url", callback.url("/")]
    run = run_inprocess([*argv, *fast_args("--weights", str(tiny_weights))], capsys)
    assert run.code == ExitCode.NOT_A_VIDEO and f"is text, not a video ({len(body)} bytes)" in run.stderr
    posted = json.dumps(callback.next_report())
    for leak in ("ASIAEXAMPLEKEY", "wJalrXUtnFEMI", "Success", "AccessKeyId"):
        assert leak not in "\n".join(run.lines) + run.stderr + posted


def test_private_urls_are_refused_unless_allowed(video_url: str, tiny_weights: Path, capsys: Capsys) -> None:
    run = run_inprocess(["--video_url", video_url, "--weights", str(tiny_weights), "--imgsz", "160"], capsys)
    assert run.code == ExitCode.BAD_ARGS
    assert "127.0.0.1 is a loopback address; refused (pass --allow-private-urls to allow it)" in run.stderr
    assert run.report["error"]["kind"] == "bad_args"


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the machine without CUDA")
def test_cuda_asked_for_but_absent_fails_fast(video_url: str, tiny_weights: Path) -> None:
    """A GPU queue's job definition says `--device cuda`: no silent CPU fallback, exit 2 at once."""
    run = run_subprocess(["--video_url", video_url, "--weights", str(tiny_weights), "--device", "cuda"])
    assert run.code == ExitCode.BAD_ARGS
    assert "error: --device cuda:0: no CUDA device is available" in run.stderr
    assert run.events("error")[0]["kind"] == "bad_args" and not run.events("downloaded")


def test_cuda_visible_but_unusable_fails_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    from dogwatch import pipeline
    from dogwatch.errors import BadArgumentError

    def broken(*args: object, **kwargs: object) -> torch.Tensor:
        raise RuntimeError("CUDA driver version is insufficient for CUDA runtime version\nmore detail")

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    monkeypatch.setattr(torch, "ones", broken)
    with pytest.raises(BadArgumentError, match="cuda:0: CUDA is present but unusable: CUDA driver version is insuff"):
        pipeline.resolve_device("cuda")

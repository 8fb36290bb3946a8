"""download(): limits, timeouts and the error raised for each failure."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from dogwatch.download import check_http_url, download, redact_url
from dogwatch.errors import BadArgumentError, DownloadError, TooLargeError

from .servers import Route

BODY = bytes(range(256)) * 1000  # 256 kB


def test_downloads_the_body(file_server: Any, tmp_path: Path) -> None:
    url = file_server.add("v.mp4", Route(BODY))
    got = download(url + "?X-Amz-Signature=secret", tmp_path, max_bytes=10**6, timeout_s=10)
    assert got.path.read_bytes() == BODY and got.size_bytes == len(BODY)
    assert got.path.name == "v.mp4"


def test_http_404(file_server: Any, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match=r"HTTP 404 .*missing\.mp4"):
        download(file_server.url("missing.mp4"), tmp_path, max_bytes=10**6, timeout_s=10)


def test_unreachable(closed_port_url: str, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="cannot reach"):
        download(closed_port_url, tmp_path, max_bytes=10**6, timeout_s=10)


def test_too_large_by_content_length_reads_nothing(file_server: Any, tmp_path: Path) -> None:
    url = file_server.add("big.mp4", Route(BODY, declared_length=50_000_000, stall=file_server.release))
    with pytest.raises(TooLargeError, match="50000000 bytes, over the limit of 1000 bytes"):
        download(url, tmp_path, max_bytes=1000, timeout_s=10)


def test_too_large_while_streaming_without_content_length(file_server: Any, tmp_path: Path) -> None:
    url = file_server.add("stream.mp4", Route(BODY, send_length=False))
    with pytest.raises(TooLargeError, match="over the limit of 100000 bytes"):
        download(url, tmp_path, max_bytes=100_000, timeout_s=10)


def test_stalled_server_times_out(file_server: Any, tmp_path: Path) -> None:
    url = file_server.add("slow.mp4", Route(BODY, stall=file_server.release))
    started = time.monotonic()
    with pytest.raises(DownloadError, match="timed out"):
        download(url, tmp_path, max_bytes=10**6, timeout_s=0.5)
    assert time.monotonic() - started < 5


def test_truncated_body(file_server: Any, tmp_path: Path) -> None:
    url = file_server.add("short.mp4", Route(BODY[:1000], declared_length=5000))
    with pytest.raises(DownloadError, match="ended after 1000 of 5000 bytes"):
        download(url, tmp_path, max_bytes=10**6, timeout_s=10)


@pytest.mark.parametrize("url", ["ftp://host/v.mp4", "file:///etc/passwd", "not a url", "http:///nohost"])
def test_only_http_urls_are_accepted(url: str) -> None:
    with pytest.raises(BadArgumentError, match="http:// or https://"):
        check_http_url(url, "--video_url")


def test_redact_drops_query_and_credentials() -> None:
    assert redact_url("https://user:pw@b.s3.amazonaws.com:443/k/v.mp4?X-Amz-Signature=abc#f") == (
        "https://b.s3.amazonaws.com:443/k/v.mp4"
    )


def test_the_test_netguard_refuses_the_internet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    log = tmp_path / "netguard.log"
    monkeypatch.setenv("DOGWATCH_NETGUARD_LOG", str(log))  # keep the session log clean
    with pytest.raises(OSError, match="blocked in tests"):
        socket.getaddrinfo("example.com", 443)
    with socket.socket() as s, pytest.raises(OSError, match="blocked in tests"):
        s.connect(("93.184.216.34", 80))
    assert log.read_text().count("blocked in tests") == 2

"""download(): address policy, redirects, limits, the total deadline and the error for each failure."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from dogwatch.download import check_http_url, download, redact_url
from dogwatch.errors import BadArgumentError, DownloadError, TooLargeError
from dogwatch.netsafe import UrlPolicy

from .servers import Route

BODY = bytes(range(256)) * 1000  # 256 kB
LOCAL = UrlPolicy(allow_private=True)  # the test servers listen on loopback


def fetch(url: str, tmp_path: Path, policy: UrlPolicy = LOCAL, **kw: Any) -> Any:
    kw.setdefault("max_bytes", 10**6)
    kw.setdefault("timeout_s", 10)
    return download(url, tmp_path, policy=policy, **kw)


def test_downloads_the_body(file_server: Any, tmp_path: Path) -> None:
    url = file_server.add("v.mp4", Route(BODY))
    got = fetch(url + "?X-Amz-Signature=secret", tmp_path)
    assert got.path.read_bytes() == BODY and got.size_bytes == len(BODY)
    assert got.path.name == "v.mp4"


def test_http_404(file_server: Any, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match=r"HTTP 404 Not Found fetching .*missing\.mp4"):
        fetch(file_server.url("missing.mp4"), tmp_path)


def test_unreachable(closed_port_url: str, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="cannot reach"):
        fetch(closed_port_url, tmp_path)


def test_too_large_by_content_length_reads_nothing(file_server: Any, tmp_path: Path) -> None:
    url = file_server.add("big.mp4", Route(BODY, declared_length=50_000_000, stall=file_server.release))
    with pytest.raises(TooLargeError, match="50000000 bytes, over the limit of 1000 bytes"):
        fetch(url, tmp_path, max_bytes=1000)


def test_too_large_while_streaming_without_content_length(file_server: Any, tmp_path: Path) -> None:
    url = file_server.add("stream.mp4", Route(BODY, send_length=False))
    with pytest.raises(TooLargeError, match="over the limit of 100000 bytes"):
        fetch(url, tmp_path, max_bytes=100_000)


def test_stalled_server_times_out(file_server: Any, tmp_path: Path) -> None:
    url = file_server.add("slow.mp4", Route(BODY, stall=file_server.release))
    started = time.monotonic()
    with pytest.raises(DownloadError, match=r"took longer than 0\.5 s"):
        fetch(url, tmp_path, timeout_s=0.5)
    assert time.monotonic() - started < 5  # hang guard


def test_a_trickling_server_cannot_stretch_the_deadline(file_server: Any, tmp_path: Path) -> None:
    """One byte every 50 ms keeps every socket read short; the total deadline still ends it."""
    url = file_server.add("trickle.mp4", Route(BODY[:2000], trickle_s=0.05))
    with pytest.raises(DownloadError, match=r"took longer than 0\.5 s"):
        fetch(url, tmp_path, timeout_s=0.5)


def test_truncated_body(file_server: Any, tmp_path: Path) -> None:
    url = file_server.add("short.mp4", Route(BODY[:1000], declared_length=5000))
    with pytest.raises(DownloadError, match="ended after 1000 of 5000 bytes"):
        fetch(url, tmp_path)


@pytest.mark.parametrize("url", ["ftp://host/v.mp4", "file:///etc/passwd", "not a url", "http:///nohost"])
def test_only_http_urls_are_accepted(url: str) -> None:
    with pytest.raises(BadArgumentError, match="http:// or https://"):
        check_http_url(url, "--video_url")


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1:9/v.mp4", "a loopback address"),
        ("http://169.254.169.254/latest/meta-data/iam/security-credentials/", "a cloud metadata address"),
        ("http://10.1.2.3/v.mp4", "a private address"),
        ("http://192.168.0.10/v.mp4", "a private address"),
        ("http://172.16.5.4/v.mp4", "a private address"),
        ("http://169.254.10.10/v.mp4", "a link-local address"),
        ("http://100.64.1.1/v.mp4", "a non-global address"),
        ("http://0.0.0.0/v.mp4", "an unspecified address"),
        ("http://[::1]/v.mp4", "a loopback address"),
        ("http://[::ffff:127.0.0.1]/v.mp4", "a loopback address"),
        ("http://[fd00:ec2::254]/latest/meta-data/", "a cloud metadata address"),
        ("http://[fe80::1]/v.mp4", "a link-local address"),
    ],
)
def test_private_addresses_are_refused_before_connecting(url: str, why: str, tmp_path: Path) -> None:
    # the test netguard would log (and fail the session on) any connection attempt beyond loopback
    with pytest.raises(BadArgumentError, match=f"is {why}; refused \\(pass --allow-private-urls"):
        fetch(url, tmp_path, policy=UrlPolicy())


def test_host_names_are_resolved_once_and_the_checked_address_is_used(file_server: Any, tmp_path: Path) -> None:
    """DNS is asked once per hop; the connection goes to that answer with the original Host header."""
    file_server.add("v.mp4", Route(BODY))
    lookups: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        lookups.append(host)
        return ["127.0.0.1"]

    url = f"http://videos.example.test:{file_server.port}/v.mp4"
    got = fetch(url, tmp_path, policy=UrlPolicy(allow_private=True, resolver=resolver))
    assert got.size_bytes == len(BODY)
    assert lookups == ["videos.example.test"]
    assert file_server.hosts == [f"videos.example.test:{file_server.port}"]
    with pytest.raises(BadArgumentError, match=r"videos\.example\.test \(127\.0\.0\.1\) is a loopback address"):
        fetch(url, tmp_path, policy=UrlPolicy(resolver=resolver))
    assert len(file_server.requests) == 1  # the refused attempt never connected


def test_a_name_with_any_private_answer_is_refused(tmp_path: Path) -> None:
    policy = UrlPolicy(resolver=lambda host, port: ["93.184.216.34", "10.0.0.7"])
    with pytest.raises(BadArgumentError, match=r"\(10\.0\.0\.7\) is a private address"):
        fetch("https://mixed.example.test/v.mp4", tmp_path, policy=policy)


def test_redirects_are_followed_and_each_hop_is_checked(file_server: Any, tmp_path: Path) -> None:
    file_server.add("real.mp4", Route(BODY))
    file_server.add("hop2", Route(status=302, headers={"Location": "/real.mp4"}))
    first = file_server.add("hop1", Route(status=301, headers={"Location": file_server.url("hop2")}))
    got = fetch(first, tmp_path)
    assert got.path.read_bytes() == BODY and got.url.endswith("/real.mp4")
    assert file_server.requests == ["/hop1", "/hop2", "/real.mp4"]

    # a "public" host that redirects to the metadata service: refused at the second hop
    target = "http://169.254.169.254/latest/meta-data/iam/security-credentials/"
    evil = file_server.add("evil", Route(status=302, headers={"Location": target}))
    with pytest.raises(BadArgumentError, match="is a cloud metadata address; refused"):
        fetch(evil, tmp_path, policy=ServerCountsAsPublic(port=file_server.port))
    assert file_server.requests[-1] == "/evil"


@dataclass(frozen=True)
class ServerCountsAsPublic(UrlPolicy):
    """Strict policy, except that the loopback test server on `port` passes as a public host."""

    port: int = 0

    def resolve(self, host: str, port: int) -> str:
        return host if (host, port) == ("127.0.0.1", self.port) else super().resolve(host, port)


@pytest.mark.parametrize("location", ["ftp://files.example.test/v.mp4", "file:///etc/passwd"])
def test_redirects_to_other_schemes_are_refused(location: str, file_server: Any, tmp_path: Path) -> None:
    url = file_server.add("hop", Route(status=302, headers={"Location": location}))
    with pytest.raises(DownloadError, match="redirected to a non-http\\(s\\) URL"):
        fetch(url, tmp_path)


def test_redirect_loops_end(file_server: Any, tmp_path: Path) -> None:
    url = file_server.add("loop", Route(status=302, headers={"Location": "/loop"}))
    with pytest.raises(DownloadError, match="more than 5 redirects"):
        fetch(url, tmp_path)
    assert len(file_server.requests) == 6


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

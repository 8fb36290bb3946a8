"""Fetch the input video over http(s) with an address policy, a size limit and a total deadline.

S3 presigned URLs are plain https URLs. Each hop (the URL, then every redirect) is checked by
`netsafe`: http(s) only, one DNS lookup, no loopback/private/link-local/metadata address unless
allowed, a connection to exactly the checked address. The whole transfer, redirects included,
runs under one deadline (`--timeout`), and the body is never echoed anywhere.
"""

from __future__ import annotations

import http
import http.client
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from dogwatch import __version__
from dogwatch.errors import BadArgumentError, DownloadError, TooLargeError
from dogwatch.netsafe import BlockedAddressError, Deadline, Exchange, UrlPolicy, redact_url, request

__all__ = ["Downloaded", "check_http_url", "download", "redact_url", "status_text"]

CHUNK_BYTES = 1 << 20
USER_AGENT = f"dogwatch/{__version__}"
# A single connect/read may block at most this long (further capped by the overall deadline).
SOCKET_TIMEOUT_S = 30.0
MAX_REDIRECTS = 5
REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class Downloaded:
    """A video fetched to local disk."""

    path: Path
    size_bytes: int
    seconds: float
    content_type: str | None
    url: str  # the final URL after redirects (redacted)


def check_http_url(url: str, what: str) -> str:
    """Return `url` if it is an absolute http(s) URL with a host, else raise BadArgumentError."""
    UrlPolicy().check_scheme(url, what)
    return url


def status_text(code: int) -> str:
    """`404 Not Found`: the standard phrase, never the server's own reason text."""
    try:
        return f"{code} {http.HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


def download(
    url: str,
    dest_dir: Path,
    *,
    max_bytes: int,
    timeout_s: float,
    policy: UrlPolicy | None = None,
    on_progress: Callable[[int, int | None], None] | None = None,
) -> Downloaded:
    """Stream `url` into a file under `dest_dir`.

    Raises BadArgumentError (not http(s), refused address), DownloadError (unreachable, HTTP
    error, redirect loop, timed out, truncated), TooLargeError (over `max_bytes`).
    """
    policy = policy or UrlPolicy()
    check_http_url(url, "--video_url")
    started = time.monotonic()
    deadline = Deadline(timeout_s)
    name = re.sub(r"[^A-Za-z0-9._-]", "_", os.path.basename(urlsplit(url).path))[-100:].lstrip(".")
    dest = dest_dir / (name or "video")
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        shown = redact_url(current)
        with _open(current, policy, deadline, timeout_s) as exchange:
            if exchange.status in REDIRECT_STATUS:
                location = exchange.header("Location")
                if not location:
                    raise DownloadError(f"HTTP {status_text(exchange.status)} without a Location from {shown}")
                current = urljoin(current, location.strip())
                if urlsplit(current).scheme not in {"http", "https"}:
                    raise DownloadError(f"{shown} redirected to a non-http(s) URL ({redact_url(current)}); refused")
                continue
            if exchange.status >= 300:
                raise DownloadError(f"HTTP {status_text(exchange.status)} fetching {shown}")
            declared = _content_length(exchange.header("Content-Length"))
            if declared is not None and declared > max_bytes:
                raise TooLargeError(f"{shown} is {declared} bytes, over the limit of {max_bytes} bytes")
            size = _stream(exchange, dest, max_bytes, deadline, declared, shown, on_progress)
            content_type = exchange.header("Content-Type")
        if size == 0:
            raise DownloadError(f"{shown} returned an empty body")
        return Downloaded(dest, size, time.monotonic() - started, content_type, shown)
    raise DownloadError(f"{redact_url(url)}: more than {MAX_REDIRECTS} redirects")


def _open(url: str, policy: UrlPolicy, deadline: Deadline, timeout_s: float) -> Exchange:
    shown = redact_url(url)
    try:
        return request(url, policy, deadline, headers={"User-Agent": USER_AGENT}, socket_timeout_s=SOCKET_TIMEOUT_S)
    except BlockedAddressError as exc:
        raise BadArgumentError(f"--video_url {shown}: {exc.message}") from exc
    except BadArgumentError as exc:
        raise BadArgumentError(f"--video_url {shown}: {exc.message}") from exc
    except TimeoutError as exc:
        if deadline.remaining() <= 0:
            raise DownloadError(f"download of {shown} took longer than {timeout_s:g} s") from exc
        raise DownloadError(f"timed out waiting for {shown}") from exc
    except (OSError, http.client.HTTPException) as exc:
        raise DownloadError(f"cannot reach {shown}: {type(exc).__name__}: {exc}") from exc


def _stream(
    exchange: Exchange,
    dest: Path,
    max_bytes: int,
    deadline: Deadline,
    declared: int | None,
    shown: str,
    on_progress: Callable[[int, int | None], None] | None,
) -> int:
    size = 0
    response = exchange.response
    try:
        with dest.open("wb") as out:
            while True:
                if deadline.remaining() <= 0:
                    raise TimeoutError("deadline passed")
                sock = exchange.conn.sock
                if sock is not None:
                    sock.settimeout(max(0.001, min(SOCKET_TIMEOUT_S, deadline.remaining())))
                chunk = response.read1(CHUNK_BYTES)  # whatever arrived: a trickle cannot stretch one read
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise TooLargeError(f"{shown} is over the limit of {max_bytes} bytes")
                out.write(chunk)
                if on_progress is not None:
                    on_progress(size, declared)
    except TimeoutError as exc:
        if deadline.remaining() <= 0:
            raise DownloadError(f"download of {shown} took longer than {deadline.seconds:g} s") from exc
        raise DownloadError(f"timed out reading {shown}") from exc
    except (OSError, http.client.HTTPException) as exc:
        if deadline.expired.is_set():
            raise DownloadError(f"download of {shown} took longer than {deadline.seconds:g} s") from exc
        raise DownloadError(f"connection to {shown} failed: {type(exc).__name__}") from exc
    if deadline.expired.is_set():
        raise DownloadError(f"download of {shown} took longer than {deadline.seconds:g} s")
    if declared is not None and size < declared:
        raise DownloadError(f"{shown} ended after {size} of {declared} bytes")
    return size


def _content_length(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None

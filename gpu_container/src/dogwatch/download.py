"""Fetch the input video over http(s) with a size limit and a time limit.

S3 presigned URLs are plain https URLs. Every socket operation has a timeout and the whole
transfer has a deadline, so a slow or silent server cannot hang the job.
"""

from __future__ import annotations

import os
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit, urlunsplit

from dogwatch import __version__
from dogwatch.errors import BadArgumentError, DownloadError, TooLargeError

CHUNK_BYTES = 1 << 20
USER_AGENT = f"dogwatch/{__version__}"
# A single connect/read may block at most this long (further capped by the overall deadline).
SOCKET_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Downloaded:
    """A video fetched to local disk."""

    path: Path
    size_bytes: int
    seconds: float
    content_type: str | None


def check_http_url(url: str, what: str) -> str:
    """Return `url` if it is an absolute http(s) URL with a host, else raise BadArgumentError."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise BadArgumentError(f"{what} must be an http:// or https:// URL with a host, got {redact_url(url)!r}")
    return url


def redact_url(url: str) -> str:
    """Drop query, fragment and credentials (presigned signatures, tokens) for logs and reports."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def download(
    url: str,
    dest_dir: Path,
    *,
    max_bytes: int,
    timeout_s: float,
    on_progress: Callable[[int, int | None], None] | None = None,
) -> Downloaded:
    """Stream `url` into a file under `dest_dir`.

    Raises DownloadError (unreachable, HTTP error, timed out), TooLargeError (over `max_bytes`,
    by Content-Length or while streaming).
    """
    check_http_url(url, "--video_url")
    shown = redact_url(url)
    started = time.monotonic()
    deadline = started + timeout_s
    name = re.sub(r"[^A-Za-z0-9._-]", "_", os.path.basename(urlsplit(url).path))[-100:].lstrip(".")
    dest = dest_dir / (name or "video")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=min(SOCKET_TIMEOUT_S, timeout_s)) as response:
            declared = _content_length(response.headers.get("Content-Length"))
            if declared is not None and declared > max_bytes:
                raise TooLargeError(f"{shown} is {declared} bytes, over the limit of {max_bytes} bytes")
            size = _stream(response, dest, max_bytes, deadline, declared, shown, timeout_s, on_progress)
            content_type = response.headers.get("Content-Type")
    except urllib.error.HTTPError as exc:
        raise DownloadError(f"HTTP {exc.code} {exc.reason} fetching {shown}") from exc
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise DownloadError(f"timed out connecting to {shown}") from exc
        raise DownloadError(f"cannot reach {shown}: {reason}") from exc
    except TimeoutError as exc:
        raise DownloadError(f"timed out reading {shown}") from exc
    except OSError as exc:  # connection reset, refused mid-transfer, disk errors
        raise DownloadError(f"connection to {shown} failed: {exc}") from exc
    if size == 0:
        raise DownloadError(f"{shown} returned an empty body")
    return Downloaded(dest, size, time.monotonic() - started, content_type)


def _stream(
    response: IO[bytes],
    dest: Path,
    max_bytes: int,
    deadline: float,
    declared: int | None,
    shown: str,
    timeout_s: float,
    on_progress: Callable[[int, int | None], None] | None,
) -> int:
    size = 0
    with dest.open("wb") as out:
        while True:
            if time.monotonic() > deadline:
                raise DownloadError(f"download of {shown} took longer than {timeout_s:g} s")
            chunk = response.read(CHUNK_BYTES)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise TooLargeError(f"{shown} is over the limit of {max_bytes} bytes")
            out.write(chunk)
            if on_progress is not None:
                on_progress(size, declared)
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

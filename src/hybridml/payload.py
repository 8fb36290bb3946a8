"""A request body from what a person typed or a file they named (InvokeEndpoint's payload), checked before
anything is sent. Shared by the TUI's invoke screen (which calls it off the UI thread) and `hybridml invoke`.

The limit is InvokeEndpoint's: `InvokeEndpointInput.Body` is a blob with "max": 6291456 (6 MiB) in the
sagemaker-runtime service model. Only a regular file is read (a FIFO or a device such as /dev/zero would block
or never end), and never more than the limit.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

MAX_PAYLOAD = 6_291_456  # bytes


def payload_from(text: str, file_path: str, content_type: str) -> bytes:
    """The bytes to send; ValueError with a message fit for the form."""
    data = read_payload_file(file_path.strip()) if file_path.strip() else text.encode("utf-8")
    if not data:
        raise ValueError("the payload is empty: type one or give a file")
    check_size(len(data))
    if "json" in content_type.lower():
        try:
            json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValueError(f"not valid JSON for {content_type}: {exc}") from None
    return data


def check_size(size: int) -> None:
    if size > MAX_PAYLOAD:
        raise ValueError(
            f"payload is {size / 1024 / 1024:.1f} MiB; InvokeEndpoint accepts at most 6 MiB ({MAX_PAYLOAD} bytes)"
        )


def read_payload_file(name: str) -> bytes:
    """A regular file's bytes, at most MAX_PAYLOAD of them; ValueError otherwise (never blocks on a FIFO)."""
    path = Path(name).expanduser()
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise ValueError(f"file not found: {path}") from None
    except IsADirectoryError:
        raise ValueError(f"{path} is a directory") from None
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ValueError(f"{path} is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"{path} is not a regular file (a pipe, socket or device): give a file to send")
        check_size(info.st_size)
        data = b""
        while len(data) <= MAX_PAYLOAD and (chunk := os.read(fd, MAX_PAYLOAD + 1 - len(data))):
            data += chunk
    finally:
        os.close(fd)
    check_size(len(data))
    return data

"""A request body from what a person typed or a file they named (InvokeEndpoint's payload), checked before
anything is sent. Shared by the TUI's invoke screen and `hybridml invoke`."""

from __future__ import annotations

import json
from pathlib import Path

MAX_PAYLOAD = 25 * 1024 * 1024  # InvokeEndpoint's limit (real-time)


def payload_from(text: str, file_path: str, content_type: str) -> bytes:
    """The bytes to send; ValueError with a message fit for the form."""
    if file_path.strip():
        path = Path(file_path.strip()).expanduser()
        try:
            with path.open("rb") as handle:  # at most one byte past the limit: /dev/zero is not read whole
                data = handle.read(MAX_PAYLOAD + 1)
        except FileNotFoundError:
            raise ValueError(f"file not found: {path}") from None
        except IsADirectoryError:
            raise ValueError(f"{path} is a directory") from None
        except OSError as exc:
            raise ValueError(f"cannot read {path}: {exc.strerror}") from None
    else:
        data = text.encode("utf-8")
    if not data:
        raise ValueError("the payload is empty: type one or give a file")
    if len(data) > MAX_PAYLOAD:
        raise ValueError("the payload is larger than the 25 MB InvokeEndpoint accepts")
    if "json" in content_type.lower():
        try:
            json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValueError(f"not valid JSON for {content_type}: {exc}") from None
    return data

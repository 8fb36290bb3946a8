"""Audit log: every mutating call (who / what / when / request id / result) as one JSON line.

The file is created 0600 in a folder created 0700 (it names resources, reasons and request ids). Values whose
names look secret (PASSWORD, SECRET, TOKEN, KEY ...) are written as "***". A log that cannot be written stops
the mutation before it is sent (`ensure_writable`); a write that fails after sending raises `AuditError` so
the caller says so (and a headless command exits non-zero) instead of losing the entry silently.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SECRET_NAME = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL|PRIVATE", re.IGNORECASE)
REDACTED = "***"
PAIRS = (("name", "value"), ("Key", "Value"))  # {name, value} pairs: Batch environment; {Key, Value}: AWS tags
TAIL_BYTES = 256 * 1024  # how much of the end of the log `recent` reads


class AuditError(Exception):
    """The audit log cannot be written; the message names the file and why."""


def redact(value: Any) -> Any:
    """A copy of `value` with every string whose name looks secret replaced by "***".

    Names are dict keys (`parameters`, `HyperParameters`, `Environment`) and the name of `{"name", "value"}` pairs
    (`containerOverrides.environment`) and of `{"Key", "Value"}` pairs (AWS tags): there `Key` is the name, shown,
    and `Value` is hidden when that name looks secret."""
    if isinstance(value, dict):
        pair = next(((n, v) for n, v in PAIRS if isinstance(value.get(n), str) and v in value), None)
        named = str(value[pair[0]]) if pair else None
        out: dict[str, Any] = {}
        for key, item in value.items():
            if pair and key == pair[0]:  # the pair's name: what it is called, not a secret itself
                out[key] = item
            elif isinstance(item, str) and (
                SECRET_NAME.search(str(key)) or (pair and key == pair[1] and named and SECRET_NAME.search(named))
            ):
                out[key] = REDACTED
            else:
                out[key] = redact(item)
        return out
    if isinstance(value, list | tuple):
        return [redact(item) for item in value]
    return value


class AuditLog:
    def __init__(self, path: str | Path | None) -> None:
        self.path = Path(os.path.expanduser(str(path))) if path else None
        self._lock = threading.Lock()
        self.who = os.environ.get("USER") or _user()

    def ensure_writable(self) -> None:
        """Create the folder (0700) and the file (0600) if needed and check it can be appended to."""
        if self.path is None:
            return
        with self._lock:
            self._open().close()

    def _open(self) -> Any:
        assert self.path is not None
        try:
            if not self.path.parent.exists():
                self.path.parent.mkdir(mode=0o700, parents=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        except OSError as exc:
            raise AuditError(f"cannot write the audit log {self.path}: {exc.strerror or exc}") from None
        try:
            if os.fstat(fd).st_mode & 0o077:
                os.fchmod(fd, 0o600)  # ours: never readable by others
        except OSError:
            pass
        return os.fdopen(fd, "a", encoding="utf-8")

    def record(
        self,
        *,
        action: str,
        target: str,
        request: dict[str, Any] | None = None,
        result: str,
        request_id: str = "",
        error: str = "",
        identity: str = "",
    ) -> dict[str, Any]:
        """Append one entry (secrets redacted) and return it; raises AuditError when it cannot be written."""
        entry: dict[str, Any] = {
            "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "who": self.who,
            "identity": identity,
            "action": action,
            "target": target,
            "request": redact(request or {}),
            "result": result,
            "request_id": request_id,
        }
        if error:
            entry["error"] = error
        if self.path is not None:
            line = json.dumps(entry, default=str, sort_keys=True)
            with self._lock:
                handle = self._open()
                try:
                    handle.write(line + "\n")
                    handle.flush()
                except OSError as exc:
                    raise AuditError(f"cannot write the audit log {self.path}: {exc.strerror or exc}") from None
                finally:
                    try:
                        handle.close()
                    except OSError:
                        pass
        return entry

    def entries(self) -> list[dict[str, Any]]:
        if self.path is None or not self.path.exists():
            return []
        with self.path.open(encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]

    def recent(self) -> list[dict[str, Any]]:
        """The entries in the last TAIL_BYTES of the log (unreadable lines skipped)."""
        if self.path is None:
            return []
        try:
            with self.path.open("rb") as handle:
                handle.seek(0, os.SEEK_END)
                size = handle.tell()
                handle.seek(max(0, size - TAIL_BYTES))
                data = handle.read()
        except OSError:
            return []
        found: list[dict[str, Any]] = []
        for raw in data.splitlines()[1 if size > TAIL_BYTES else 0 :]:
            try:
                entry = json.loads(raw)
            except ValueError:
                continue
            if isinstance(entry, dict):
                found.append(entry)
        return found


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"

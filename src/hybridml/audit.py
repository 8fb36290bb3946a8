"""Audit log: every mutating call (who / what / when / request id / result) as one JSON line."""

from __future__ import annotations

import getpass
import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


class AuditLog:
    def __init__(self, path: str | Path | None) -> None:
        self.path = Path(os.path.expanduser(str(path))) if path else None
        self._lock = threading.Lock()
        self.who = os.environ.get("USER") or _user()

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
        """Append one entry; returns it. Never raises for an unwritable file (the caller is told via `error`)."""
        entry: dict[str, Any] = {
            "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "who": self.who,
            "identity": identity,
            "action": action,
            "target": target,
            "request": request or {},
            "result": result,
            "request_id": request_id,
        }
        if error:
            entry["error"] = error
        if self.path is not None:
            line = json.dumps(entry, default=str, sort_keys=True)
            with self._lock:
                try:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    with self.path.open("a", encoding="utf-8") as handle:
                        handle.write(line + "\n")
                except OSError as exc:
                    entry["audit_error"] = f"cannot write audit log {self.path}: {exc.strerror}"
        return entry

    def entries(self) -> list[dict[str, Any]]:
        if self.path is None or not self.path.exists():
            return []
        with self.path.open(encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"

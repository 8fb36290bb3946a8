"""Output helpers shared by the headless commands.

Text output is for people: every value goes through the sanitiser (`render.safe.safe_str`), so a status reason
or a log line cannot move the cursor, set the clipboard or forge a row; one record is one line whatever it holds.
`--json` output is exact: JSON escapes control characters itself. Our own JSON uses snake_case keys; raw AWS
shapes passed through unchanged (`submit --dry-run`'s SubmitJob request) keep AWS's keys.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import sys
from datetime import datetime
from enum import Enum
from typing import Any, TextIO

from hybridml.render.safe import safe_str


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return str(value)


def to_jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=_default))


def print_json(value: Any) -> None:
    json.dump(to_jsonable(value), sys.stdout, indent=2)
    sys.stdout.write("\n")


def print_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """Aligned columns, one line per row; every cell sanitised (a newline in a reason shows as `\\n`)."""
    shown = [tuple(safe_str(cell) for cell in row) for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in shown)) if shown else len(h) for i, h in enumerate(header)]
    for line in (header, *shown):
        sys.stdout.write("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip() + "\n")


def say(message: object, *, file: TextIO | None = None, newlines: bool = False) -> None:
    """One message for a person (stdout, or `file`), sanitised; `newlines=True` keeps our own line breaks."""
    print(safe_str(message, newlines=newlines), file=file or sys.stdout)


def silence_stdout(out: TextIO | None = None) -> None:
    """After EPIPE (`| head`), point stdout at /dev/null so the interpreter's final flush does not complain."""
    if out is None or out is sys.stdout:
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())

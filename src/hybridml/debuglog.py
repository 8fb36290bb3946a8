"""The debug log: where the app writes what a person should never see as a toast (a bug's traceback).

Created 0600 in a folder created 0700, like the audit log; `debug_log = ""` in the config turns it off.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

LOGGER = "hybridml"


def open_debug_log(path: str) -> Path | None:
    """Send the `hybridml` logger to `path`; the file, or None when off or not writable (then nothing is kept)."""
    if not path:
        return None
    target = Path(os.path.expanduser(path))
    try:
        if not target.parent.exists():
            target.parent.mkdir(mode=0o700, parents=True)
        os.close(os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600))
        handler = logging.FileHandler(target, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger(LOGGER)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return target

"""Triage stays pure: its modules (and the snapshot that feeds them) never pull in Textual."""

from __future__ import annotations

import subprocess
import sys


def test_triage_imports_without_textual() -> None:
    code = (
        "import sys\nimport hybridml.triage.engine, hybridml.triage.watches, hybridml.triage.workloads, "
        "hybridml.snapshot, hybridml.headless.triage\n"
        "print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "False"

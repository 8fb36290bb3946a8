"""The core stays light: no Textual (or torch) behind the AWS layer, domain or triage."""

from __future__ import annotations

import subprocess
import sys


def _modules_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return set(out.split())


def test_core_packages_import_without_textual() -> None:
    loaded = _modules_after(
        "import hybridml.aws.batch, hybridml.aws.session, hybridml.aws.errors, hybridml.domain, "
        "hybridml.triage, hybridml.render.batch, hybridml.services, hybridml.config"
    )
    assert "hybridml.aws.batch" in loaded
    assert not any(m == "textual" or m.startswith("textual.") for m in loaded)
    assert "torch" not in loaded and "ultralytics" not in loaded


def test_package_import_is_tiny() -> None:
    loaded = _modules_after("import hybridml")
    assert "hybridml" in loaded
    assert not {"textual", "aiobotocore", "moto", "botocore"} & loaded

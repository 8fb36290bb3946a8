"""Triage stays pure: its modules (and the snapshot that feeds them) never pull in Textual."""

from __future__ import annotations

import subprocess
import sys

from hybridml.aws import remedies
from hybridml.domain.triage import ActionKind, FindingAction


def test_triage_imports_without_textual() -> None:
    code = (
        "import sys\nimport hybridml.triage.engine, hybridml.triage.watches, hybridml.triage.workloads, "
        "hybridml.snapshot, hybridml.headless.triage\n"
        "print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "False"


def test_each_action_is_one_exact_request() -> None:
    raise_max = FindingAction(ActionKind.RAISE_MAX_VCPUS, "gpu", "raise", (("maxvCpus", "384"),))
    assert remedies.request_of(raise_max) == {"computeEnvironment": "gpu", "computeResources": {"maxvCpus": 384}}
    assert remedies.request_of(FindingAction(ActionKind.ENABLE_JOB_QUEUE, "q", "enable")) == {
        "jobQueue": "q",
        "state": "ENABLED",
    }
    assert remedies.OPERATIONS[ActionKind.CANCEL_JOB] == "cancel_job"
    assert remedies.request_of(FindingAction(ActionKind.CANCEL_JOB, "id-1", "cancel"))["jobId"] == "id-1"

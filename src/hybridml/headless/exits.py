"""Exit codes, the same for every headless command (README, "Exit codes").

| code | meaning |
| --- | --- |
| 0 | done (`wait`: the run succeeded) |
| 1 | AWS refused or failed the request (or could not be reached before anything was sent; `wait`: the run failed) |
| 2 | bad input: arguments, config, an unknown resource, nothing to do (e.g. terminating a finished job) |
| 3 | `submit` / `yolo run --batch`: the job can never run on the queue; `triage`: findings; `pipeline diagnose`: the
|   | run failed; `wait`: the run was stopped |
| 4 | refused by `--read-only` |
| 5 | outcome unknown: sent, but the answer was lost (it may have landed; check before retrying) |
| 6 | the audit log cannot be written (nothing sent; or sent and not recorded: the message says which) |
| 124 | `wait`: still running at `--timeout` |
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from hybridml.actions.base import ReadOnlyRefused
from hybridml.audit import AuditError
from hybridml.aws.errors import AwsError, InvalidRequest, NotFound
from hybridml.launch.batch import LaunchError

if TYPE_CHECKING:
    from hybridml.services import Services

Command = Callable[[argparse.Namespace, "Services"], Awaitable[int]]

OK = 0
AWS_ERROR = 1
BAD_INPUT = 2
NEVER_FITS = 3
FINDINGS = 3
READ_ONLY = 4
OUTCOME_UNKNOWN = 5
AUDIT = 6


def code_for(exc: BaseException) -> int:
    """The exit code for an error that ends a command."""
    if isinstance(exc, ReadOnlyRefused):
        return READ_ONLY
    if isinstance(exc, AuditError):
        return AUDIT
    if isinstance(exc, AwsError):
        if exc.outcome_unknown:
            return OUTCOME_UNKNOWN
        if isinstance(exc, InvalidRequest | NotFound) and exc.operation == "":
            return BAD_INPUT  # refused here, before anything was sent
        return AWS_ERROR
    return AWS_ERROR


def guarded(command: str, run: Command) -> Command:
    """`run` with its errors said in one line and turned into the exit code above (never a traceback)."""

    async def wrapper(args: argparse.Namespace, services: Services) -> int:
        try:
            return await run(args, services)
        except (AwsError, ReadOnlyRefused, AuditError, LaunchError) as exc:
            print(f"hybridml {command}: {exc}", file=sys.stderr)
            return code_for(exc)

    return wrapper

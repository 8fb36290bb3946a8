"""A plain `hybridml --demo` (the TUI on the plain demo fleet) starts the fleet's child process before the rest of
the CLI is imported (see `hybridml.entry`). Only the standard library is imported here; `fleet/process.py` on use.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hybridml.fleet.process import FleetProcess

DEMO_JOBS = 300  # jobs in the demo fleet (`--demo-jobs`)


def early_demo_fleet(argv: Sequence[str]) -> FleetProcess | None:
    """`hybridml --demo` (the TUI, the plain demo fleet): the fleet's child starts before anything else is
    imported, so its moto import and seeding overlap with all of the TUI's start-up."""
    if "--demo" not in argv:
        return None
    rest = list(argv)
    while rest:  # only `--demo`, `--read-only`, `--refresh N`: anything else takes the usual path
        arg = rest.pop(0)
        if arg == "--refresh" and rest:
            rest.pop(0)
        elif arg not in ("--demo", "--read-only") and not arg.startswith("--refresh="):
            return None
    from hybridml.fleet.process import FleetProcess

    return FleetProcess.start(jobs=DEMO_JOBS, simulate=True)

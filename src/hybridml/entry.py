"""The `hybridml` command's first step: a plain `hybridml --demo` starts its fleet's child process before the rest of
the CLI (config, pydantic, asyncio, the headless commands) is imported, so the child's moto import and seeding
overlap with all of the TUI's start-up. Only the standard library and `fleet/process.py` are imported here.
"""

from __future__ import annotations

import sys

from hybridml.fleet.early import early_demo_fleet


def main() -> int:
    early = early_demo_fleet(sys.argv[1:])
    from hybridml.cli import main as cli_main

    return cli_main(early=early)

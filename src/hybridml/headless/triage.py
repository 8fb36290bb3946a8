"""`hybridml triage [--json] [--min-severity S]`: every finding fleet-wide. Exit 0 when none, 3 otherwise.

For cron and pagers: 0 = nothing found, 3 = findings at or above --min-severity, 1 = AWS error, 2 = usage.
"""

from __future__ import annotations

import argparse
import sys

from hybridml import clock
from hybridml.domain.triage import Severity
from hybridml.headless.exits import guarded
from hybridml.headless.output import print_json, print_table, say, to_jsonable
from hybridml.services import Services
from hybridml.snapshot import gather_context
from hybridml.triage.engine import triage

FOUND = 3


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("triage", help="why are workloads stuck? exit 0 when nothing is found, 3 otherwise")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--min-severity",
        choices=[s.label for s in Severity],
        default="warning",
        help="report findings at or above this severity (default: warning)",
    )
    p.set_defaults(func=guarded("triage", run))


async def run(args: argparse.Namespace, services: Services) -> int:
    ctx = await gather_context(services)
    floor = Severity[args.min_severity.upper()]
    findings = [f for f in triage(ctx, clock.utcnow()) if f.severity >= floor]
    if args.json:
        print_json(
            {
                "findings": [{**to_jsonable(f), "severity": f.severity.label} for f in findings],
                "not_read": [{"part": part, "why": why} for part, why in ctx.unreadable],
            }
        )
    else:
        if not findings:
            where = " in what was read" if ctx.unreadable else ""
            print(f"no findings{where}: nothing stuck or broken at or above", args.min_severity)
        else:
            print_table(
                ("SEVERITY", "KIND", "NAME", "CAUSE", "SUMMARY"),
                [(f.severity.label, f.resource_kind, f.resource_name, f.cause, f.summary[:90]) for f in findings],
            )
        for part, why in ctx.unreadable:  # a pane not read is never reported as "nothing found"
            say(f"hybridml triage: not read: {part} ({why}); its findings are missing", file=sys.stderr)
    return FOUND if findings else 0

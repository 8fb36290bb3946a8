"""Asking before sending, for the headless commands: print what will be sent, then ask on the terminal (`--yes`
answers for scripts; without a terminal and without `--yes`, nothing is sent: exit 2)."""

from __future__ import annotations

import argparse
import sys

from hybridml.headless.exits import BAD_INPUT
from hybridml.headless.output import say


def confirm(lines: list[str], args: argparse.Namespace, where: str) -> int | None:
    """Print what will be sent and ask (`--yes` answers, `--dry-run` stops here); None to send it, else the exit
    code (nothing sent)."""
    say("\n".join(lines), file=sys.stderr, newlines=True)
    if args.dry_run:
        return 0
    if args.yes:
        return None
    if not sys.stdin.isatty():
        say("hybridml yolo: not sent: confirm with --yes (no terminal to ask on)", file=sys.stderr)
        return BAD_INPUT
    answer = input(f"send these calls to {where}? [y/N] ").strip().lower()
    if answer not in ("y", "yes"):
        say("hybridml yolo: not sent", file=sys.stderr)
        return BAD_INPUT
    return None


def typed_name(name: str, args: argparse.Namespace, command: str) -> int | None:
    """A delete asks for the name to be typed (`--yes` answers); None to go ahead, else the exit code."""
    if args.yes:
        return None
    if not sys.stdin.isatty():
        say(f"hybridml {command}: not deleted: confirm with --yes (no terminal to ask on)", file=sys.stderr)
        return BAD_INPUT
    if input(f"type {name} to delete it: ").strip() != name:
        say(f"hybridml {command}: not deleted (the name did not match)", file=sys.stderr)
        return BAD_INPUT
    return None

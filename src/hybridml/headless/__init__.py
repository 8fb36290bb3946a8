"""Headless twins of TUI actions for scripts (`hybridml jobs --json`, ...). One module per command group.

Each module exposes `register(subparsers)`; the parser sets `func(args, services) -> int` (async).
"""

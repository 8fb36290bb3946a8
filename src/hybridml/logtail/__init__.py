"""Following CloudWatch logs, shared by the TUI log view and `hybridml logs`: no Textual here.

sources.py resolves what to follow into streams; follower.py polls (or live-tails) and merges them;
buffer.py keeps a bounded, searchable set of lines; window.py parses `--since`.
"""

"""`?` — the keys of the screen behind it (live: a `[keymap]` rebind shows here), then every key of the app,
from the one registry (`tui/keys.py`) with the keymap applied."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from hybridml.tui import keys


def keys_table(rows: list[tuple[str, str]], title: str) -> Table:
    table = Table(title=title, title_justify="left", show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for key, text in rows:
        table.add_row(key, text)
    return table


def live_rows(screen: Screen[object]) -> list[tuple[str, str]]:
    """The keys that work on `screen` right now, as bound (keymap included)."""
    rows: dict[str, tuple[list[str], str]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.id:
            continue
        shown, _ = rows.setdefault(binding.id, ([], binding.tooltip or binding.description))
        shown.append(keys.shown_key(key))
    return [(" / ".join(shown), text) for shown, text in rows.values()]


def registry_rows(scope: str, keymap: Mapping[str, str]) -> list[tuple[str, str]]:
    return [
        (keys.shown_key(keymap.get(key.id, key.key)), key.help_text) for key in keys.all_keys() if key.scope == scope
    ]


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[Binding]] = keys.bindings("help")  # type: ignore[assignment]

    def __init__(self, behind: Screen[object], keymap: Mapping[str, str]) -> None:
        super().__init__()
        self.behind_rows = live_rows(behind)
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(keys_table(self.behind_rows, "Keys here"))
            for scope, title in keys.SCOPES.items():
                rows = registry_rows(scope, self.keymap)
                if rows:
                    yield Static(keys_table(rows, title.capitalize()))

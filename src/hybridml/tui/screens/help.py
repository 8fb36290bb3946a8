"""`?` — keys and commands."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

GLOBAL_KEYS: tuple[tuple[str, str], ...] = (
    (":", "command bar — jobs, queues, ce, jobdefs, triage, all (aliases j, q, jd); `:jobs text` opens filtered"),
    ("t", "explain: why is the selected job / endpoint / training job stuck (findings, evidence, fix)"),
    ("a", "in :triage and the explain screen: apply the finding's fix (asks first); n/N pick another finding"),
    (":triage", "every finding fleet-wide, worst first; :all — every workload across Batch and SageMaker"),
    ("/", "filter the current view (case-insensitive regex; live as you type)"),
    ("esc", "clear the filter, else go back"),
    ("enter", "drill in: CE → its queues, queue → its jobs, jobdef → its jobs, job → detail"),
    ("d", "describe: the raw AWS JSON of the selected resource"),
    ("o / O", "sort by the next column / reverse the sort"),
    ("r", "refresh now (views also refresh every few seconds, keeping cursor and filter)"),
    ("ctrl+p", "command palette: every view and action"),
    ("?", "this help"),
    ("q", "back, or quit from the first view"),
)


def keys_table(rows: tuple[tuple[str, str], ...], title: str) -> Table:
    table = Table(title=title, title_justify="left", show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for key, text in rows:
        table.add_row(key, text)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("escape,q,question_mark", "app.pop_screen", "Close", id="help.close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(keys_table(GLOBAL_KEYS, "Keys"))

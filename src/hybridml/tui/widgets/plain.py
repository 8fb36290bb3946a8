"""Widgets that show untrusted text as plain text: PlainStatic, PlainLabel, PlainDataTable, PlainInput, and
PlainNotifyApp (notifications).

Textual parses a `str` given to Static, Label or a DataTable cell as markup: a job's statusReason
`[@click=app.quit]` would become a click action, `[/data]` a MarkupError that ends the app, and a Text holding
ESC would pass an escape sequence to the terminal. These widgets put every `str` and `Text` through the one
sanitiser (`render.safe`): markup stays literal, control characters and escape sequences show as `\\x1b`.
Rich renderables (tables, groups, syntax) pass through: `render/` builds them from sanitised text.
An Input keeps its value exactly (a clone sends what the job had) and paints each control character as one
visible symbol (ESC as ␛), so the cursor stays where the value says.
"""

from __future__ import annotations

import re
from typing import Any

from rich.text import Text
from textual.app import App
from textual.notifications import SeverityLevel
from textual.visual import VisualType
from textual.widgets import DataTable, Input, Label, Static
from textual.widgets.data_table import ColumnKey, RowKey

from hybridml.render.safe import UNSAFE_KEEP_TABS, escape_text, safe_cell, safe_str

Cell = str | Text


def plain(content: Any) -> Any:
    """A str stays one line of text, escaped (the widgets never parse it as markup: `markup=False`); a Text keeps
    its styles and line breaks, escaped; other renderables pass."""
    if isinstance(content, str):
        return safe_str(content)
    if isinstance(content, Text):
        return escape_text(content, newlines=True)
    return content


class PlainStatic(Static):
    def __init__(self, content: VisualType = "", **kwargs: Any) -> None:
        super().__init__(plain(content), markup=False, **kwargs)

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        super().update(plain(content), layout=layout)


class PlainLabel(Label):
    def __init__(self, content: VisualType = "", **kwargs: Any) -> None:
        super().__init__(plain(content), markup=False, **kwargs)

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        super().update(plain(content), layout=layout)


class PlainDataTable(DataTable[Cell]):
    def add_row(
        self,
        *cells: Cell,
        height: int | None = 1,
        key: str | None = None,
        label: str | Text | None = None,
    ) -> RowKey:
        shown = label if label is None else safe_cell(label)
        return super().add_row(*(safe_cell(cell) for cell in cells), height=height, key=key, label=shown)

    def update_cell(
        self,
        row_key: RowKey | str,
        column_key: ColumnKey | str,
        value: Cell,
        *,
        update_width: bool = False,
    ) -> None:
        super().update_cell(row_key, column_key, safe_cell(value), update_width=update_width)


def _symbol(char: str) -> str:
    """One visible cell for one unsafe character: a control picture (␛ ␇ ␊ ␡), else U+FFFD."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    return "\u2421" if code == 0x7F else "\ufffd"


def _symbols(match: re.Match[str]) -> str:
    return _symbol(match.group())


class PlainInput(Input):
    @property
    def _value(self) -> Text:
        if self.password or UNSAFE_KEEP_TABS.search(self.value) is None:
            return super()._value
        shown = Text(UNSAFE_KEEP_TABS.sub(_symbols, self.value), no_wrap=True, overflow="ignore", end="")
        return self.highlighter(shown) if self.highlighter is not None else shown


class PlainNotifyApp(App[int]):
    """An app whose every notification (a widget's `notify` lands here too) is plain text, never markup, with
    control characters escaped (our own line breaks kept): notifications quote names, reasons, AWS errors."""

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        super().notify(
            safe_str(message, newlines=True, limit=2000),
            title=safe_str(title, limit=200),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

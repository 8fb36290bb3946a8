"""The one sanitiser for untrusted text: AWS fields, log lines, config values, callback reports, error messages.

Whatever such a string holds, it is painted as plain text and cannot act:

- never parsed as markup: the TUI gets `rich.text.Text` (`safe_text`, `safe_cell`), so `[@click=...]`, `[link=...]`
  or an unbalanced `[/x]` are shown as the characters they are;
- C0 and C1 control characters (ESC, BEL, CR, NEL, ...), DEL, bidi overrides and isolates, zero-width and
  line/paragraph separators, and lone surrogates are replaced by visible escapes (`\\x1b`, `\\n`, `\\u202e`), so
  no OSC 52 / OSC 8 / CSI sequence reaches the terminal and a newline cannot forge a table row;
- `limit` bounds what one field can occupy (a 100 KB status reason does not make a 100 KB cell).

`safe_str` is the plain-string form for headless text output; `--json` output is exact (JSON escapes by itself).
Pure: rich only.
"""

from __future__ import annotations

import bisect
import re

from rich.style import Style
from rich.text import Text

# What a terminal or a bidi-aware renderer would act on. \t and \n are listed: in a table cell or a title they
# are as disruptive as the rest; multi-line blocks keep \n with `newlines=True`.
_UNSAFE_CLASS = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 (but \t \n), DEL, C1
    "\u061c\u200b\u200e\u200f"  # arabic letter mark, zero-width space, LRM, RLM
    "\u2028\u2029\u202a-\u202e"  # line / paragraph separators, bidi embeddings and overrides
    "\u2060\u2066-\u2069\ufeff"  # word joiner, bidi isolates, BOM / zero-width no-break space
    "\ufff9-\ufffb"  # interlinear annotation controls
    "\ud800-\udfff"  # lone surrogates (undecodable bytes read with surrogateescape)
)
UNSAFE = re.compile(f"[\t\n{_UNSAFE_CLASS}]")
UNSAFE_KEEP_NEWLINES = re.compile(f"[\t{_UNSAFE_CLASS}]")
UNSAFE_KEEP_TABS = re.compile(f"[\n{_UNSAFE_CLASS}]")  # for an input line: a tab is typed text there
# A str cell is left as a str only when neither markup ("[", ":emoji:") nor an unsafe character is in it.
_CELL_RISK = re.compile(f"[\\[:\t\n{_UNSAFE_CLASS}]")

ESCAPE_STYLE = Style(color="magenta", italic=True)
CELL_LIMIT = 256  # characters one table cell keeps of a field
TEXT_LIMIT = 20_000  # characters one field keeps in a detail view
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_char(char: str) -> str:
    """The visible form of one unsafe character: `\\n`, `\\x1b`, `\\u202e`."""
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _escape(match: re.Match[str]) -> str:
    return escape_char(match.group())


def _clip(text: str, limit: int | None) -> str:
    if limit is None or len(text) <= limit:
        return text
    return text[: max(0, limit - 1)] + "…"


def has_unsafe(value: str, *, newlines: bool = False) -> bool:
    return (UNSAFE_KEEP_NEWLINES if newlines else UNSAFE).search(value) is not None


def safe_str(value: object, *, limit: int | None = None, newlines: bool = False, tabsize: int | None = None) -> str:
    """`value` as a string a terminal shows verbatim: unsafe characters escaped, at most `limit` characters of the
    original kept. `newlines=True` keeps line breaks (multi-line blocks); `tabsize` expands tabs to spaces."""
    text = _clip(value if isinstance(value, str) else str(value), limit)
    if tabsize is not None and "\t" in text:
        text = text.expandtabs(tabsize)
    pattern = UNSAFE_KEEP_NEWLINES if newlines else UNSAFE
    if pattern.search(text) is None:
        return text
    return pattern.sub(_escape, text)


def safe_text(
    value: object,
    style: str | Style = "",
    *,
    limit: int | None = None,
    newlines: bool = False,
    tabsize: int | None = None,
) -> Text:
    """`value` as a `Text` (never markup) with unsafe characters shown as escapes in ESCAPE_STYLE."""
    raw = _clip(value if isinstance(value, str) else str(value), limit)
    if tabsize is not None and "\t" in raw:
        raw = raw.expandtabs(tabsize)
    pattern = UNSAFE_KEEP_NEWLINES if newlines else UNSAFE
    out = Text(style=style, end="")
    position = 0
    for match in pattern.finditer(raw):
        if match.start() > position:
            out.append(raw[position : match.start()])
        out.append(escape_char(match.group()), ESCAPE_STYLE)
        position = match.end()
    if position < len(raw):
        out.append(raw[position:] if position else raw)
    return out


def escape_text(text: Text, *, newlines: bool = False) -> Text:
    """A `Text` built elsewhere, with unsafe characters escaped and its styles kept on the same characters.
    Returns `text` itself when nothing needs escaping."""
    pattern = UNSAFE_KEEP_NEWLINES if newlines else UNSAFE
    plain = text.plain
    matches = list(pattern.finditer(plain))
    if not matches:
        return text
    starts: list[int] = []
    growth: list[int] = []  # characters added by escapes up to and including match i
    pieces: list[str] = []
    position = added = 0
    for match in matches:
        escaped = escape_char(match.group())
        pieces.append(plain[position : match.start()])
        pieces.append(escaped)
        position = match.end()
        added += len(escaped) - 1
        starts.append(match.start())
        growth.append(added)

    def moved(offset: int) -> int:
        """New offset of old `offset` (a span end right after an escaped character moves past its escape)."""
        before = bisect.bisect_left(starts, offset)
        return offset + (growth[before - 1] if before else 0)

    pieces.append(plain[position:])
    out = Text(
        "".join(pieces),
        style=text.style,
        justify=text.justify,
        overflow=text.overflow,
        no_wrap=text.no_wrap,
        end=text.end,
        tab_size=text.tab_size,
    )
    for span in text.spans:
        out.stylize(span.style, moved(span.start), moved(span.end))
    for match in matches:
        start = moved(match.start())
        out.stylize(ESCAPE_STYLE, start, start + len(escape_char(match.group())))
    return out


def safe_cell(cell: str | Text, limit: int = CELL_LIMIT) -> str | Text:
    """A table cell that a DataTable cannot parse as markup and a terminal cannot act on.

    DataTable parses `str` cells as markup: a str is kept only when it holds nothing markup or a terminal would
    act on (most cells: numbers, ages, statuses, ids); anything else becomes an escaped `Text`."""
    if isinstance(cell, Text):
        plain = cell.plain
        if len(plain) <= limit and UNSAFE.search(plain) is None:
            return cell  # most Text cells: a status in its colour
        escaped = escape_text(cell)
        if len(escaped) > limit:
            escaped = escaped.copy()
            escaped.truncate(limit, overflow="ellipsis")
        return escaped
    if len(cell) <= limit and _CELL_RISK.search(cell) is None:
        return cell
    return safe_text(cell, limit=limit)

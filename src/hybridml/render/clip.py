"""What `y` / `Y` put on the clipboard: ids one per line, or rows as tab-separated cells under a header line.

Pure. Every value came from AWS (names, ids, messages): control and escape characters are made visible
(`safe_str`), so a paste into a shell or an editor never carries an escape sequence or a stray newline; the only
tabs and newlines in the result are the separators added here.
"""

from __future__ import annotations

from collections.abc import Sequence

from hybridml.render.safe import safe_str

CLIP_LIMIT = 1_000_000  # characters: OSC 52 payloads past ~1 MB are refused by most terminals


def _cell(value: str) -> str:
    return safe_str(value).replace("\t", " ")


def ids_text(ids: Sequence[str]) -> str:
    return "\n".join(_cell(i) for i in ids)


def rows_text(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """TSV: a header line, then one line per row (pastes into a spreadsheet as columns)."""
    lines = ["\t".join(_cell(c) for c in columns)]
    lines.extend("\t".join(_cell(c) for c in row) for row in rows)
    return "\n".join(lines)


def copied_note(what: str, count: int, text: str) -> str:
    """The toast: `copied 3 job ids (118 chars, OSC 52)`."""
    plural = "s" if count != 1 else ""
    return f"copied {count} {what}{plural} ({len(text)} chars, OSC 52)"

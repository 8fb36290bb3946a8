"""`y` / `Y` in a table view: the ids, or the rows, of the marked rows (else the row under the cursor) to the
clipboard through OSC 52 — the terminal sets its clipboard, so it works over SSH and inside tmux (with
`set-clipboard on`). A toast says what was copied; nothing is sent to AWS."""

from __future__ import annotations

from typing import Any

from hybridml.render.clip import CLIP_LIMIT, copied_note, ids_text, rows_text


def copy_rows(view: Any, *, whole_rows: bool) -> str | None:
    """Copy the chosen rows of `view` (a ResourceView); returns the text copied, None when nothing was."""
    keys: list[str] = view.chosen_keys()
    if not keys:
        view.notify("nothing selected to copy", severity="warning")
        return None
    noun = "row" if whole_rows else "id"
    if whole_rows:
        skip = getattr(view, "mark_column", "")  # the marks are not data
        keep = [i for i, c in enumerate(view.columns) if c != skip]
        rows = [[cells[i] for i in keep] for cells in map(view.cells_of, keys)]
        text = rows_text([view.columns[i] for i in keep], rows)
    else:
        text = ids_text(keys)
    if len(text) > CLIP_LIMIT:
        view.notify(
            f"{len(keys)} {noun}s are {len(text)} characters: too many for the terminal's clipboard "
            "(filter or mark fewer)",
            severity="error",
        )
        return None
    view.app.copy_to_clipboard(text)
    view.notify(
        copied_note(f"{view.kind.rstrip('s')} {noun}" if not whole_rows else noun, len(keys), text),
        title="clipboard",
        timeout=3,
    )
    return text

"""ResourceTable: a DataTable that applies a refresh as one batch instead of one call per cell or row.

DataTable's public API refreshes the widget on every `update_cell`, rebuilds the row index on every
`remove_row` (O(rows) each) and has no way to put existing rows in a given order without clearing the
table. With 10,000 rows and an auto-refresh every few seconds that is most of the refresh time (and
the event loop is busy, so keys wait). The three methods here touch DataTable's internals the same way
its own `update_cell`, `remove_row` and `sort` do, once per batch. `tests/tui/test_resource_table.py`
pins the behaviour, so a Textual upgrade that changes those internals fails there first.
Cells are plain text (PlainDataTable): `update_cells` sanitises them like `add_row` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual._two_way_dict import TwoWayDict
from textual.widgets.data_table import ColumnKey, RowKey

from hybridml.render.safe import safe_cell
from hybridml.tui.widgets.plain import PlainDataTable

Cell = str | Text


class ResourceTable(PlainDataTable):
    def update_cells(self, changes: Iterable[tuple[str, str, Cell]]) -> int:
        """Set many cells (row key, column key, value) and refresh once; returns how many were set."""
        count = 0
        for row_key, column_key, value in changes:
            self._data[RowKey(row_key)][ColumnKey(column_key)] = safe_cell(value)
            count += 1
        if count:
            self._update_count += 1
            self.refresh()
        return count

    def remove_rows(self, keys: Iterable[str]) -> None:
        """Drop rows by key; call `reorder` next (row positions are rebuilt there, once)."""
        gone = {RowKey(k) for k in keys}
        if not gone:
            return
        for row_key in gone:
            self.rows.pop(row_key, None)
            self._data.pop(row_key, None)
            self._new_rows.discard(row_key)
        self._updated_cells = {cell for cell in self._updated_cells if cell.row_key not in gone}
        self._require_update_dimensions = True

    def reorder(self, keys: Sequence[str]) -> None:
        """Put the table's rows (exactly `keys`) in this order without re-adding them."""
        self._row_locations = TwoWayDict({RowKey(k): index for index, k in enumerate(keys)})
        self._update_count += 1
        self.cursor_coordinate = self.cursor_coordinate  # clamp to the new row count
        self.check_idle()
        self.refresh(layout=True)

    @property
    def row_keys(self) -> list[str]:
        """The rows' keys in display order."""
        return [str(row.key.value) for row in self.ordered_rows]

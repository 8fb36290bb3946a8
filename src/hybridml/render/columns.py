"""Column widths that follow the content and the terminal: pure, so the table widget only paints.

Each column wants its natural width (the widest cell seen, at least its title). When they do not fit, the
optional columns go first (in the view's drop order), then the widest columns shrink together ("water
filling") down to their minimums; cells that do not fit end with an ellipsis, so short columns such as AGE
stay visible at 80 columns while long names are cut.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

GAP = 1  # blank columns between two cells
DEFAULT_MIN = 8  # a shrinkable column keeps at least this many (or its natural width when smaller)
MAX_WIDTH = 64  # no column is wider than this, however long its longest cell


def natural_widths(titles: Sequence[str], content: Sequence[int], cap: int = MAX_WIDTH) -> list[int]:
    return [min(max(len(title), width), max(cap, len(title))) for title, width in zip(titles, content, strict=True)]


def fit_columns(
    titles: Sequence[str],
    natural: Sequence[int],
    width: int,
    minimums: Mapping[str, int] | None = None,
    drop_order: Sequence[str] = (),
) -> list[int]:
    """Width of each column (0: hidden) so that the row fits `width` cells where it can."""
    minimums = minimums or {}
    mins = [min(n, minimums.get(t, DEFAULT_MIN)) for t, n in zip(titles, natural, strict=True)]
    shown = [True] * len(titles)

    def total(widths: Sequence[int]) -> int:
        visible = [w for w, s in zip(widths, shown, strict=True) if s]
        return sum(visible) + GAP * max(0, len(visible) - 1)

    if total(natural) <= width:
        return list(natural)
    for name in drop_order:
        if total(mins) <= width:
            break
        if name in titles:
            shown[titles.index(name)] = False
    if total(natural) <= width:
        return [n if s else 0 for n, s in zip(natural, shown, strict=True)]
    if total(mins) >= width:
        return [m if s else 0 for m, s in zip(mins, shown, strict=True)]

    def capped(cap: int) -> list[int]:
        return [max(m, min(n, cap)) if s else 0 for n, m, s in zip(natural, mins, shown, strict=True)]

    low, high = 0, max(natural)
    while low < high:  # the largest cap whose widths still fit
        mid = (low + high + 1) // 2
        if total(capped(mid)) <= width:
            low = mid
        else:
            high = mid - 1
    widths = capped(low)
    spare = width - total(widths)
    for i, (w, n) in enumerate(zip(widths, natural, strict=True)):  # hand out what the cap left over, left to right
        if spare <= 0:
            break
        if shown[i] and w < n:
            extra = min(spare, n - w)
            widths[i] += extra
            spare -= extra
    return widths

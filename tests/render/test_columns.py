"""Column widths follow content and terminal width: optional columns give way, wide ones shrink, AGE stays."""

from __future__ import annotations

from hybridml.render.columns import GAP, fit_columns, natural_widths

JOBS = ("✓", "NAME", "STATUS", "QUEUE", "DEFINITION", "AGE", "DURATION", "ARRAY", "REASON", "JOB ID")
CONTENT = [1, 40, 9, 16, 18, 5, 8, 5, 48, 36]


def used(widths: list[int]) -> int:
    shown = [w for w in widths if w]
    return sum(shown) + GAP * (len(shown) - 1)


def test_wide_terminal_gets_natural_widths() -> None:
    natural = natural_widths(JOBS, CONTENT)
    assert fit_columns(JOBS, natural, 400) == natural


def test_80_columns_drop_optional_columns_and_keep_age() -> None:
    natural = natural_widths(JOBS, CONTENT)
    widths = fit_columns(JOBS, natural, 80, {"NAME": 14, "REASON": 10}, ("JOB ID", "DEFINITION", "ARRAY"))
    named = dict(zip(JOBS, widths, strict=True))
    assert used(widths) <= 80
    assert named["AGE"] == 5 and named["STATUS"] == 9 and named["DURATION"] == 8
    assert named["JOB ID"] == 0 and named["NAME"] >= 14


def test_widest_columns_shrink_first() -> None:
    widths = fit_columns(("A", "B", "C"), [50, 10, 30], 60)
    assert used(widths) == 60 and widths[1] == 10 and widths[0] >= widths[2]


def test_titles_set_a_floor_and_content_a_ceiling() -> None:
    assert natural_widths(("DURATION", "X"), [2, 500]) == [8, 64]

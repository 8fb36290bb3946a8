"""A comparison of targets -> a table and the "which service" text (rich allowed, textual not). Run ids and
instance types come from AWS or the callback: every cell goes through the sanitiser."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from hybridml.domain.compare import Comparison, TargetRow
from hybridml.domain.units import short_duration as duration
from hybridml.domain.units import usd
from hybridml.render.safe import TEXT_LIMIT, safe_str, safe_text

COMPARE_COLUMNS = ("TARGET", "WAIT", "RUN", "BILLED", "INSTANCE", "$/H", "COST", "DOGS FOUND", "")
SHORT = {"sagemaker-processing": "processing", "sagemaker-endpoint": "endpoint"}


def agree_mark(row: TargetRow) -> Text:
    if row.agrees is None:
        return Text("")
    return Text("✓", style="green") if row.agrees else Text("≠", style="bold red")


def row_cells(row: TargetRow) -> tuple[Text, ...]:
    target = SHORT.get(row.target, row.target) + (" spot" if row.spot else "")
    dogs = str(row.dogs) if row.dogs is not None else (row.status if row.status != "SUCCEEDED" else "-")
    price = f"{row.price_h:.3f}" if row.price_h is not None else "-"
    billed = "always" if row.target == "sagemaker-endpoint" else duration(row.billable_s)
    return (
        Text(target, style="bold"),
        Text(duration(row.queue_wait_s)),
        Text(duration(row.run_s)),
        Text(billed if row.billable_s is not None or row.target == "sagemaker-endpoint" else "-"),
        safe_text(row.instance_type or "-", limit=24),
        Text(price),
        Text(usd(row.cost)),
        Text(dogs, style="" if row.agrees is not False else "bold red"),
        agree_mark(row),
    )


def comparison_table(comparison: Comparison) -> Table:
    table = Table(box=None, padding=(0, 1, 0, 0), pad_edge=False, show_edge=False, header_style="bold")
    for name in COMPARE_COLUMNS:  # about 78 columns wide: fits 80x24
        right = name in ("WAIT", "RUN", "BILLED", "$/H", "COST")
        table.add_column(name, no_wrap=True, justify="right" if right else "left", overflow="ellipsis")
    for row in comparison.rows:
        table.add_row(*row_cells(row))
    return table


def agreement_text(comparison: Comparison) -> Text:
    if comparison.agree is None:
        return Text("dogs found: fewer than two results to compare yet", style="dim")
    if comparison.agree:
        return Text("dogs found: every target agrees", style="green")
    return safe_text(f"dogs found: they DISAGREE — {comparison.disagreement}", "bold red", limit=TEXT_LIMIT)


def verdict_text(comparison: Comparison) -> Text:
    text = Text("Which service?\n", style="bold")
    for line in comparison.verdict.lines:
        text.append_text(safe_text(line, "bold" if line.startswith("→") else "", limit=TEXT_LIMIT))
        text.append("\n")
    for note in comparison.notes:
        text.append(note + "\n", style="dim")
    text.append(f"prices as of {comparison.prices_as_of}: {comparison.prices_source}", style="dim")
    return text


def comparison_renderable(comparison: Comparison) -> RenderableType:
    header = safe_text(f"video {comparison.video_url}", "dim", limit=TEXT_LIMIT)
    return Group(header, Text(""), comparison_table(comparison), Text(""), agreement_text(comparison), Text(""),
                 verdict_text(comparison))  # fmt: skip


def comparison_lines(comparison: Comparison) -> list[str]:
    """Plain text for the headless command (every value sanitised)."""
    widths = (10, 6, 6, 6, 16, 6, 8, 16, 1)
    lines = ["  ".join(h.ljust(w) for h, w in zip(COMPARE_COLUMNS, widths, strict=True)).rstrip()]
    for row in comparison.rows:
        cells = [safe_str(c.plain) for c in row_cells(row)]
        lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
    lines += ["", agreement_text(comparison).plain, "", *verdict_text(comparison).plain.splitlines()]
    return lines

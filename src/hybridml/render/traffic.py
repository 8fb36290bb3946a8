"""A/B traffic between endpoint variants: per-variant curves side by side, and the weights before -> after."""

from __future__ import annotations

from collections.abc import Mapping

from rich.table import Table
from rich.text import Text

from hybridml.domain.metrics import MetricSeries
from hybridml.domain.sagemaker import Endpoint
from hybridml.domain.traffic import WeightRequest, shares
from hybridml.render.safe import escape_text, safe_text
from hybridml.render.sagemaker import number, spark


def variant_traffic(endpoint: Endpoint, series: Mapping[str, Mapping[str, MetricSeries]], width: int = 12) -> Table:
    """One row per variant: weight and share, instances, then its Invocations and ModelLatency sparklines side
    by side (each scaled to its own range), with the latest values."""
    weights = {v.name: v.current_weight or 0.0 for v in endpoint.variants}
    share = shares(weights)
    table = Table(title="Traffic by variant", title_justify="left", box=None, padding=(0, 1))
    for col, justify in (("VARIANT", "left"), ("WEIGHT", "right"), ("INST", "right"), ("INVOCATIONS", "left"),
                         ("LATENCY", "left")):  # fmt: skip
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for v in endpoint.variants:
        mine = series.get(v.name, {})
        inv, lat = mine.get("Invocations"), mine.get("ModelLatency avg")
        cells: list[Text] = []
        for s, style in ((inv, "cyan"), (lat, "magenta")):
            if s is None or not s.values:
                cells.append(safe_text("no data", style="dim"))
            else:
                cells.append(Text.assemble((spark(s.values, width), style), f" {number(s.latest, s.unit_hint)}"))
        weight = f"{weights[v.name]:g} ({share[v.name]:.0%})"
        idle = not weights[v.name] and (v.current_instance_count or 0) > 0
        table.add_row(
            safe_text(v.name),
            safe_text(weight, style="bold yellow" if idle else ""),
            "-" if v.current_instance_count is None else str(v.current_instance_count),
            *cells,
        )
    return table


def weights_body(endpoint: Endpoint, request: WeightRequest) -> Text:
    """The confirm dialog: every variant's weight and traffic share, before -> after."""
    before = {v.name: v.current_weight or 0.0 for v in endpoint.variants}
    after = request.after(endpoint)
    share_before, share_after = shares(before), shares(after)
    text = Text()
    text.append(f"{endpoint.name}  ({endpoint.status})\n\n", style="bold")
    width = max(len(name) for name in before) if before else 7
    for name in before:
        changed = before[name] != after[name]
        text.append(f"{name:<{width}}  ", style="bold" if changed else "")
        text.append(f"{before[name]:g} ({share_before[name]:.0%})  →  ")
        text.append(f"{after[name]:g} ({share_after[name]:.0%})\n", style="bold green" if changed else "")
    text.append(
        "\nUpdateEndpointWeightsAndCapacities: the endpoint goes to Updating and keeps serving; the new split "
        "applies once it is InService.",
        style="dim",
    )
    return escape_text(text, newlines=True)

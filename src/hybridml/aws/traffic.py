"""A/B traffic: the UpdateEndpointWeightsAndCapacities request that shifts the weights of an endpoint's production
variants (sent by `hybridml.actions.mlops`)."""

from __future__ import annotations

from typing import Any


def weights_kwargs(endpoint: str, weights: tuple[tuple[str, float], ...]) -> dict[str, Any]:
    """Only the variants whose weight changes: "DesiredWeightsAndCapacities — An object that provides new capacity
    and weight values for a variant"; a variant left out keeps its weight."""
    return {
        "EndpointName": endpoint,
        "DesiredWeightsAndCapacities": [{"VariantName": name, "DesiredWeight": weight} for name, weight in weights],
    }

"""A/B traffic between endpoint variants: the weights `w` asks for (UpdateEndpointWeightsAndCapacities)."""

from __future__ import annotations

from dataclasses import dataclass

from hybridml.domain.sagemaker import Endpoint

MAX_WEIGHT = 1000.0


@dataclass(frozen=True, slots=True)
class WeightRequest:
    """New weights for some variants of one endpoint; the others keep theirs. AWS routes to each variant its
    weight divided by the sum of all weights."""

    endpoint: str
    weights: tuple[tuple[str, float], ...]

    def after(self, endpoint: Endpoint) -> dict[str, float]:
        """Every variant's weight once the request is applied."""
        out = {
            v.name: (v.desired_weight if v.desired_weight is not None else v.current_weight or 0.0)
            for v in endpoint.variants
        }
        out.update(dict(self.weights))
        return out

    def problems(self, endpoint: Endpoint) -> list[str]:
        out: list[str] = []
        known = {v.name for v in endpoint.variants}
        for name, weight in self.weights:
            if name not in known:
                out.append(f"endpoint {endpoint.name} has no variant {name!r} (variants: {', '.join(sorted(known))})")
            if not 0.0 <= weight <= MAX_WEIGHT:
                out.append(f"{name}: a weight must be between 0 and {MAX_WEIGHT:g} (got {weight:g})")
        if len({n for n, _ in self.weights}) != len(self.weights):
            out.append("a variant is named twice")
        if not self.weights:
            out.append("nothing to change")
        elif not out and sum(self.after(endpoint).values()) <= 0:
            out.append("every variant would have weight 0: the endpoint would serve no traffic")
        if endpoint.busy:
            out.append(f"endpoint {endpoint.name} is {endpoint.status}: weights can change once it is InService")
        return out


def shares(weights: dict[str, float]) -> dict[str, float]:
    """Each variant's share of the traffic (0..1) for the given weights."""
    total = sum(weights.values())
    return {k: (v / total if total > 0 else 0.0) for k, v in weights.items()}


def parse_weights(texts: list[str]) -> tuple[tuple[str, float], ...]:
    """`VARIANT=WEIGHT` items (CLI and form) -> pairs; ValueError with a message for anything else."""
    out: list[tuple[str, float]] = []
    for text in texts:
        name, sep, value = text.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"'{text}': expected VARIANT=WEIGHT")
        try:
            weight = float(value)
        except ValueError:
            raise ValueError(f"'{text}': the weight '{value}' is not a number") from None
        out.append((name.strip(), weight))
    return tuple(out)

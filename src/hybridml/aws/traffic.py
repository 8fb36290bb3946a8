"""A/B traffic: shift the weights of an endpoint's production variants (UpdateEndpointWeightsAndCapacities)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hybridml.aws.errors import InvalidRequest
from hybridml.aws.sagemaker import SERVICE, send_mutation
from hybridml.domain.sagemaker import Endpoint
from hybridml.domain.traffic import WeightRequest

if TYPE_CHECKING:
    from hybridml.services import Services


async def shift_weights(services: Services, request: WeightRequest) -> Endpoint:
    """Check the request against the live endpoint, then send the new weights once. Returns the endpoint as it
    was before (for the before -> after report)."""
    endpoint = await services.sagemaker.endpoint(request.endpoint)
    problems = request.problems(endpoint)
    if problems:
        raise InvalidRequest("; ".join(problems))
    desired = [{"VariantName": name, "DesiredWeight": weight} for name, weight in request.weights]
    before = {v.name: v.current_weight for v in endpoint.variants}
    await send_mutation(
        services,
        SERVICE,
        "UpdateEndpointWeightsAndCapacities",
        "sagemaker:update-weights",
        endpoint.name,
        {"DesiredWeightsAndCapacities": desired, "before": before},
        {"EndpointName": endpoint.name, "DesiredWeightsAndCapacities": desired},
        f"endpoint {endpoint.name}",
    )
    return endpoint

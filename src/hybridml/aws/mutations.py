"""The one place a mutating request goes on the wire: one attempt, on a client that never retries.

`hybridml.actions` builds the request (with the builders in this package) and `Services.run` decides whether
it may be sent; this module only sends it and turns what comes back into an `AwsError` when it fails.
"""

from __future__ import annotations

import re
import time
from typing import Any

from hybridml.aws.errors import AwsError, as_not_found, aws_call
from hybridml.aws.session import AwsSession

RUNTIME = "sagemaker-runtime"


def method_name(operation: str) -> str:
    """`SubmitJob` -> `submit_job` (the aiobotocore client method)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()


async def send(
    session: AwsSession, service: str, operation: str, params: dict[str, Any], *, missing: str = ""
) -> dict[str, Any]:
    """Call `operation` once with exactly `params`. A 'could not find' answer about `missing` (when given)
    becomes a NotFound naming it."""
    client = await session.mutation_client(service)
    try:
        async with aws_call(service, operation):
            response = await getattr(client, method_name(operation))(**params)
    except AwsError as exc:
        raise (as_not_found(exc, missing) if missing else exc) from exc
    return dict(response)


async def invoke_endpoint(session: AwsSession, params: dict[str, Any]) -> dict[str, Any]:
    """InvokeEndpoint once; the answer's body is read here (`BodyBytes`) and the round trip timed (`LatencyMs`)."""
    client = await session.mutation_client(RUNTIME)
    endpoint = str(params.get("EndpointName", ""))
    try:
        async with aws_call(RUNTIME, "InvokeEndpoint"):
            started = time.perf_counter()
            response = dict(await client.invoke_endpoint(**params))
            async with response["Body"] as stream:
                response["BodyBytes"] = await stream.read()
            response["LatencyMs"] = (time.perf_counter() - started) * 1000.0
    except AwsError as exc:
        raise as_not_found(exc, f"endpoint {endpoint}") from exc
    response.pop("Body", None)
    return response

"""What the SageMaker readers share: paged lists with documented page sizes and a cap, describes whose
'could not find' answers become NotFound, raw JSON for `d`, names from ARNs."""

from __future__ import annotations

import json
from typing import Any

from hybridml.aws.errors import AwsError, as_not_found, aws_call
from hybridml.aws.session import AwsSession

SERVICE = "sagemaker"
PAGE_SIZE = 100  # the most SageMaker's List* operations return per page (MaxResults 1..100)


def name_of(arn: str) -> str:
    """The resource name at the end of an ARN (`...:training-job/NAME` -> NAME)."""
    return arn.rsplit("/", 1)[-1] if arn else ""


def camel(operation: str) -> str:
    """`list_apps` -> `ListApps` (how AWS names the operation in messages)."""
    return "".join(part.title() for part in operation.split("_"))


def pretty(raw: dict[str, Any]) -> str:
    raw.pop("ResponseMetadata", None)
    return json.dumps(raw, indent=2, sort_keys=True, default=str)


async def list_items(
    session: AwsSession, operation: str, key: str, *, cap: int | None = None, page_size: int = PAGE_SIZE, **params: Any
) -> list[dict[str, Any]]:
    """Every item of a paged List* call (`operation` in snake case), `page_size` a page, at most `cap` items."""
    client = await session.client(SERVICE)
    config: dict[str, Any] = {"PageSize": min(page_size, cap) if cap else page_size}
    if cap:
        config["MaxItems"] = cap
    items: list[dict[str, Any]] = []
    async with aws_call(SERVICE, camel(operation)):
        async for page in client.get_paginator(operation).paginate(PaginationConfig=config, **params):
            items.extend(page.get(key, []) or [])
    return items[:cap] if cap else items


async def describe(session: AwsSession, operation: str, what: str, **params: Any) -> dict[str, Any]:
    """One Describe* call (`operation` in snake case); a 'could not find' validation error about `what`
    becomes a NotFound."""
    client = await session.client(SERVICE)
    try:
        async with aws_call(SERVICE, camel(operation)):
            raw = dict(await getattr(client, operation)(**params))
    except AwsError as exc:
        raise as_not_found(exc, what) from exc
    raw.pop("ResponseMetadata", None)
    return raw

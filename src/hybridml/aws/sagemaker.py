"""SageMaker endpoints: reads, waiting for a change to land, and the request builders of the endpoint actions
(UpdateEndpointWeightsAndCapacities, Application Auto Scaling, UpdateEndpoint, DeleteEndpoint, InvokeEndpoint).
Mappers and builders are the only place SageMaker keys appear; `hybridml.actions.sagemaker` sends them."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Collection
from typing import Any

from hybridml.aws._util import as_utc, bounded_gather
from hybridml.aws.errors import (
    AccessDenied,
    AwsError,
    InvalidRequest,
    NotFound,
    ServiceFailure,
    Throttled,
    Unreachable,
    as_not_found,
    aws_call,
)
from hybridml.aws.session import AwsSession
from hybridml.domain.sagemaker import Endpoint, EndpointVariant, Invocation

SERVICE = "sagemaker"
RUNTIME = "sagemaker-runtime"
AUTOSCALING = "application-autoscaling"
SCALABLE_DIMENSION = "sagemaker:variant:DesiredInstanceCount"
DESCRIBE_TTL_S = 300.0  # an unchanged endpoint (same status and LastModifiedTime) is described again this often
LIST_PAGE = 100  # ListEndpoints / ListTrainingJobs / ... MaxResults: at most 100


class EndpointWaitFailed(AwsError):
    """The endpoint did not come back InService (it failed, vanished, or the deadline passed)."""

    kind = "update failed"


def resource_id(endpoint: str, variant: str) -> str:
    return f"endpoint/{endpoint}/variant/{variant}"


def _variant_from_api(
    d: dict[str, Any], config: dict[str, Any] | None, scaling: dict[str, tuple[int, int]] | None, endpoint: str
) -> EndpointVariant:
    name = str(d.get("VariantName", ""))
    cfg: dict[str, Any] = next(
        (v for v in (config or {}).get("ProductionVariants", []) or [] if v.get("VariantName") == name), {}
    )
    bounds = (scaling or {}).get(resource_id(endpoint, name))
    current = d.get("CurrentInstanceCount")
    desired = d.get("DesiredInstanceCount")
    return EndpointVariant(
        name=name,
        instance_type=str(cfg.get("InstanceType", "") or ("serverless" if cfg.get("ServerlessConfig") else "")),
        current_instance_count=int(current) if current is not None else None,
        desired_instance_count=int(desired) if desired is not None else None,
        current_weight=float(d["CurrentWeight"]) if d.get("CurrentWeight") is not None else None,
        desired_weight=float(d["DesiredWeight"]) if d.get("DesiredWeight") is not None else None,
        model_name=str(cfg.get("ModelName", "") or ""),
        autoscaling_min=bounds[0] if bounds else None,
        autoscaling_max=bounds[1] if bounds else None,
        volume_gb=int(cfg["VolumeSizeInGB"]) if cfg.get("VolumeSizeInGB") else None,
        autoscaling_known=scaling is not None,
    )


def _endpoint_from_api(
    d: dict[str, Any], config: dict[str, Any] | None = None, scaling: dict[str, tuple[int, int]] | None = None
) -> Endpoint:
    """`scaling` None: the autoscaling bounds are unknown (shown as '?'), not absent."""
    """Map a DescribeEndpoint (or ListEndpoints summary) plus its endpoint config to an Endpoint."""
    name = str(d["EndpointName"])
    return Endpoint(
        name=name,
        arn=str(d.get("EndpointArn", "")),
        status=str(d.get("EndpointStatus", "")),
        created_at=as_utc(d.get("CreationTime")),
        modified_at=as_utc(d.get("LastModifiedTime")),
        config_name=str(d.get("EndpointConfigName", "") or ""),
        failure_reason=str(d.get("FailureReason", "") or ""),
        variants=tuple(_variant_from_api(v, config, scaling, name) for v in d.get("ProductionVariants", []) or []),
    )


def _stamp(summary: dict[str, Any]) -> tuple[str, str]:
    """What says a listed endpoint changed since it was described: its status and LastModifiedTime."""
    return (str(summary.get("EndpointStatus")), str(summary.get("LastModifiedTime")))


class SageMakerService:
    """Endpoints and their scaling. Reads retry; mutations go through `Services.mutate` (sent once, audited)."""

    def __init__(self, session: AwsSession) -> None:
        self.session = session
        self._configs: dict[str, dict[str, Any]] = {}  # endpoint configs are immutable: cache by name
        self._described: dict[str, tuple[tuple[str, str], float, dict[str, Any]]] = {}
        self._listed: dict[str, dict[str, Any]] = {}  # the last ListEndpoints answer, by name

    @property
    def _limit(self) -> int:
        return self.session.settings.max_concurrency

    # -- reads ------------------------------------------------------------------------------------
    async def _describe(self, name: str) -> dict[str, Any]:
        client = await self.session.client(SERVICE)
        try:
            async with aws_call(SERVICE, "DescribeEndpoint"):
                return dict(await client.describe_endpoint(EndpointName=name))
        except AwsError as exc:
            raise as_not_found(exc, f"endpoint {name}") from exc

    async def _config(self, name: str) -> dict[str, Any] | None:
        if not name:
            return None
        cached = self._configs.get(name)
        if cached is not None:
            return cached
        client = await self.session.client(SERVICE)
        try:
            async with aws_call(SERVICE, "DescribeEndpointConfig"):
                config = dict(await client.describe_endpoint_config(EndpointConfigName=name))
        except (NotFound, InvalidRequest, AccessDenied):
            return None  # a deleted (or unreadable) config still leaves the endpoint worth showing
        config.pop("ResponseMetadata", None)
        self._configs[name] = config
        return config

    async def scaling_bounds_or_none(self) -> dict[str, tuple[int, int]] | None:
        """The bounds, or None when Application Auto Scaling cannot be read (denied): the endpoints still show."""
        try:
            return await self.scaling_bounds()
        except AccessDenied:
            return None

    async def scaling_bounds(self) -> dict[str, tuple[int, int]]:
        """Application Auto Scaling targets of every SageMaker variant: resource id -> (min, max)."""
        client = await self.session.client(AUTOSCALING)
        found: dict[str, tuple[int, int]] = {}
        async with aws_call(AUTOSCALING, "DescribeScalableTargets"):
            paginator = client.get_paginator("describe_scalable_targets")
            async for page in paginator.paginate(ServiceNamespace="sagemaker", ScalableDimension=SCALABLE_DIMENSION):
                for t in page.get("ScalableTargets", []) or []:
                    found[str(t["ResourceId"])] = (int(t.get("MinCapacity", 0)), int(t.get("MaxCapacity", 0)))
        return found

    async def _summaries(self) -> list[dict[str, Any]]:
        """Every endpoint's summary, 100 a page (the documented maximum; the default page is 10)."""
        client = await self.session.client(SERVICE)
        found: list[dict[str, Any]] = []
        async with aws_call(SERVICE, "ListEndpoints"):
            pages = client.get_paginator("list_endpoints").paginate(PaginationConfig={"PageSize": LIST_PAGE})
            async for page in pages:
                found += list(page.get("Endpoints", []) or [])
        self._listed = {str(d["EndpointName"]): d for d in found}
        return found

    async def endpoint_summaries(self, *, max_age_s: float = 0.0) -> list[Endpoint]:
        """Every endpoint from ListEndpoints alone (name, status, times; no variants): enough for the watches,
        for a page of calls instead of one DescribeEndpoint each. A full `endpoints()` answer younger than
        `max_age_s` is reused instead."""
        cache = self.session.cache
        full = cache.age((SERVICE, "endpoints"))
        if full is not None and full <= max_age_s:
            return await self.endpoints(max_age_s=max_age_s)

        async def read() -> list[Endpoint]:
            return sorted((_endpoint_from_api(d) for d in await self._summaries()), key=lambda e: e.name)

        return await cache.get((SERVICE, "endpoint_summaries"), max_age_s, read)

    async def endpoint_names(self) -> list[str]:
        return [str(e["EndpointName"]) for e in await self._summaries()]

    async def endpoints(self, *, max_age_s: float = 0.0) -> list[Endpoint]:
        """Every endpoint with its variants (instance type from the config) and autoscaling bounds; an answer
        younger than `max_age_s` is shared (the watches reuse the view's).

        A DescribeEndpoint is reused while the endpoint's status and LastModifiedTime are unchanged (and it
        is younger than DESCRIBE_TTL_S), so a refresh of an idle account costs two calls, not one per endpoint.
        """
        return await self.session.cache.get((SERVICE, "endpoints"), max_age_s, self._endpoints)

    async def _endpoints(self) -> list[Endpoint]:
        summaries, scaling = await asyncio.gather(self._summaries(), self.scaling_bounds_or_none())
        now = time.monotonic()

        async def one(summary: dict[str, Any]) -> Endpoint | None:
            raw = self._still_described(summary, now) or await self._describe_listed(summary, now)
            if raw is None:
                return None  # deleted between the list and the describe
            return await self._with_config(raw, scaling)

        found = await bounded_gather(self._limit, one, summaries)
        live = {str(s["EndpointName"]) for s in summaries}
        for gone in set(self._described) - live:
            del self._described[gone]
        return sorted((e for e in found if e is not None), key=lambda e: e.name)

    def _still_described(self, summary: dict[str, Any], now: float) -> dict[str, Any] | None:
        """The kept DescribeEndpoint of a listed endpoint, while its status and LastModifiedTime are unchanged."""
        cached = self._described.get(str(summary["EndpointName"]))
        if cached is not None and cached[0] == _stamp(summary) and now - cached[1] < DESCRIBE_TTL_S:
            return cached[2]
        return None

    async def _describe_listed(self, summary: dict[str, Any], now: float) -> dict[str, Any] | None:
        name = str(summary["EndpointName"])
        try:
            raw = await self._describe(name)
        except NotFound:
            return None
        self._described[name] = (_stamp(summary), now, raw)
        return raw

    async def described(self, names: Collection[str], *, new_at_most: int, max_age_s: float) -> dict[str, Endpoint]:
        """The endpoints among `names` (in that order of preference) with their variants. A full `endpoints()`
        answer younger than `max_age_s` is reused (no call); else, as of the last ListEndpoints read, those
        described before and unchanged since cost nothing and at most `new_at_most` are described anew (a
        DescribeEndpoint, and a DescribeEndpointConfig the first time a config is seen), the others waiting for a
        later call: a watch over hundreds of endpoints spreads its reads over its rounds instead of spending the
        account's API rate in one burst. Autoscaling bounds are not read then (shown as unknown)."""
        full = self.session.cache.age((SERVICE, "endpoints"))
        if full is not None and full <= max_age_s:
            wanted = set(names)
            return {e.name: e for e in await self.endpoints(max_age_s=max_age_s) if e.name in wanted}
        now = time.monotonic()
        for gone in set(self._described) - set(self._listed):  # deleted since: not kept
            del self._described[gone]
        listed = [self._listed[name] for name in names if name in self._listed]
        stale = [s for s in listed if self._still_described(s, now) is None][:new_at_most]
        await bounded_gather(self._limit, lambda summary: self._describe_listed(summary, now), stale)
        raws = [raw for s in listed if (raw := self._still_described(s, now)) is not None]
        return {e.name: e for e in await bounded_gather(self._limit, lambda r: self._with_config(r, None), raws)}

    async def _with_config(self, raw: dict[str, Any], scaling: dict[str, tuple[int, int]] | None) -> Endpoint:
        """A DescribeEndpoint answer with its endpoint config (read once per config name)."""
        return _endpoint_from_api(raw, await self._config(str(raw.get("EndpointConfigName", ""))), scaling)

    async def endpoint(self, name: str) -> Endpoint:
        """One endpoint; raises NotFound when it no longer exists."""
        raw, scaling = await asyncio.gather(self._describe(name), self.scaling_bounds_or_none())
        return await self._with_config(raw, scaling)

    async def endpoint_json(self, name: str) -> str:
        """DescribeEndpoint plus its endpoint config, for the `d` view."""
        raw = await self._describe(name)
        raw.pop("ResponseMetadata", None)
        raw["EndpointConfig"] = await self._config(str(raw.get("EndpointConfigName", ""))) or {}
        return json.dumps(raw, indent=2, sort_keys=True, default=str)

    def forget(self, name: str) -> None:
        """Drop the cached DescribeEndpoint of `name` (it was just changed)."""
        self._described.pop(name, None)

    async def wait_in_service(
        self,
        name: str,
        *,
        timeout_s: float,
        poll_s: float = 2.0,
        on_status: Callable[[Endpoint, float], None] | None = None,
        expect: dict[str, int] | None = None,
    ) -> Endpoint:
        """Poll DescribeEndpoint until it is InService and (with `expect`, variant -> desired instances) every
        variant runs that many instances. Raise EndpointWaitFailed on a final status (Failed,
        UpdateRollbackFailed), deletion, a change that was rolled back, or the deadline.

        "RollingBack: Endpoint fails to scale up or down ... Once the rollback completes, endpoint returns to an
        InService status"; "UpdateRollbackFailed: Both the rolling deployment and auto-rollback failed"
        (DescribeEndpointOutput.EndpointStatus). So InService with other counts after a transition is a
        rollback, not success. A failed poll (throttled, 5xx, connection lost) is not the endpoint failing:
        polling goes on until the deadline, and the last such error is named if the deadline passes."""
        started = time.monotonic()
        last_status, last_error, moved = "unknown", "", False
        while True:
            try:
                endpoint: Endpoint | None = await self.endpoint(name)
            except NotFound:
                raise EndpointWaitFailed(f"endpoint {name} was deleted while waiting", service=SERVICE) from None
            except (Throttled, Unreachable, ServiceFailure) as exc:
                endpoint, last_error = None, str(exc)
            elapsed = time.monotonic() - started
            if endpoint is not None:
                last_status = endpoint.status
                moved = moved or endpoint.status != "InService"
                if on_status is not None:
                    on_status(endpoint, elapsed)
                reason = f": {endpoint.failure_reason}" if endpoint.failure_reason else ""
                if endpoint.status == "InService":
                    off = _off_counts(endpoint, expect or {})
                    if not off:
                        return endpoint
                    if moved:
                        raise EndpointWaitFailed(
                            f"endpoint {name} is InService again but {off} (the change was rolled back){reason}",
                            service=SERVICE,
                        )
                elif endpoint.status == "UpdateRollbackFailed":
                    raise EndpointWaitFailed(
                        f"endpoint {name} is UpdateRollbackFailed: the update and its rollback both failed; it "
                        f"serves with a mix of old and new configurations{reason}",
                        service=SERVICE,
                    )
                elif endpoint.status in ("Failed", "OutOfService"):
                    raise EndpointWaitFailed(f"endpoint {name} is {endpoint.status}{reason}", service=SERVICE)
            if elapsed + poll_s > timeout_s:
                why = f"; last poll failed: {last_error}" if endpoint is None and last_error else ""
                raise EndpointWaitFailed(
                    f"endpoint {name} still {last_status} after {int(elapsed)}s (gave up waiting; "
                    f"the change continues in AWS){why}",
                    service=SERVICE,
                )
            await asyncio.sleep(poll_s)


def _off_counts(endpoint: Endpoint, expect: dict[str, int]) -> str:
    """'' when every expected variant runs its count, else what differs (e.g. 'Blue runs 1 instance, not 3')."""
    off = []
    for variant, want in expect.items():
        v = endpoint.variant(variant)
        have = v.current_instance_count if v is not None else None
        if have != want:
            off.append(f"{variant} runs {have if have is not None else '?'} instance(s), not {want}")
    return "; ".join(off)


# -- request builders and answer mappers of the endpoint actions ----------------------------------------------
def capacity_kwargs(endpoint: str, variant: str, desired: int) -> dict[str, Any]:
    return {
        "EndpointName": endpoint,
        "DesiredWeightsAndCapacities": [{"VariantName": variant, "DesiredInstanceCount": desired}],
    }


def scalable_target_kwargs(endpoint: str, variant: str, lo: int, hi: int) -> dict[str, Any]:
    return {
        "ServiceNamespace": "sagemaker",
        "ResourceId": resource_id(endpoint, variant),
        "ScalableDimension": SCALABLE_DIMENSION,
        "MinCapacity": lo,
        "MaxCapacity": hi,
    }


def update_endpoint_kwargs(endpoint: str, config_name: str) -> dict[str, Any]:
    return {"EndpointName": endpoint, "EndpointConfigName": config_name}


def delete_endpoint_kwargs(endpoint: str) -> dict[str, Any]:
    return {"EndpointName": endpoint}


def invoke_kwargs(endpoint: str, body: bytes, content_type: str, accept: str = "") -> dict[str, Any]:
    params: dict[str, Any] = {"EndpointName": endpoint, "Body": body, "ContentType": content_type}
    if accept:
        params["Accept"] = accept
    return params


def invocation_from_api(endpoint: str, response: dict[str, Any]) -> Invocation:
    return Invocation(
        endpoint=endpoint,
        body=bytes(response.get("BodyBytes", b"")),
        content_type=str(response.get("ContentType", "") or ""),
        latency_ms=float(response.get("LatencyMs", 0.0)),
        invoked_variant=str(response.get("InvokedProductionVariant", "") or ""),
        custom_attributes=str(response.get("CustomAttributes", "") or ""),
    )

"""SageMaker endpoints: reads, scaling (UpdateEndpointWeightsAndCapacities + Application Auto Scaling),
waiting for InService, delete and InvokeEndpoint. Mappers are the only place SageMaker keys appear."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hybridml.aws._util import as_utc, bounded_gather
from hybridml.aws.errors import (
    AccessDenied,
    AwsError,
    InvalidRequest,
    NotFound,
    ServiceFailure,
    Throttled,
    Unreachable,
    aws_call,
)
from hybridml.aws.session import AwsSession
from hybridml.domain.sagemaker import Endpoint, EndpointVariant, Invocation, ScaleRequest

if TYPE_CHECKING:
    from hybridml.services import Services

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


def as_not_found(exc: AwsError, what: str) -> AwsError:
    """SageMaker answers 'Could not find endpoint' with a ValidationException: make it a NotFound."""
    if isinstance(exc, InvalidRequest) and (
        "could not find" in exc.message.lower() or "not found" in exc.message.lower()
    ):
        return NotFound(
            f"{what} not found (deleted, or never existed here)",
            service=exc.service,
            operation=exc.operation,
            code=exc.code,
        )
    return exc


async def send_mutation(
    services: Services,
    service: str,
    operation: str,
    action: str,
    target: str,
    request: dict[str, Any],
    params: dict[str, Any],
    missing: str = "",
) -> Any:
    """One audited, never-retried call `operation` (CamelCase) with `params`; a 'could not find' answer about
    `missing` (when given) becomes a NotFound. `request` is what the audit log records."""
    method = re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()

    async def call() -> Any:
        client = await services.session.mutation_client(service)
        try:
            async with aws_call(service, operation):
                return await getattr(client, method)(**params)
        except AwsError as exc:
            raise (as_not_found(exc, missing) if missing else exc) from exc

    return await services.mutate(action, target, request, call)


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


class SageMakerService:
    """Endpoints and their scaling. Reads retry; mutations go through `Services.mutate` (sent once, audited)."""

    def __init__(self, session: AwsSession) -> None:
        self.session = session
        self._configs: dict[str, dict[str, Any]] = {}  # endpoint configs are immutable: cache by name
        self._described: dict[str, tuple[tuple[str, str], float, dict[str, Any]]] = {}

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
            name = str(summary["EndpointName"])
            stamp = (str(summary.get("EndpointStatus")), str(summary.get("LastModifiedTime")))
            cached = self._described.get(name)
            if cached is not None and cached[0] == stamp and now - cached[1] < DESCRIBE_TTL_S:
                raw = cached[2]
            else:
                try:
                    raw = await self._describe(name)
                except NotFound:
                    return None  # deleted between the list and the describe
                self._described[name] = (stamp, now, raw)
            return _endpoint_from_api(raw, await self._config(str(raw.get("EndpointConfigName", ""))), scaling)

        found = await bounded_gather(self._limit, one, summaries)
        live = {str(s["EndpointName"]) for s in summaries}
        for gone in set(self._described) - live:
            del self._described[gone]
        return sorted((e for e in found if e is not None), key=lambda e: e.name)

    async def endpoint(self, name: str) -> Endpoint:
        """One endpoint; raises NotFound when it no longer exists."""
        raw, scaling = await asyncio.gather(self._describe(name), self.scaling_bounds_or_none())
        return _endpoint_from_api(raw, await self._config(str(raw.get("EndpointConfigName", ""))), scaling)

    async def endpoint_json(self, name: str) -> str:
        """DescribeEndpoint plus its endpoint config, for the `d` view."""
        raw = await self._describe(name)
        raw.pop("ResponseMetadata", None)
        raw["EndpointConfig"] = await self._config(str(raw.get("EndpointConfigName", ""))) or {}
        return json.dumps(raw, indent=2, sort_keys=True, default=str)

    # -- mutations --------------------------------------------------------------------------------
    async def update_capacity(self, services: Services, endpoint: str, variant: str, desired: int) -> None:
        request = {"DesiredWeightsAndCapacities": [{"VariantName": variant, "DesiredInstanceCount": desired}]}
        await send_mutation(
            services, SERVICE, "UpdateEndpointWeightsAndCapacities", "sagemaker:update-capacity", endpoint,
            request, {"EndpointName": endpoint, **request}, f"endpoint {endpoint}",
        )  # fmt: skip

    async def register_scaling(self, services: Services, endpoint: str, variant: str, lo: int, hi: int) -> None:
        request = {
            "ServiceNamespace": "sagemaker",
            "ResourceId": resource_id(endpoint, variant),
            "ScalableDimension": SCALABLE_DIMENSION,
            "MinCapacity": lo,
            "MaxCapacity": hi,
        }
        await send_mutation(
            services, AUTOSCALING, "RegisterScalableTarget", "autoscaling:register-scalable-target", endpoint,
            request, request,
        )  # fmt: skip

    async def scale(self, services: Services, request: ScaleRequest) -> None:
        """Validate against the live endpoint, then send bounds first (so the new count fits), then the count."""
        endpoint = await self.endpoint(request.endpoint)
        current = endpoint.variant(request.variant)
        if current is None:
            known = ", ".join(v.name for v in endpoint.variants) or "none"
            raise InvalidRequest(f"endpoint {endpoint.name} has no variant {request.variant!r} (variants: {known})")
        problems = request.problems(current)
        if problems:
            raise InvalidRequest("; ".join(problems))
        if request.desired is not None and endpoint.status != "InService":
            raise InvalidRequest(
                f"endpoint {endpoint.name} is {endpoint.status}: it can be scaled once it is InService"
            )
        bounds_sent: tuple[int, int] | None = None
        if request.min_capacity is not None or request.max_capacity is not None:
            lo = request.min_capacity if request.min_capacity is not None else current.autoscaling_min
            hi = request.max_capacity if request.max_capacity is not None else current.autoscaling_max
            assert lo is not None and hi is not None  # problems() checked both are known
            await self.register_scaling(services, endpoint.name, current.name, lo, hi)
            bounds_sent = (lo, hi)
        if request.desired is not None and request.desired != current.desired_instance_count:
            try:
                await self.update_capacity(services, endpoint.name, current.name, request.desired)
            except AwsError as exc:
                if bounds_sent is None:
                    raise
                note = f" (the autoscaling bounds were already set to {bounds_sent[0]}..{bounds_sent[1]})"
                raise type(exc)(
                    exc.message + note, service=exc.service, operation=exc.operation, code=exc.code
                ) from exc

    async def wait_in_service(
        self,
        name: str,
        *,
        timeout_s: float,
        poll_s: float = 2.0,
        on_status: Callable[[Endpoint, float], None] | None = None,
    ) -> Endpoint:
        """Poll DescribeEndpoint until InService; raise EndpointWaitFailed on Failed, deletion or the deadline.

        A failed poll (throttled, 5xx, connection lost) is not the endpoint failing: polling goes on until the
        deadline, and the last such error is named if the deadline passes."""
        started = time.monotonic()
        last_status, last_error = "unknown", ""
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
                if on_status is not None:
                    on_status(endpoint, elapsed)
                if endpoint.status == "InService":
                    return endpoint
                if endpoint.status in ("Failed", "OutOfService"):
                    reason = f": {endpoint.failure_reason}" if endpoint.failure_reason else ""
                    raise EndpointWaitFailed(f"endpoint {name} is {endpoint.status}{reason}", service=SERVICE)
            if elapsed + poll_s > timeout_s:
                why = f"; last poll failed: {last_error}" if endpoint is None and last_error else ""
                raise EndpointWaitFailed(
                    f"endpoint {name} still {last_status} after {int(elapsed)}s (gave up waiting; "
                    f"the change continues in AWS){why}",
                    service=SERVICE,
                )
            await asyncio.sleep(poll_s)

    async def update_endpoint(self, services: Services, endpoint: str, config_name: str) -> None:
        """Switch an endpoint to another endpoint config (UpdateEndpoint)."""
        request = {"EndpointConfigName": config_name}
        await send_mutation(
            services, SERVICE, "UpdateEndpoint", "sagemaker:update-endpoint", endpoint,
            request, {"EndpointName": endpoint, **request}, f"endpoint {endpoint}",
        )  # fmt: skip

    async def delete_endpoint(self, services: Services, endpoint: str) -> None:
        request = {"EndpointName": endpoint}
        await send_mutation(
            services, SERVICE, "DeleteEndpoint", "sagemaker:delete-endpoint", endpoint, request, request,
            f"endpoint {endpoint}",
        )  # fmt: skip

    async def invoke(
        self, services: Services, endpoint: str, body: bytes, content_type: str, accept: str = ""
    ) -> Invocation:
        """InvokeEndpoint once (it may cost money or have side effects: audited, refused when read-only)."""
        request: dict[str, Any] = {"ContentType": content_type, "BodyBytes": len(body)}
        if accept:
            request["Accept"] = accept
        timing: dict[str, float] = {}

        async def call() -> Any:
            client = await self.session.mutation_client(RUNTIME)
            extra = {"Accept": accept} if accept else {}
            try:
                async with aws_call(RUNTIME, "InvokeEndpoint"):
                    started = time.perf_counter()
                    response = await client.invoke_endpoint(
                        EndpointName=endpoint, Body=body, ContentType=content_type, **extra
                    )
                    async with response["Body"] as stream:
                        response["BodyBytes"] = await stream.read()
                    timing["ms"] = (time.perf_counter() - started) * 1000.0
                    return response
            except AwsError as exc:
                raise as_not_found(exc, f"endpoint {endpoint}") from exc

        response = await services.mutate("sagemaker:invoke-endpoint", endpoint, request, call)
        return Invocation(
            endpoint=endpoint,
            body=bytes(response.get("BodyBytes", b"")),
            content_type=str(response.get("ContentType", "") or ""),
            latency_ms=timing.get("ms", 0.0),
            invoked_variant=str(response.get("InvokedProductionVariant", "") or ""),
            custom_attributes=str(response.get("CustomAttributes", "") or ""),
        )

"""The idle-endpoint watch's reads: Invocations totals per endpoint (every variant), cached, and the demo's idle
endpoint found through the real CloudWatch API of the embedded fleet."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from hybridml import snapshot
from hybridml.aws.metrics import SAGEMAKER_NS
from hybridml.config import WatchSettings
from hybridml.fleet import catalog
from hybridml.fleet.sagemaker_extras import cloudwatch_backend
from hybridml.services import Services
from hybridml.snapshot import gather_context
from hybridml.triage.watches import could_be_idle, evaluate


def _put(endpoint: str, variant: str, values: list[float]) -> None:
    now = datetime.now(UTC).replace(tzinfo=None)  # moto keeps metric timestamps naive UTC
    dims = [{"Name": "EndpointName", "Value": endpoint}, {"Name": "VariantName", "Value": variant}]
    data = [
        {
            "MetricName": "Invocations",
            "Value": v,
            "Unit": "None",
            "Timestamp": now - timedelta(minutes=5 * i + 1),
            "Dimensions": dims,
        }
        for i, v in enumerate(values)
    ]
    cloudwatch_backend().put_metric_data(SAGEMAKER_NS, data)


async def test_invocation_totals_sum_variants_and_are_reused(services: Services) -> None:
    busy, quiet = f"ab-{uuid.uuid4().hex[:8]}", f"quiet-{uuid.uuid4().hex[:8]}"
    _put(busy, "A", [5.0, 7.0, 1.0])
    _put(busy, "B", [2.0])  # SageMaker publishes per production variant: the endpoint's traffic is their sum
    pairs = [(busy, "A"), (busy, "B"), (quiet, "AllTraffic")]
    meter = services.session.meter.by_operation
    totals = await services.metrics.invocation_totals(pairs, 6 * 3600)
    assert totals == {busy: 15.0, quiet: 0.0}  # no data points at all: no invocations
    assert meter["GetMetricData"] == 1  # every endpoint and variant in one request
    assert await services.metrics.invocation_totals(pairs, 6 * 3600) == totals
    assert meter["GetMetricData"] == 1  # read less than max_age_s ago: reused, not billed again
    _put(quiet, "AllTraffic", [1.0])
    assert (await services.metrics.invocation_totals(pairs, 6 * 3600, max_age_s=0))[quiet] == 1.0
    assert meter["GetMetricData"] == 2


async def test_demo_idle_endpoint_is_found_and_costed(services: Services) -> None:
    """The demo's forgotten staging endpoint: InService for 72 h and never invoked."""
    [(name, instance_type, count, _age)] = catalog.IDLE_ENDPOINTS
    # as the watch reads: endpoint summaries (no variants); the candidates' variants are read for it
    ctx = await gather_context(services, details=False, quotas=False, endpoint_details=False, idle_h=24)
    staging = next(e for e in ctx.endpoints if e.name == name)
    assert [v.instance_type for v in staging.variants] == [instance_type]
    invocations = dict(ctx.invocations)
    assert invocations[name] == 0.0
    assert all(v > 0 for n, v in invocations.items() if n != name)  # the others serve traffic
    assert "resnet-shadow" not in invocations  # Creating: not a candidate, not read
    idle = [a for a in evaluate(ctx, WatchSettings(idle_endpoint_h=24), datetime.now(UTC)) if a.key.startswith("idle/")]
    assert (instance_type, count) == ("ml.g4dn.xlarge", 1)
    assert [a.text for a in idle] == [f"endpoint {name} idle (no invocations in 24h): $17.66/day"]  # 0.736 x 24
    # without the watch, nothing is read
    before = services.session.meter.by_operation["GetMetricData"]
    assert (await gather_context(services, details=False, quotas=False)).invocations == ()
    assert services.session.meter.by_operation["GetMetricData"] == before


async def test_the_idle_watch_describes_a_few_endpoints_a_round(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hundreds of old endpoints must not cost hundreds of calls in one minute (the bench saw a peak of 586 calls
    a minute against a budget of 300): each round describes a few more, oldest first, and never one twice while
    it is unchanged; the forgotten endpoint is found once its turn comes."""
    monkeypatch.setattr(snapshot, "IDLE_DESCRIBES_PER_ROUND", 2)
    [(name, _type, _count, _age)] = catalog.IDLE_ENDPOINTS
    meter = services.session.meter.by_operation
    rounds, found = 0, False
    while not found:
        before = meter.get("DescribeEndpoint", 0)
        ctx = await gather_context(services, details=False, quotas=False, endpoint_details=False, idle_h=24)
        rounds += 1
        assert meter.get("DescribeEndpoint", 0) - before <= 2  # a few a round, whatever the fleet holds
        found = name in dict(ctx.invocations)
        assert rounds <= 50  # every candidate gets its turn (the shared fleet holds a few dozen at most)
    candidates = [e for e in ctx.endpoints if could_be_idle(e, 24, datetime.now(UTC))]
    assert len(candidates) > 2 and rounds > 1  # it took more than one round: the cap was what spread them
    described = meter.get("DescribeEndpoint", 0)
    await gather_context(services, details=False, quotas=False, endpoint_details=False, idle_h=24)
    assert meter.get("DescribeEndpoint", 0) - described <= 2  # those read before are kept, not read again

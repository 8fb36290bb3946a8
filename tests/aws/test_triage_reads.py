"""SageMaker reads, the permission check and the triage snapshot against the embedded fleet (and the fault proxy)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hybridml.aws.permissions import check_permissions
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.faultproxy import FaultProxy, FaultRules
from hybridml.services import Services
from hybridml.snapshot import gather_context
from tests.conftest import make_services


@pytest.fixture
def proxy(fleet: EmbeddedFleet) -> Iterator[FaultProxy]:
    with FaultProxy(fleet.url) as fault_proxy:
        yield fault_proxy


class _ProxyFleet:
    def __init__(self, fleet: EmbeddedFleet, url: str) -> None:
        self.region, self.access_key, self.secret_key, self.url = fleet.region, fleet.access_key, fleet.secret_key, url


async def test_endpoints_are_described_with_instance_types(services: Services) -> None:
    endpoints = {e.name: e for e in await services.sagemaker.endpoints()}
    assert {"llm-summarizer", "yolo-dogs-canary", "resnet-shadow", "yolo-dogs-prod"} <= set(endpoints)
    failed = endpoints["llm-summarizer"]
    assert failed.status == "Failed" and "ping health check" in failed.failure_reason
    assert failed.instance_type == "ml.g5.12xlarge"
    assert endpoints["yolo-dogs-canary"].status == "Updating"
    assert failed.created_at is not None and failed.created_at.tzinfo is not None


async def test_training_jobs_are_described(services: Services) -> None:
    jobs = {t.name: t for t in await services.training.training_jobs()}
    stopped = jobs["dogs-yolo11m-ft-1120"]
    assert (stopped.status, stopped.secondary_status) == ("Stopped", "MaxRuntimeExceeded")
    assert stopped.max_runtime_s and stopped.instance_type == "ml.g5.xlarge"
    assert jobs["resnet50-sweep-01"].failure_reason.startswith("AlgorithmError")
    assert jobs["resnet50-sweep-03"].transitions[-1].status == "Downloading"


async def test_permission_check_all_readable(services: Services) -> None:
    access = await check_permissions(services.session)
    assert access["batch"].allowed is True and access["sagemaker"].allowed is True
    assert access["logs"].allowed is True
    assert set(access) == {
        "batch", "sagemaker", "logs", "cloudwatch", "application-autoscaling", "service-quotas",
        "sagemaker-pipelines", "sagemaker-tuning", "sagemaker-monitoring", "sagemaker-registry", "sagemaker-notebooks",
    }  # fmt: skip
    assert all(access[p].allowed is True for p in access if p.startswith("sagemaker"))  # every SageMaker pane


async def test_permission_check_names_the_denied_pane(fleet: EmbeddedFleet, proxy: FaultProxy) -> None:
    proxy.set_rules(FaultRules(access_denied={"sagemaker"}))
    services = make_services(_ProxyFleet(fleet, proxy.url))  # type: ignore[arg-type]
    try:
        services.permissions = await check_permissions(services.session)
        denied = services.denied("sagemaker")
        assert denied is not None and denied.permission == "sagemaker:ListEndpoints"
        assert services.denied_services() == {
            "sagemaker", "sagemaker-pipelines", "sagemaker-tuning", "sagemaker-monitoring", "sagemaker-registry",
            "sagemaker-notebooks",
        }  # fmt: skip
        assert services.permissions["batch"].allowed is True
        before = proxy.calls.count(service="sagemaker")
        ctx = await gather_context(services)
        assert proxy.calls.count(service="sagemaker") == before  # a denied pane is not asked again
        assert ctx.endpoints == () and len(ctx.jobs) >= 300
        assert ("sagemaker", "access denied at start-up") in ctx.unreadable
    finally:
        await services.close()


async def test_snapshot_degrades_when_sagemaker_is_denied_mid_session(fleet: EmbeddedFleet, proxy: FaultProxy) -> None:
    proxy.set_rules(FaultRules(access_denied={"sagemaker"}))
    services = make_services(_ProxyFleet(fleet, proxy.url))  # type: ignore[arg-type]
    try:
        ctx = await gather_context(services)  # no permission check ran: the read fails and is skipped
        assert ctx.endpoints == () and ctx.training_jobs == () and ctx.queues
        assert any(part == "sagemaker" and "access denied" in why for part, why in ctx.unreadable)
    finally:
        await services.close()


async def test_ec2_vcpu_quotas_are_read(services: Services) -> None:
    from hybridml.triage.instances import QUOTA_CODES

    values, why = await services.quotas.ec2_vcpu_quotas(QUOTA_CODES)
    assert why == ""
    assert values["L-DB2E81BA"] == 512.0 and values["L-417A185B"] == 0.0
    assert "L-1945791B" not in values  # a quota the endpoint does not know is skipped, not an error


async def test_second_snapshot_reuses_what_does_not_change(services: Services) -> None:
    await gather_context(services)
    meter = services.session.meter
    before = dict(meter.by_operation)
    ctx = await gather_context(services)
    unfinished = [t for t in ctx.training_jobs if t.status not in ("Completed", "Failed", "Stopped")]

    def calls(op: str) -> int:
        return meter.by_operation.get(op, 0) - before.get(op, 0)

    assert calls("GetServiceQuota") == 0  # quotas: cached for 10 minutes
    assert calls("DescribeEndpointConfig") == 0  # immutable
    # endpoints are re-described only when ListEndpoints shows a change; finished training jobs never again
    assert calls("ListEndpoints") == 1
    assert calls("DescribeEndpoint") < len(ctx.endpoints)
    assert calls("DescribeTrainingJob") <= len(unfinished) < len(ctx.training_jobs)


async def test_the_watches_snapshot_is_cheap_and_reuses_fresh_reads(services: Services) -> None:
    meter = services.session.meter

    def calls() -> dict[str, int]:
        return dict(meter.by_operation)

    watch = {"details": False, "quotas": False, "training": False, "endpoint_details": False}
    ctx = await gather_context(services, **watch, max_age_s=30)  # type: ignore[arg-type]
    first = calls()
    assert ctx.endpoints and first.get("DescribeEndpoint", 0) == 0  # ListEndpoints says status and times
    assert first.get("ListTrainingJobs", 0) == 0  # no watch looks at training jobs
    await gather_context(services, **watch, max_age_s=30)  # type: ignore[arg-type]
    assert calls() == first  # everything younger than 30 s was reused: not one call

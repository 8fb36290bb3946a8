"""The permission check covers each MLOps pane on its own: a role that may list endpoints but not pipelines
(or the registry) sees those panes denied by name, and the rest keeps working."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hybridml.aws.permissions import check_permissions
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.faultproxy import FaultProxy, FaultRules
from hybridml.snapshot import gather_context
from tests.aws.test_triage_reads import _ProxyFleet
from tests.conftest import make_services


@pytest.fixture
def proxy(fleet: EmbeddedFleet) -> Iterator[FaultProxy]:
    with FaultProxy(fleet.url) as fault_proxy:
        yield fault_proxy


async def test_each_pane_is_probed_with_its_own_permission(fleet: EmbeddedFleet, proxy: FaultProxy) -> None:
    proxy.set_rules(FaultRules(access_denied={"sagemaker:ListPipelines", "sagemaker:ListModelPackageGroups"}))
    services = make_services(_ProxyFleet(fleet, proxy.url))  # type: ignore[arg-type]
    try:
        services.permissions = await check_permissions(services.session)
        assert services.denied_services() == {"sagemaker-pipelines", "sagemaker-registry"}
        denied = services.denied("sagemaker-pipelines")
        assert denied is not None and denied.permission == "sagemaker:ListPipelines"
        for pane in ("sagemaker", "sagemaker-tuning", "sagemaker-monitoring", "sagemaker-notebooks"):
            assert services.permissions[pane].allowed is True, pane
        before = proxy.calls.count(service="sagemaker", operation="ListPipelines")
        ctx = await gather_context(services, quotas=False)
        assert proxy.calls.count(service="sagemaker", operation="ListPipelines") == before  # not asked again
        assert ctx.pipelines == () and ("sagemaker-pipelines", "access denied at start-up") in ctx.unreadable
        assert {j.name for j in ctx.tuning_jobs} >= {"dogs-yolo-hpo-1125"} and ctx.monitors and ctx.notebooks
    finally:
        await services.close()


async def test_a_pane_denied_mid_session_is_skipped_and_named(fleet: EmbeddedFleet, proxy: FaultProxy) -> None:
    proxy.set_rules(FaultRules(access_denied={"sagemaker:ListMonitoringSchedules"}))
    services = make_services(_ProxyFleet(fleet, proxy.url))  # type: ignore[arg-type]
    try:
        ctx = await gather_context(services, quotas=False)  # no permission check ran: the read fails, is skipped
        assert ctx.monitors == () and ctx.pipelines
        assert any(part == "sagemaker-monitoring" and "access denied" in why for part, why in ctx.unreadable)
    finally:
        await services.close()

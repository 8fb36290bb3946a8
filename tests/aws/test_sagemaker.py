"""SageMaker endpoints against the embedded moto fleet: reads, scaling, waiting, delete, invoke."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from hybridml.actions.sagemaker import UpdateEndpoint
from hybridml.aws.errors import InvalidRequest, NotFound
from hybridml.aws.sagemaker import EndpointWaitFailed
from hybridml.config import Settings
from hybridml.domain.sagemaker import ScaleRequest
from hybridml.fleet import patches_sagemaker
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.seed import boto3_client
from hybridml.services import ReadOnlyRefused, Services
from tests.conftest import TEST_AWS, make_services
from tests.sagemaker_helpers import (
    create_endpoint,
    delete_endpoint,
    fast_settle,
    invoke,
    register_scaling,
    scale,
    unique,
    update_capacity,
)

__all__ = ["fast_settle"]


async def test_seeded_endpoints_with_config_and_autoscaling(services: Services) -> None:
    endpoints = {e.name: e for e in await services.sagemaker.endpoints()}
    assert {"yolo-dogs-prod", "yolo-dogs-canary", "text-embed", "resnet-shadow", "llm-summarizer"} <= set(endpoints)
    prod = endpoints["yolo-dogs-prod"]
    variant = prod.variant()
    assert (
        variant is not None and variant.instance_type == "ml.g5.xlarge" and variant.model_name == "yolo-dogs-prod-model"
    )
    assert (variant.autoscaling_min, variant.autoscaling_max) == (1, 4)
    canary = endpoints["yolo-dogs-canary"]
    assert canary.status == "Updating" and (canary.current_instances, canary.desired_instances) == (1, 2)
    assert "ping health check" in endpoints["llm-summarizer"].failure_reason
    assert endpoints["text-embed"].variant() is not None
    assert endpoints["resnet-shadow"].variant().autoscaling == "-"  # type: ignore[union-attr]


async def test_endpoint_json_includes_config(services: Services) -> None:
    raw = json.loads(await services.sagemaker.endpoint_json("text-embed"))
    assert raw["EndpointName"] == "text-embed"
    assert raw["EndpointConfig"]["ProductionVariants"][0]["InstanceType"] == "ml.c5.2xlarge"


async def test_missing_endpoint_is_not_found(services: Services) -> None:
    with pytest.raises(NotFound, match=r"not found \(deleted"):
        await services.sagemaker.endpoint("no-such-endpoint")


async def test_scale_goes_updating_then_in_service(fleet: EmbeddedFleet, tmp_path: Path, fast_settle: None) -> None:
    name = create_endpoint(fleet, instances=1)
    services = make_services(fleet, Settings(aws=TEST_AWS, audit_log=str(tmp_path / "audit.jsonl")))
    try:
        await scale(services, ScaleRequest(name, "AllTraffic", desired=3, min_capacity=1, max_capacity=5))
        during = await services.sagemaker.endpoint(name)
        variant = during.variant()
        assert variant is not None
        assert during.status in ("Updating", "InService")  # 0.2 s settle: usually still Updating here
        assert variant.desired_instance_count == 3 and (variant.autoscaling_min, variant.autoscaling_max) == (1, 5)
        seen: list[str] = []
        done = await services.sagemaker.wait_in_service(
            name, timeout_s=10, poll_s=0.05, on_status=lambda e, _t: seen.append(e.status)
        )
        assert done.status == "InService" and done.variant().current_instance_count == 3  # type: ignore[union-attr]
        assert seen[-1] == "InService"
        actions = [e["action"] for e in services.audit_log.entries()]
        assert actions == ["sagemaker.endpoint.autoscaling", "sagemaker.endpoint.scale"]
    finally:
        await services.close()


async def test_update_keeps_weight_and_refuses_busy_endpoint(services: Services, fleet: EmbeddedFleet) -> None:
    name = create_endpoint(fleet, instances=2)
    listed = await services.sagemaker.endpoint(name)
    await update_capacity(services, name, "AllTraffic", 4)
    endpoint = await services.sagemaker.endpoint(name)
    variant = endpoint.variant()
    assert endpoint.status == "Updating"  # default settle is seconds away
    assert variant is not None and variant.current_weight == 1.0 and variant.current_instance_count == 2
    sent = services.session.meter.by_operation["UpdateEndpointWeightsAndCapacities"]
    with pytest.raises(InvalidRequest, match="is Updating: it can be scaled once it is InService"):
        await scale(services, ScaleRequest(name, "AllTraffic", desired=5))
    with pytest.raises(InvalidRequest, match="is Updating"):
        await update_capacity(services, name, "AllTraffic", 5)
    assert services.session.meter.by_operation["UpdateEndpointWeightsAndCapacities"] == sent  # refused here
    with pytest.raises(InvalidRequest, match="in-progress"):  # read while InService: SageMaker refuses it
        await update_capacity(services, listed, "AllTraffic", 5)


async def test_bad_scale_requests_send_nothing(services: Services, fleet: EmbeddedFleet) -> None:
    name = create_endpoint(fleet)
    calls = services.session.meter.total
    with pytest.raises(InvalidRequest, match=r"min \(5\) is greater than max \(2\)"):
        await scale(services, ScaleRequest(name, "AllTraffic", min_capacity=5, max_capacity=2))
    with pytest.raises(InvalidRequest, match="no variant 'Blue'"):
        await scale(services, ScaleRequest(name, "Blue", desired=2))
    with pytest.raises(InvalidRequest, match="at least 1"):
        await scale(services, ScaleRequest(name, "AllTraffic", desired=0))
    # only the DescribeEndpoint/DescribeScalableTargets reads went out
    assert services.session.meter.by_operation.get("UpdateEndpointWeightsAndCapacities", 0) == 0
    assert services.session.meter.total - calls <= 12


async def test_autoscaling_min_above_max_is_refused_here_and_by_aws(services: Services, fleet: EmbeddedFleet) -> None:
    from hybridml.aws import mutations
    from hybridml.aws.sagemaker import AUTOSCALING, scalable_target_kwargs

    name = create_endpoint(fleet)
    with pytest.raises(InvalidRequest, match=r"min \(5\) must be between 0 and max \(2\)"):
        await register_scaling(services, name, "AllTraffic", 5, 2)
    assert "RegisterScalableTarget" not in services.session.meter.by_operation
    with pytest.raises(InvalidRequest, match="Minimum capacity cannot be greater"):  # the rule is AWS's too
        await mutations.send(
            services.session, AUTOSCALING, "RegisterScalableTarget", scalable_target_kwargs(name, "AllTraffic", 5, 2)
        )


async def test_wait_gives_up_at_the_deadline(
    services: Services, fleet: EmbeddedFleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(patches_sagemaker, "ENDPOINT_UPDATE_S", 3600.0)
    name = create_endpoint(fleet)
    await update_capacity(services, name, "AllTraffic", 2)
    with pytest.raises(EndpointWaitFailed, match="still Updating"):
        await services.sagemaker.wait_in_service(name, timeout_s=0.3, poll_s=0.1)


async def test_wait_reports_a_deleted_endpoint(services: Services, fleet: EmbeddedFleet) -> None:
    name = create_endpoint(fleet)
    await delete_endpoint(services, name)
    with pytest.raises(EndpointWaitFailed, match="deleted"):
        await services.sagemaker.wait_in_service(name, timeout_s=2, poll_s=0.05)
    with pytest.raises(NotFound):
        await delete_endpoint(services, name)
    assert name not in await services.sagemaker.endpoint_names()


async def test_update_endpoint_switches_config(services: Services, fleet: EmbeddedFleet, fast_settle: None) -> None:
    name = create_endpoint(fleet)
    sm = boto3_client(fleet.url, "sagemaker")
    sm.create_endpoint_config(
        EndpointConfigName=f"{name}-v2",
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": f"{name}-model",
                "InitialInstanceCount": 2,
                "InstanceType": "ml.g5.2xlarge",
            }
        ],
    )
    await services.run(UpdateEndpoint(name, f"{name}-v2"))
    done = await services.sagemaker.wait_in_service(name, timeout_s=10, poll_s=0.05)
    assert done.config_name == f"{name}-v2"
    assert done.variant().instance_type == "ml.g5.2xlarge" and done.variant().current_instance_count == 2  # type: ignore[union-attr]


def _set_invoke_result(fleet: EmbeddedFleet, body: str, content_type: str) -> None:
    payload = {"results": [{"Body": body, "ContentType": content_type, "InvokedProductionVariant": "AllTraffic"}]}
    request = urllib.request.Request(
        f"{fleet.url}/moto-api/static/sagemaker/endpoint-results",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        response.read()


async def test_invoke_returns_body_type_and_latency(services: Services, fleet: EmbeddedFleet) -> None:
    name = create_endpoint(fleet)
    _set_invoke_result(fleet, '{"predictions": [0.91]}', "application/json")
    result = await invoke(services, name, b'{"instances": [1]}', "application/json")
    assert json.loads(result.text()) == {"predictions": [0.91]}
    assert result.content_type == "application/json" and result.invoked_variant == "AllTraffic"
    assert result.latency_ms > 0
    with pytest.raises(NotFound):
        await invoke(services, unique("gone"), b"{}", "application/json")


async def test_read_only_refuses_scale_delete_and_invoke(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    name = create_endpoint(fleet, instances=2)
    services = make_services(fleet, Settings(aws=TEST_AWS, audit_log=str(tmp_path / "a.jsonl")), read_only=True)
    try:
        with pytest.raises(ReadOnlyRefused):
            await scale(services, ScaleRequest(name, "AllTraffic", desired=3))
        with pytest.raises(ReadOnlyRefused):
            await delete_endpoint(services, name)
        with pytest.raises(ReadOnlyRefused):
            await invoke(services, name, b"{}", "application/json")
        endpoint = await services.sagemaker.endpoint(name)
        assert endpoint.status == "InService" and endpoint.desired_instances == 2
        assert {e["result"] for e in services.audit_log.entries()} == {"refused"}
    finally:
        await services.close()


async def test_refresh_reuses_unchanged_describes(
    services: Services, fleet: EmbeddedFleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counts describes across three listings: nothing may settle on its own in between (the update stays
    Updating however slowly the machine runs), so only what the test changed is described again."""
    from hybridml.fleet.backends import sagemaker_backend

    monkeypatch.setattr(patches_sagemaker, "ENDPOINT_UPDATE_S", 3600.0)
    name = create_endpoint(fleet, instances=1)
    for endpoint in sagemaker_backend().endpoints.values():  # other tests' updates land now, not mid-count
        patches_sagemaker.settle_endpoint(endpoint, force=True)
    first = {e.name: e for e in await services.sagemaker.endpoints()}
    describes = services.session.meter.by_operation.get("DescribeEndpoint", 0)
    again = {e.name: e for e in await services.sagemaker.endpoints()}
    assert services.session.meter.by_operation.get("DescribeEndpoint", 0) == describes  # nothing changed
    assert again.keys() == first.keys()
    await update_capacity(services, first[name], "AllTraffic", 2)  # as listed: no read of its own
    changed = {e.name: e for e in await services.sagemaker.endpoints()}
    assert services.session.meter.by_operation["DescribeEndpoint"] == describes + 1  # only the one that changed
    assert changed[name].desired_instances == 2


async def test_scale_one_variant_of_two(services: Services, fleet: EmbeddedFleet, fast_settle: None) -> None:
    name = create_endpoint(fleet, instances=1, variants=("Blue", "Green"))
    await scale(services, ScaleRequest(name, "Green", desired=3))
    done = await services.sagemaker.wait_in_service(name, timeout_s=10, poll_s=0.05)
    assert done.variant("Green").current_instance_count == 3  # type: ignore[union-attr]
    assert done.variant("Blue").current_instance_count == 1  # type: ignore[union-attr]
    assert done.variant("Blue").current_weight == 1.0  # type: ignore[union-attr]


async def test_demo_endpoints_answer_like_models(services: Services) -> None:
    dogs = await invoke(services, "yolo-dogs-prod", b'{"image": "dog.jpg"}', "application/json")
    answer = json.loads(dogs.text())
    assert answer["model"] == "yolo-dogs-prod" and answer["detections"][0]["label"] == "dog"
    again = await invoke(services, "yolo-dogs-prod", b'{"image": "dog.jpg"}', "application/json")
    assert again.body == dogs.body  # the same request gets the same answer
    embed = await invoke(services, "text-embed", b'{"image": "dog.jpg"}', "application/json")
    assert len(json.loads(embed.text())["embedding"]) == 16  # not another endpoint's cached answer
    with pytest.raises(InvalidRequest, match="not in service"):
        await invoke(services, "llm-summarizer", b"{}", "application/json")


async def test_wait_rides_out_failing_polls(fleet: EmbeddedFleet, fast_settle: None) -> None:
    from hybridml.config import AwsSettings
    from hybridml.fleet.faultproxy import FaultProxy
    from hybridml.fleet.faultrules import FaultRules

    name = create_endpoint(fleet, instances=1)
    once = AwsSettings(connect_timeout_s=2, read_timeout_s=5, max_attempts=1, retry_mode="standard")
    with FaultProxy(fleet.url) as proxy:
        services = Services.build(
            Settings(aws=once, audit_log=""),
            region=fleet.region,
            endpoint_url=proxy.url,
            static_credentials=(fleet.access_key, fleet.secret_key),
        )
        try:
            await update_capacity(services, name, "AllTraffic", 2)
            proxy.set_rules(FaultRules(error_rate=0.6, operations={"DescribeEndpoint"}, seed=7))
            done = await services.sagemaker.wait_in_service(name, timeout_s=20, poll_s=0.05)
            assert done.status == "InService" and done.desired_instances == 2
            assert proxy.count(operation="DescribeEndpoint", outcome="error") >= 1
        finally:
            await services.close()


async def test_endpoints_show_without_autoscaling_permission(fleet: EmbeddedFleet) -> None:
    from hybridml.fleet.faultproxy import FaultProxy
    from hybridml.fleet.faultrules import FaultRules

    with FaultProxy(fleet.url) as proxy:
        proxy.set_rules(FaultRules(access_denied={"application-autoscaling"}))
        services = Services.build(
            Settings(aws=TEST_AWS, audit_log=""),
            region=fleet.region,
            endpoint_url=proxy.url,
            static_credentials=(fleet.access_key, fleet.secret_key),
        )
        try:
            endpoints = {e.name: e for e in await services.sagemaker.endpoints()}
            prod = endpoints["yolo-dogs-prod"].variant()
            assert prod is not None and prod.autoscaling == "?" and prod.current_instance_count == 2
            assert proxy.count(outcome="denied") >= 1
        finally:
            await services.close()


async def test_half_done_scale_says_what_changed(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    from hybridml.aws.errors import ServiceFailure
    from hybridml.fleet.faultproxy import FaultProxy
    from hybridml.fleet.faultrules import FaultRules

    name = create_endpoint(fleet, instances=1)
    with FaultProxy(fleet.url) as proxy:
        proxy.set_rules(FaultRules(error_rate=1.0, operations={"UpdateEndpointWeightsAndCapacities"}))
        services = Services.build(
            Settings(aws=TEST_AWS, audit_log=str(tmp_path / "audit.jsonl")),
            region=fleet.region,
            endpoint_url=proxy.url,
            static_credentials=(fleet.access_key, fleet.secret_key),
        )
        try:
            request = ScaleRequest(name, "AllTraffic", desired=2, min_capacity=1, max_capacity=3)
            with pytest.raises(ServiceFailure, match=r"bounds were already set to 1\.\.3"):
                await scale(services, request)
            assert proxy.count(operation="UpdateEndpointWeightsAndCapacities") == 1  # sent once, not retried
            variant = (await services.sagemaker.endpoint(name)).variant()
            assert variant is not None and variant.autoscaling == "1..3" and variant.desired_instance_count == 1
            assert [e["result"] for e in services.audit_log.entries()] == ["ok", "unknown"]  # a 5xx may have landed
        finally:
            await services.close()

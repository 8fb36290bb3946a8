"""The fault proxy against a real moto server, driven by aiobotocore clients."""

from __future__ import annotations

import asyncio
import os
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    HTTPClientError,
    ReadTimeoutError,
)
from botocore.exceptions import ConnectionError as BotoConnectionError
from botocore.retries.standard import ExponentialBackoff

import hybridml
from hybridml.fleet.faultproxy import FaultProxy, FaultRules
from tests.conftest import HANG_GUARD_S

from .conftest import OpenClient

# service -> (a cheap read-only call, its operation name)
READS: dict[str, tuple[str, str]] = {
    "batch": ("describe_job_queues", "DescribeJobQueues"),
    "sagemaker": ("list_endpoints", "ListEndpoints"),
    "logs": ("describe_log_groups", "DescribeLogGroups"),
}
DEADLINE_S = HANG_GUARD_S  # waits on the proxy's state; a hang guard only
JOB_DEFINITION: dict[str, Any] = {
    "type": "container",
    "containerProperties": {"image": "busybox", "vcpus": 1, "memory": 128, "command": ["true"]},
}


async def read(open_client: OpenClient, service: str, **client_kw: Any) -> dict[str, Any]:
    method, _ = READS[service]
    async with open_client(service, **client_kw) as client:
        response: dict[str, Any] = await getattr(client, method)()
        return response


def error_of(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = exc.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.mark.parametrize("service", list(READS))
async def test_passthrough_is_forwarded_and_counted(proxy: FaultProxy, open_client: OpenClient, service: str) -> None:
    response = await read(open_client, service)

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    operation = READS[service][1]
    assert proxy.count(operation=operation, service=service, outcome="forwarded") == 1
    assert list(proxy.calls) == [(service, operation, "forwarded", True)]


async def test_latency_is_added_to_each_call(proxy: FaultProxy, open_client: OpenClient) -> None:
    proxy.set_rules(FaultRules(latency_s=0.2))
    async with open_client("sagemaker") as client:
        for _ in range(2):
            started = time.monotonic()
            await client.list_endpoints()
            assert time.monotonic() - started >= 0.2
    assert proxy.count(outcome="forwarded") == 2


@pytest.mark.parametrize(
    ("service", "status"), [("batch", 429), ("sagemaker", 400), ("logs", 400), ("cloudwatch", 400)]
)
async def test_throttle_parses_as_throttling_exception(
    proxy: FaultProxy, open_client: OpenClient, service: str, status: int
) -> None:
    proxy.set_rules(FaultRules(throttle_rate=1.0))
    async with open_client(service) as client:
        with pytest.raises(ClientError) as exc:
            if service == "cloudwatch":  # Smithy RPC v2 CBOR in this botocore
                await client.list_metrics()
            else:
                await getattr(client, READS[service][0])()
    assert error_of(exc) == ("ThrottlingException", status)
    assert proxy.count(outcome="throttled") == 1
    assert proxy.count(upstream=True) == 0


@pytest.mark.parametrize(
    ("service", "status", "code"),
    [
        ("batch", 500, "ServerException"),
        ("sagemaker", 503, "ServiceUnavailable"),
        ("logs", 500, "InternalFailure"),
    ],
)
async def test_server_errors_carry_status_and_code(
    proxy: FaultProxy, open_client: OpenClient, service: str, status: int, code: str
) -> None:
    proxy.set_rules(FaultRules(error_rate=1.0, error_statuses=(status,)))
    with pytest.raises(ClientError) as exc:
        await read(open_client, service)
    assert error_of(exc) == (code, status)
    assert proxy.count(service=service, outcome="error") == 1


@pytest.mark.parametrize(("hard", "expected"), [(False, ConnectionClosedError), (True, EndpointConnectionError)])
async def test_reset_drops_the_connection(
    proxy: FaultProxy, open_client: OpenClient, hard: bool, expected: type[Exception]
) -> None:
    proxy.set_rules(FaultRules(reset_rate=1.0, hard_reset=hard))
    with pytest.raises((HTTPClientError, BotoConnectionError)) as exc:
        await read(open_client, "batch")
    assert isinstance(exc.value, expected)
    assert proxy.count(operation="DescribeJobQueues", outcome="reset", upstream=False) == 1


async def test_blackout_times_out_then_recovers(proxy: FaultProxy, open_client: OpenClient) -> None:
    proxy.set_rules(FaultRules(blackout_s=3.0))
    with pytest.raises(ReadTimeoutError):
        await read(open_client, "logs", read_timeout=0.3)
    assert proxy.count(outcome="blackout") == 1

    deadline = time.monotonic() + DEADLINE_S
    while True:
        try:
            await read(open_client, "logs", read_timeout=0.3)
            break
        except ReadTimeoutError:
            assert time.monotonic() < deadline, "proxy still silent after the blackout"
    first = proxy.calls.snapshot()[0]
    assert (first.outcome, first.upstream) == ("blackout", False)  # the client gave up: never forwarded
    assert proxy.count(upstream=True) == 1


async def test_a_held_request_is_answered_late_when_its_client_waits(
    proxy: FaultProxy, open_client: OpenClient
) -> None:
    proxy.set_rules(FaultRules(blackout_s=2.0))
    response = await read(open_client, "batch", read_timeout=10.0)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert list(proxy.calls) == [("batch", "DescribeJobQueues", "blackout", True)]


async def test_clear_ends_a_blackout_early(proxy: FaultProxy, open_client: OpenClient) -> None:
    proxy.set_rules(FaultRules(blackout_until=time.time() + 3600, services={"sagemaker"}))
    with pytest.raises(ReadTimeoutError):
        await read(open_client, "sagemaker", read_timeout=0.3)
    await read(open_client, "batch")  # not targeted: still answered

    proxy.clear()
    await read(open_client, "sagemaker")
    assert proxy.count(service="sagemaker", outcome="forwarded") == 1


async def test_services_target_only_the_chosen_service(proxy: FaultProxy, open_client: OpenClient) -> None:
    proxy.set_rules(FaultRules(throttle_rate=1.0, services={"batch"}))
    with pytest.raises(ClientError):
        await read(open_client, "batch")
    await read(open_client, "sagemaker")
    await read(open_client, "logs")
    assert proxy.count(service="batch", outcome="throttled") == 1
    assert proxy.count(outcome="forwarded") == 2


async def test_operations_target_only_the_chosen_operations(proxy: FaultProxy, open_client: OpenClient) -> None:
    proxy.set_rules(FaultRules(throttle_rate=1.0, operations={"DescribeJobDefinitions", "GetLogEvents"}))
    async with open_client("batch") as batch, open_client("logs") as logs:
        await batch.describe_job_queues()
        await logs.describe_log_groups()
        with pytest.raises(ClientError) as exc:
            await batch.describe_job_definitions()
        assert error_of(exc) == ("ThrottlingException", 429)
        with pytest.raises(ClientError) as exc:
            await logs.get_log_events(logGroupName="g", logStreamName="s")
        assert error_of(exc) == ("ThrottlingException", 400)
    assert proxy.count(outcome="throttled") == 2
    assert proxy.count(operation="GetLogEvents", service="logs") == 1


@pytest.mark.parametrize(("service", "status"), [("batch", 403), ("sagemaker", 400), ("logs", 400)])
async def test_access_denied_per_service(proxy: FaultProxy, open_client: OpenClient, service: str, status: int) -> None:
    proxy.set_rules(FaultRules(access_denied={service}))
    with pytest.raises(ClientError) as exc:
        await read(open_client, service)
    assert error_of(exc) == ("AccessDeniedException", status)
    other = "logs" if service != "logs" else "batch"
    await read(open_client, other)
    assert proxy.count(outcome="denied") == 1
    assert proxy.count(service=other, outcome="forwarded") == 1


async def test_forward_then_reset_reaches_upstream_exactly_once(proxy: FaultProxy, open_client: OpenClient) -> None:
    name = f"jd-{uuid.uuid4().hex[:8]}"
    proxy.set_rules(FaultRules(reset_rate=1.0, fault_when_forwarded=True, operations={"RegisterJobDefinition"}))
    async with open_client("batch") as batch:
        with pytest.raises(ConnectionClosedError):
            await batch.register_job_definition(jobDefinitionName=name, **JOB_DEFINITION)
        described = await batch.describe_job_definitions(jobDefinitionName=name)
    assert [d["revision"] for d in described["jobDefinitions"]] == [1]
    assert proxy.count(operation="RegisterJobDefinition", outcome="reset", upstream=True) == 1


async def test_forward_then_error_leaves_the_work_done(proxy: FaultProxy, open_client: OpenClient) -> None:
    group = f"/hybridml/{uuid.uuid4().hex[:8]}"
    proxy.set_rules(FaultRules(error_rate=1.0, fault_when_forwarded=True, operations={"CreateLogGroup"}))
    async with open_client("logs") as logs:
        with pytest.raises(ClientError) as exc:
            await logs.create_log_group(logGroupName=group)
        assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] in (500, 503)
        proxy.clear()
        with pytest.raises(logs.exceptions.ResourceAlreadyExistsException):
            await logs.create_log_group(logGroupName=group)  # a blind retry would fail like this
        groups = await logs.describe_log_groups(logGroupNamePrefix=group)
    assert [g["logGroupName"] for g in groups["logGroups"]] == [group]


async def test_client_retries_resend_a_mutation_the_proxy_reset(
    proxy: FaultProxy, open_client: OpenClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0.0)
    name = f"jd-{uuid.uuid4().hex[:8]}"
    proxy.set_rules(FaultRules(reset_rate=1.0, fault_when_forwarded=True, services={"batch"}))
    async with open_client("batch", attempts=3) as batch:
        with pytest.raises(ConnectionClosedError):
            await batch.register_job_definition(jobDefinitionName=name, **JOB_DEFINITION)
        proxy.clear()
        described = await batch.describe_job_definitions(jobDefinitionName=name)
    assert len(described["jobDefinitions"]) == 3  # botocore retried a non-idempotent call twice
    assert proxy.count(operation="RegisterJobDefinition", upstream=True) == 3


async def test_rules_changed_at_run_time_apply_to_the_next_call(proxy: FaultProxy, open_client: OpenClient) -> None:
    async with open_client("sagemaker") as client:
        await client.list_endpoints()
        proxy.set_rules(FaultRules(throttle_rate=1.0))
        with pytest.raises(ClientError):
            await client.list_endpoints()
        proxy.clear()
        await client.list_endpoints()
        proxy.set_rules(FaultRules(error_rate=1.0, error_statuses=(503,)))
        with pytest.raises(ClientError) as exc:
            await client.list_endpoints()
    assert error_of(exc) == ("ServiceUnavailable", 503)
    assert [c.outcome for c in proxy.calls] == ["forwarded", "throttled", "forwarded", "error"]


async def test_standard_retries_survive_half_throttling(
    proxy: FaultProxy, open_client: OpenClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0.0)
    proxy.set_rules(FaultRules(throttle_rate=0.5, seed=0))  # seed 0: never 3 throttles in a row here
    async with open_client("batch", attempts=3) as client:
        for _ in range(6):
            await client.describe_job_queues()
    assert proxy.count(outcome="forwarded") == 6
    assert proxy.count(outcome="throttled") > 0


async def test_same_seed_gives_the_same_faults(proxy: FaultProxy, open_client: OpenClient) -> None:
    rules = FaultRules(throttle_rate=0.3, error_rate=0.2, seed=1)
    runs = []
    async with open_client("logs") as client:
        for _ in range(2):
            proxy.set_rules(rules)
            proxy.reset_counts()
            for _ in range(8):
                try:
                    await client.describe_log_groups()
                except ClientError:
                    pass
            runs.append([c.outcome for c in proxy.calls])
    assert runs[0] == runs[1]
    assert {"forwarded", "throttled", "error"} <= set(runs[0])


async def test_bodies_and_encoded_paths_pass_intact(proxy: FaultProxy, open_client: OpenClient) -> None:
    message = "x" * 50_000
    now_ms = int(time.time() * 1000)
    async with open_client("logs") as logs, open_client("batch") as batch:
        await logs.create_log_group(logGroupName="/big")
        await logs.create_log_stream(logGroupName="/big", logStreamName="s")
        events = [{"timestamp": now_ms + i, "message": f"{i}:{message}"} for i in range(20)]
        await logs.put_log_events(logGroupName="/big", logStreamName="s", logEvents=events)
        got = await logs.get_log_events(logGroupName="/big", logStreamName="s", startFromHead=True)
        assert [e["message"] for e in got["events"]] == [e["message"] for e in events]

        registered = await batch.register_job_definition(
            jobDefinitionName="tagged", tags={"team": "ml"}, **JOB_DEFINITION
        )
        tags = await batch.list_tags_for_resource(resourceArn=registered["jobDefinitionArn"])
    assert tags["tags"] == {"team": "ml"}
    assert proxy.count(operation="ListTagsForResource", service="batch") == 1
    assert proxy.count(operation="PutLogEvents", service="logs") == 1


async def test_concurrent_calls_with_latency(proxy: FaultProxy, open_client: OpenClient) -> None:
    proxy.set_rules(FaultRules(latency_s=0.1))
    async with open_client("sagemaker") as client:
        results = await asyncio.gather(*(client.list_endpoints() for _ in range(10)))
    assert len(results) == 10
    assert proxy.count(operation="ListEndpoints", outcome="forwarded") == 10


def test_sync_use_forwards_non_aws_paths(proxy: FaultProxy) -> None:
    with urllib.request.urlopen(f"{proxy.url}/moto-api/config", timeout=10) as response:
        assert response.status in (200, 201)
        assert response.read().startswith(b"{")
    assert list(proxy.calls) == [(None, None, "forwarded", True)]


def test_stopped_proxy_has_no_url(moto_url: str) -> None:
    fault_proxy = FaultProxy(moto_url)
    url = fault_proxy.start()
    assert url.startswith("http://127.0.0.1:")
    fault_proxy.stop()
    fault_proxy.stop()  # idempotent
    with pytest.raises(RuntimeError):
        _ = fault_proxy.url


async def test_cli_prints_its_url_and_injects_faults(moto_url: str, aws_env: None, open_client: Any) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(hybridml.__file__).parents[1])}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "hybridml.fleet.faultproxy", "--upstream", moto_url,
        "--throttle", "1", "--services", "sagemaker",
        stdout=asyncio.subprocess.PIPE, env=env,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        url = (await asyncio.wait_for(process.stdout.readline(), DEADLINE_S)).decode().strip()
        assert url.startswith("http://127.0.0.1:")
        from aiobotocore.config import AioConfig
        from aiobotocore.session import get_session

        config = AioConfig(retries={"total_max_attempts": 1, "mode": "standard"})
        async with get_session().create_client("sagemaker", endpoint_url=url, config=config) as client:
            with pytest.raises(ClientError) as exc:
                await client.list_endpoints()
        assert error_of(exc) == ("ThrottlingException", 400)
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), DEADLINE_S)


def test_rules_validate_and_freeze_their_sets() -> None:
    rules = FaultRules(services={"batch"}, operations=["SubmitJob"], access_denied={"logs"})  # type: ignore[arg-type]
    assert rules.services == frozenset({"batch"})
    assert rules.operations == frozenset({"SubmitJob"})
    assert hash(rules) == hash(
        FaultRules(services=frozenset({"batch"}), operations={"SubmitJob"}, access_denied={"logs"})
    )
    with pytest.raises(ValueError):
        FaultRules(throttle_rate=0.6, error_rate=0.6)
    with pytest.raises(ValueError):
        FaultRules(error_statuses=(404,))

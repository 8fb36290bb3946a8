"""SageMaker mutations as the SageMaker API reference describes them (issue 11.15, 11.16). Each test quotes its
rule."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from hybridml.actions.sagemaker import InvokeEndpoint, UpdateCapacity, scale_actions
from hybridml.aws.errors import InvalidRequest
from hybridml.aws.sagemaker import EndpointWaitFailed
from hybridml.aws.session import RUNTIME_READ_TIMEOUT_S
from hybridml.cli import main
from hybridml.domain.sagemaker import Endpoint, EndpointVariant, ScaleRequest
from hybridml.fleet.backends import sagemaker_backend
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.payload import MAX_PAYLOAD, payload_from
from hybridml.services import Services
from tests.conformance.mutation_docs import model_doc, service_model
from tests.conftest import HANG_GUARD_S
from tests.sagemaker_helpers import create_endpoint, update_capacity


# -- 11.15: InvokeEndpoint -----------------------------------------------------------------------------------------
async def test_invoke_waits_at_least_70_seconds(services: Services) -> None:
    """InvokeEndpoint: "If your model is going to take 50-60 seconds of processing time, the SDK socket timeout
    should be set to be 70 seconds." Only sagemaker-runtime gets it: other calls keep [aws] read_timeout_s."""
    assert "the SDK socket timeout should be set to be 70 seconds" in model_doc("sagemaker-runtime", "InvokeEndpoint")
    assert RUNTIME_READ_TIMEOUT_S >= 70
    runtime = await services.session.mutation_client("sagemaker-runtime")
    batch = await services.session.mutation_client("batch")
    assert runtime.meta.config.read_timeout >= 70
    assert batch.meta.config.read_timeout == services.settings.aws.read_timeout_s


def test_payload_limit_is_the_models_and_checked_before_sending(tmp_path: Path) -> None:
    """InvokeEndpointInput.Body is a blob with "max": 6291456 in the sagemaker-runtime model."""
    body = service_model("sagemaker-runtime").shape_for("InvokeEndpointInput").members["Body"]
    assert body.metadata["max"] == MAX_PAYLOAD == 6_291_456
    big = tmp_path / "big.json"
    big.write_bytes(b"x" * (MAX_PAYLOAD + 1))
    with pytest.raises(ValueError, match="at most 6 MiB"):
        payload_from("", str(big), "application/octet-stream")
    with pytest.raises(InvalidRequest, match="at most 6291456"):
        InvokeEndpoint("ep", b"x" * (MAX_PAYLOAD + 1), "application/octet-stream").validate()
    exact = tmp_path / "exact.bin"
    exact.write_bytes(b"x" * MAX_PAYLOAD)
    assert len(payload_from("", str(exact), "application/octet-stream")) == MAX_PAYLOAD


def test_only_a_regular_file_is_read(tmp_path: Path) -> None:
    """A FIFO would block the reader (it froze the invoke form) and /dev/zero never ends (MemoryError): both are
    refused before a byte is read."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    errors: list[str] = []

    def read_both() -> None:
        for path, kind in ((str(fifo), "application/json"), ("/dev/zero", "application/octet-stream")):
            try:
                payload_from("", path, kind)
            except ValueError as error:
                errors.append(str(error))

    reader = threading.Thread(target=read_both, daemon=True)  # a reader blocked on the FIFO must not hang pytest
    reader.start()
    reader.join(HANG_GUARD_S)
    assert not reader.is_alive(), "the reader waited for a writer"
    assert len(errors) == 2 and all("not a regular file" in e for e in errors), errors


def test_invoke_command_refuses_a_device(fleet: EmbeddedFleet, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--endpoint-url", fleet.url, "--region", "us-east-1"]
    assert main([*args, "invoke", "yolo-dogs-prod", "--file", "/dev/zero"]) == 2
    assert "not a regular file" in capsys.readouterr().err


# -- 11.16: scaling and waiting ----------------------------------------------------------------------------------
def _serverless(name: str) -> Endpoint:
    variant = EndpointVariant("AllTraffic", "serverless", None, None)
    return Endpoint(name, "", "InService", None, None, variants=(variant,))


def test_a_serverless_variant_is_refused_up_front() -> None:
    """ProductionVariant.ServerlessConfig: "Specifies a serverless endpoint configuration instead of an
    instance-based endpoint configuration": it has no instance count to change."""
    assert "instead of an instance-based endpoint configuration" in model_doc(
        "sagemaker", "ProductionVariant", "ServerlessConfig"
    )
    with pytest.raises(InvalidRequest, match="is serverless: it has no instances to scale"):
        UpdateCapacity(_serverless("sls"), "AllTraffic", 2).validate()


async def test_scaling_a_serverless_endpoint_sends_nothing(services: Services, fleet: EmbeddedFleet) -> None:
    name = create_endpoint(fleet)
    endpoint = sagemaker_backend().endpoints[name]
    config = sagemaker_backend().endpoint_configs[endpoint.endpoint_config_name]
    variant = config.production_variants[0]
    variant.pop("InstanceType", None)
    variant["ServerlessConfig"] = {"MemorySizeInMB": 2048, "MaxConcurrency": 5}
    with pytest.raises(InvalidRequest, match="serverless"):
        await scale_actions(services, ScaleRequest(name, "AllTraffic", desired=2))
    assert "UpdateEndpointWeightsAndCapacities" not in services.session.meter.by_operation


async def _drive(services: Services, name: str, steps: list[Any]) -> Endpoint:
    """Wait for `name` while `steps` change the endpoint in the fleet after each poll (no sleeps decide it)."""

    def on_status(_endpoint: Endpoint, _elapsed: float) -> None:
        if steps:
            steps.pop(0)(sagemaker_backend().endpoints[name])

    return await services.sagemaker.wait_in_service(
        name, timeout_s=30, poll_s=0.01, on_status=on_status, expect={"AllTraffic": 2}
    )


def _rolled_back(endpoint: Any) -> None:
    endpoint.hybridml_settle_at = None
    endpoint.endpoint_status = "InService"
    for variant in endpoint.production_variants:
        variant["DesiredInstanceCount"] = variant["CurrentInstanceCount"] = 1


def _status(status: str, reason: str | None = None) -> Any:
    def step(endpoint: Any) -> None:
        endpoint.hybridml_settle_at = None
        endpoint.endpoint_status = status
        endpoint.failure_reason = reason

    return step


async def test_in_service_again_with_the_old_count_is_a_rollback(services: Services, fleet: EmbeddedFleet) -> None:
    """EndpointStatus: "RollingBack: Endpoint fails to scale up or down [...] Once the rollback completes, endpoint
    returns to an InService status." So InService is success only with the instances asked for."""
    assert "Once the rollback completes, endpoint returns to an InService status" in model_doc(
        "sagemaker", "DescribeEndpointOutput", "EndpointStatus"
    )
    name = create_endpoint(fleet, instances=1)
    await update_capacity(services, name, "AllTraffic", 2)
    with pytest.raises(EndpointWaitFailed, match=r"InService again but AllTraffic runs 1 instance\(s\), not 2"):
        await _drive(services, name, [_status("RollingBack", "ml.g5 capacity unavailable"), _rolled_back])


async def test_update_rollback_failed_is_final(services: Services, fleet: EmbeddedFleet) -> None:
    """EndpointStatus: "UpdateRollbackFailed: Both the rolling deployment and auto-rollback failed. Your endpoint is
    in service with a mix of the old and new endpoint configurations." The wait stops there, with the reason."""
    assert "UpdateRollbackFailed: Both the rolling deployment and auto-rollback failed" in model_doc(
        "sagemaker", "DescribeEndpointOutput", "EndpointStatus"
    )
    name = create_endpoint(fleet, instances=1)
    await update_capacity(services, name, "AllTraffic", 2)
    with pytest.raises(EndpointWaitFailed, match=r"UpdateRollbackFailed.*mix of old and new.*image pull failed"):
        await _drive(services, name, [_status("UpdateRollbackFailed", "image pull failed")])


async def test_failed_says_its_failure_reason(services: Services, fleet: EmbeddedFleet) -> None:
    """DescribeEndpointOutput.FailureReason: "If the status of the endpoint is Failed, the reason why it failed." """
    assert "the reason why it failed" in model_doc("sagemaker", "DescribeEndpointOutput", "FailureReason")
    name = create_endpoint(fleet, instances=1)
    await update_capacity(services, name, "AllTraffic", 2)
    with pytest.raises(EndpointWaitFailed, match="is Failed: health check failed"):
        await _drive(services, name, [_status("Failed", "health check failed")])


async def test_in_service_before_the_update_started_is_not_success(services: Services, fleet: EmbeddedFleet) -> None:
    """A read right after the call may still show the old InService state: the wait goes on until the counts match."""
    name = create_endpoint(fleet, instances=1)
    await update_capacity(services, name, "AllTraffic", 2)

    def not_yet(endpoint: Any) -> None:  # looks untouched: InService with the old count
        endpoint.endpoint_status = "InService"
        endpoint.hybridml_settle_at = time.monotonic() + 3600

    def done(endpoint: Any) -> None:
        endpoint.hybridml_settle_at = time.monotonic()

    not_yet(sagemaker_backend().endpoints[name])  # the first read sees the endpoint as it was
    finished = await _drive(services, name, [lambda e: None, done])
    assert finished.variant("AllTraffic").current_instance_count == 2  # type: ignore[union-attr]

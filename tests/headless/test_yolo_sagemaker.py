"""`hybridml yolo run --sagemaker-processing`, `yolo deploy / undeploy / compare` and `prices`, through the real
argument parser against the embedded fleet (the fleet does not run the container here: see tests/launch)."""

from __future__ import annotations

import json
import re

import pytest

from hybridml.fleet.backends import sagemaker_backend
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.services import Services
from tests.conftest import make_services
from tests.headless.test_batch_commands import cli, unique

VIDEO = "https://93.184.216.34/park.mp4"
CALLBACK = "https://93.184.216.34/hooks/dogs"
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


def keys_of(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_of(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_of(v)}
    return set()


async def test_processing_run_dry_run_sends_nothing(services: Services, capsys: pytest.CaptureFixture[str]) -> None:
    before = len(sagemaker_backend().processing_jobs)
    argv = ["yolo", "run", "--video-url", VIDEO, "--callback-url", CALLBACK, "--sagemaker-processing", "--dry-run"]
    assert await cli(services, *argv) == 0
    err = capsys.readouterr().err
    assert "CreateProcessingJob" in err and '"ContainerArguments"' in err and "ml.g4dn.xlarge" in err
    assert len(sagemaker_backend().processing_jobs) == before


async def test_processing_run_json_names_the_job(services: Services, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["yolo", "run", "--video-url", VIDEO, "--callback-url", CALLBACK, "--sagemaker-processing"]
    code = await cli(services, *argv, "--instance-type", "ml.m5.xlarge", "--yes", "--no-wait", "--json")
    assert code == 0
    run = json.loads(capsys.readouterr().out)
    assert run["target"] == "sagemaker-processing" and run["instance_type"] == "ml.m5.xlarge"
    assert run["job_id"] in sagemaker_backend().processing_jobs
    assert all(SNAKE.match(k) for k in keys_of(run))
    job = sagemaker_backend().processing_jobs[run["job_id"]]
    assert job.app_specification["ContainerArguments"][-2:] == ["--device", "cpu"]  # no GPU on an m5


async def test_sagemaker_targets_are_refused_read_only(
    fleet: EmbeddedFleet, capsys: pytest.CaptureFixture[str]
) -> None:
    services = make_services(fleet, read_only=True)
    try:
        argv = ["yolo", "run", "--video-url", VIDEO, "--sagemaker-processing", "--yes"]
        assert await cli(services, *argv) == 4
        assert await cli(services, "yolo", "deploy", unique("ro"), "--yes") == 4
        assert await cli(services, "yolo", "undeploy", "yolo-dogs-prod", "--yes") == 4
        assert "read-only mode" in capsys.readouterr().err
        assert services.session.meter.by_operation.get("CreateModel") is None
    finally:
        await services.close()


async def test_deploy_then_undeploy(services: Services, capsys: pytest.CaptureFixture[str]) -> None:
    name = unique("cli-dep")
    assert await cli(services, "yolo", "deploy", name, "--dry-run") == 0
    assert name not in sagemaker_backend().endpoints
    assert await cli(services, "yolo", "deploy", name, "--instance-type", "ml.g4dn.xlarge", "--yes", "--json") == 0
    captured = capsys.readouterr()
    endpoint = json.loads(captured.out)
    assert endpoint["name"] == name and endpoint["status"] == "InService"
    assert endpoint["variants"][0]["instance_type"] == "ml.g4dn.xlarge"
    assert "CreateEndpoint" in captured.err
    assert await cli(services, "yolo", "undeploy", name) == 2  # no terminal to type the name on, no --yes
    assert name in sagemaker_backend().endpoints
    assert await cli(services, "yolo", "undeploy", name, "--yes") == 0
    assert name not in sagemaker_backend().endpoints


async def test_compare_prints_the_comparison_as_json(services: Services, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["yolo", "compare", "--video-url", VIDEO, "--callback-url", CALLBACK, "--targets", "processing"]
    assert await cli(services, *argv, "--yes", "--json", "--timeout", "60") == 0
    comparison = json.loads(capsys.readouterr().out)
    assert comparison["video_url"] == VIDEO
    [row] = comparison["rows"]
    assert row["target"] == "sagemaker-processing" and row["instance_type"] == "ml.g4dn.xlarge"
    assert row["status"] == "SUCCEEDED" and row["dogs"] is None  # moto ran nothing: no report, none invented
    assert comparison["agree"] is None and comparison["prices_as_of"]
    assert all(SNAKE.match(k) for k in keys_of(comparison))


async def test_compare_needs_the_endpoint_or_deploy(services: Services, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["yolo", "compare", "--video-url", VIDEO, "--targets", "endpoint", "--endpoint", unique("none"), "--yes"]
    assert await cli(services, *argv) == 1
    assert "does not exist: deploy it" in capsys.readouterr().err


async def test_prices_json(services: Services, capsys: pytest.CaptureFixture[str]) -> None:
    assert await cli(services, "prices", "--json") == 0
    book = json.loads(capsys.readouterr().out)
    assert book["ec2"]["g4dn.xlarge"] > book["spot"]["g4dn.xlarge"] > 0
    assert book["sagemaker"]["ml.g4dn.xlarge"] > 0 and book["as_of"]

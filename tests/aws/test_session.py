"""Credential chain, region and endpoint resolution follow AWS conventions."""

from __future__ import annotations

import pytest

from hybridml.aws.session import AwsSession, NoRegionConfigured
from hybridml.config import AwsSettings


def test_region_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.delenv("AWS_REGION", raising=False)
    assert AwsSession(AwsSettings()).region == "eu-west-1"
    monkeypatch.setenv("AWS_REGION", "eu-central-1")
    assert AwsSession(AwsSettings()).region == "eu-central-1"
    assert AwsSession(AwsSettings(region="ap-south-1")).region == "ap-south-1"
    assert AwsSession(AwsSettings(region="ap-south-1"), region="us-west-2").region == "us-west-2"


def test_no_region_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    for var in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    with pytest.raises(NoRegionConfigured, match="AWS_REGION"):
        AwsSession(AwsSettings())


def test_endpoint_from_environment_is_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")
    session = AwsSession(AwsSettings(), region="us-east-1")
    assert session.endpoint_url is None  # botocore applies the variable itself
    assert session.target.endpoint == "http://127.0.0.1:4566"
    explicit = AwsSession(AwsSettings(), region="us-east-1", endpoint_url="http://127.0.0.1:5000")
    assert explicit.target.endpoint == "http://127.0.0.1:5000"


def test_profile_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "ml-prod")
    assert AwsSession(AwsSettings(), region="us-east-1").profile == "ml-prod"
    assert AwsSession(AwsSettings(profile="other"), region="us-east-1", profile="cli").profile == "cli"


async def test_aws_endpoint_url_env_reaches_the_fleet(monkeypatch: pytest.MonkeyPatch, fleet: object) -> None:
    from hybridml.fleet.embedded import EmbeddedFleet

    assert isinstance(fleet, EmbeddedFleet)
    monkeypatch.setenv("AWS_ENDPOINT_URL", fleet.url)
    session = AwsSession(AwsSettings(max_attempts=1), region="us-east-1", static_credentials=("a", "b"))
    try:
        client = await session.client("batch")
        queues = await client.describe_job_queues()
        assert any(q["jobQueueName"] == "gpu-inference" for q in queues["jobQueues"])
        assert session.meter.total == 1
    finally:
        await session.close()

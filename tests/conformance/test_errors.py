"""What a failed mutation says about its request (issue 11.14, 11.17): not sent (credentials, parameter checks),
refused by AWS (throttled: nothing retries it), or outcome unknown; and a bug is never dressed as an AWS error."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from hybridml.actions.batch import SubmitJob
from hybridml.actions.sagemaker import CreateTrainingJob
from hybridml.aws.errors import AwsError, CredentialsProblem, InvalidRequest, Throttled, aws_call
from hybridml.config import Settings
from hybridml.domain.submit import SubmitRequest
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.faultproxy import FaultProxy, FaultRules
from hybridml.services import Services
from tests.conftest import TEST_AWS, make_services

EXPIRED_SSO = """[profile expired-sso]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
sso_account_id = 123456789012
sso_role_name = MLEngineer
region = us-east-1
"""


def submit(name: str) -> SubmitJob:
    return SubmitJob(SubmitRequest("cpu-etl", "etl-parquet", name))


async def test_expired_sso_credentials_are_not_sent_with_the_fix(
    fleet: EmbeddedFleet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """botocore raises TokenRetrievalError / SSOTokenLoadError / CredentialRetrievalError while resolving
    credentials, before a request is signed: nothing reached AWS. Never "outcome unknown"; the fix is named."""
    config = tmp_path / "aws-config"
    config.write_text(EXPIRED_SSO)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # an empty SSO token cache
    audit = tmp_path / "audit.jsonl"
    services = Services.build(
        Settings(aws=TEST_AWS, audit_log=str(audit)), profile="expired-sso", endpoint_url=fleet.url
    )
    try:
        name = f"no-creds-{uuid.uuid4().hex[:6]}"
        with pytest.raises(CredentialsProblem) as info:
            await services.run(submit(name))
        message = str(info.value)
        assert info.value.not_sent and not info.value.outcome_unknown
        assert "aws sso login --profile expired-sso" in message and "(not sent)" in message
        assert "outcome unknown" not in message
        [entry] = services.audit_log.entries()
        assert entry["result"] == "not sent" and entry["action"] == "batch.submit"
        assert not services.unknown_outcomes  # the next identical submit does not ask
    finally:
        await services.close()


async def test_a_request_botocore_rejects_is_not_sent(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    """botocore validates parameters against the service model before sending (ParamValidationError): a request
    missing CreateTrainingJob's required members never leaves."""
    services = make_services(fleet, Settings(aws=TEST_AWS, audit_log=str(tmp_path / "a.jsonl")))
    try:
        with pytest.raises(InvalidRequest, match="rejected before sending") as info:
            await services.run(CreateTrainingJob("source", {"TrainingJobName": f"x-{uuid.uuid4().hex[:6]}"}))
        assert info.value.not_sent and "(not sent)" in str(info.value)
        assert services.audit_log.entries()[-1]["result"] == "not sent"
        assert "CreateTrainingJob" not in services.session.meter.by_operation
    finally:
        await services.close()


async def test_a_throttled_mutation_never_says_it_is_retried(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    """A mutation is sent once (a client with total_max_attempts 1): when AWS throttles it, nothing retries it, so
    the message says it was not applied and must be sent again by the person, never "retrying later"."""
    with FaultProxy(fleet.url) as proxy:
        proxy.set_rules(FaultRules(throttle_rate=1.0, operations={"SubmitJob"}))
        services = Services.build(
            Settings(aws=TEST_AWS, audit_log=str(tmp_path / "a.jsonl")),
            region=fleet.region,
            endpoint_url=proxy.url,
            static_credentials=(fleet.access_key, fleet.secret_key),
        )
        try:
            with pytest.raises(Throttled) as info:
                await services.run(submit(f"throttled-{uuid.uuid4().hex[:6]}"))
            message = str(info.value)
            assert "retrying" not in message and "not applied and not retried" in message
            assert proxy.count(operation="SubmitJob") == 1
            assert services.audit_log.entries()[-1]["result"] == "error"
        finally:
            await services.close()


async def test_a_bug_inside_an_aws_call_is_not_an_aws_error() -> None:
    """`aws_call` turns what AWS or the network did into an AwsError; a KeyError is a bug and stays one."""
    with pytest.raises(KeyError):
        async with aws_call("batch", "DescribeJobs"):
            raise KeyError("jobId")
    with pytest.raises(AwsError):
        async with aws_call("batch", "DescribeJobs"):
            raise ConnectionResetError("peer reset")

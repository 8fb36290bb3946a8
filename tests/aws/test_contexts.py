"""Issue 14.15: `:ctx` lists the profiles of the AWS config and credentials files (read as botocore reads
them) with their regions, and the regions of `[aws] regions`; never a secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from hybridml.aws.contexts import available_contexts
from hybridml.config import AwsSettings
from hybridml.domain.context import AwsContext

SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY"


@pytest.fixture
def aws_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "config"
    config.write_text(
        "[default]\nregion = us-east-1\n\n"
        "[profile staging]\nregion = eu-west-1\n\n"
        "[profile sso-admin]\nsso_start_url = https://example.awsapps.com/start\n"
        f"credential_process = /bin/echo {SECRET}\n"
    )
    credentials = tmp_path / "credentials"
    credentials.write_text(f"[ci-bot]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = {SECRET}\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return tmp_path


def test_profiles_from_both_files_with_their_regions_and_no_secret(aws_files: Path) -> None:
    current = AwsContext("", "us-east-1", "current")
    found, problem = available_contexts(current, ("ap-southeast-2",))
    assert problem == ""
    pairs = [(c.profile, c.region) for c in found]
    assert pairs[0] == ("", "us-east-1")  # the one in use first; `default` in us-east-1 is the same context
    assert ("staging", "eu-west-1") in pairs
    assert ("ci-bot", "us-east-1") in pairs  # from the credentials file; no region: the current one
    assert ("sso-admin", "us-east-1") in pairs
    assert ("", "ap-southeast-2") in pairs  # [aws] regions
    assert ("default", "us-east-1") not in pairs
    assert SECRET not in repr(found) and "AKIA" not in repr(found)
    assert [c.label for c in found][:1] == ["us-east-1"] and AwsContext(
        "staging", "eu-west-1"
    ).label == "staging@eu-west-1"


def test_a_malformed_config_file_is_reported_not_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "config"
    bad.write_text("[profile broken\nregion = x\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(bad))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    found, problem = available_contexts(AwsContext("", "us-east-1"), ())
    assert [c.region for c in found] == ["us-east-1"] and problem.startswith("cannot read the AWS config files")


def test_regions_setting_is_checked() -> None:
    assert AwsSettings(regions=("us-east-1", "eu-west-1")).regions == ("us-east-1", "eu-west-1")
    with pytest.raises(ValueError, match="not a region name"):
        AwsSettings(regions=("us-east-1", "prod; rm -rf"))

"""Fixtures for fleet tests: one moto server per session, a fault proxy per test."""

from __future__ import annotations

import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from aiobotocore.config import AioConfig
from aiobotocore.session import get_session

from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.faultproxy import FaultProxy

OpenClient = Callable[..., Any]


def _post(url: str, body: bytes = b"") -> None:
    request = urllib.request.Request(url, data=body, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


@pytest.fixture(scope="session")
def moto_url(fleet: EmbeddedFleet) -> str:
    """The session's embedded fleet: moto keeps one set of backends per process, so there is one server."""
    return fleet.url


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(tmp_path / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "aws-credentials"),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def proxy(moto_url: str, aws_env: None) -> Iterator[FaultProxy]:
    with FaultProxy(moto_url) as fault_proxy:
        yield fault_proxy


@pytest.fixture
def open_client(proxy: FaultProxy) -> OpenClient:
    """``open_client("batch", attempts=1, read_timeout=2.0)`` -> an aiobotocore client context.

    ``attempts`` is botocore's ``total_max_attempts`` (initial call included); botocore's
    ``max_attempts`` counts retries only, so ``max_attempts=1`` would mean two calls.
    """
    session = get_session()

    def _open(service: str, *, attempts: int = 1, read_timeout: float = 2.0) -> Any:
        config = AioConfig(
            retries={"total_max_attempts": attempts, "mode": "standard"},
            connect_timeout=2,
            read_timeout=read_timeout,
        )
        return session.create_client(service, endpoint_url=proxy.url, config=config)

    return _open

"""Shared fixtures: one embedded moto fleet per test session, fresh aiobotocore services per test.

moto keeps its backends in module globals, so one process holds one fleet: tests that change it create
their own uniquely named resources and never assume global counts.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import pytest

from hybridml.config import AwsSettings, Settings
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.services import Services

# Never let a developer's real AWS settings leak into the suite.
for _var in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_DEFAULT_PROFILE"):
    os.environ.pop(_var, None)
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ["AWS_DEFAULT_REGION"] = "us-east-1"

# Short timeouts, few retries: moto answers unimplemented calls with 500s that would be retried for ~8 s.
TEST_AWS = AwsSettings(connect_timeout_s=2, read_timeout_s=5, max_attempts=2, retry_mode="standard")

# The one time limit a test may wait under: a hang guard, never a deadline that decides a result. A loaded 2-core
# machine makes a test slower, not red; a test that waits this long is stuck.
HANG_GUARD_S = 180.0


@pytest.fixture(scope="session")
def fleet() -> Iterator[EmbeddedFleet]:
    embedded = EmbeddedFleet.start(simulate=False)
    try:
        yield embedded
    finally:
        embedded.stop()


def make_services(fleet: EmbeddedFleet, settings: Settings | None = None, **kwargs: object) -> Services:
    settings = settings or Settings(aws=TEST_AWS, audit_log="")
    return Services.build(
        settings,
        region=fleet.region,
        endpoint_url=fleet.url,
        static_credentials=(fleet.access_key, fleet.secret_key),
        demo=True,
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.fixture
async def services(fleet: EmbeddedFleet) -> AsyncIterator[Services]:
    built = make_services(fleet)
    try:
        yield built
    finally:
        await built.close()


@pytest.fixture(scope="session")
def hostile_fleet() -> Iterator[object]:
    """The demo fleet plus the hostile corpus (fleet/hostile.py) in its own process: the resources it adds
    (an INVALID CE, Failed endpoints, ...) must not change what the shared fleet's tests count."""
    from hybridml.fleet.process import FleetProcess

    child = FleetProcess.start(jobs=30, simulate=False, hostile=True)
    try:
        if not child.ready.wait(180) or child.error:  # a hang guard only: seeding takes a few seconds
            raise RuntimeError(child.error or "the hostile fleet did not start")
        yield child
    finally:
        child.stop()

"""Fault tests: the app in front of a FaultProxy (latency, 5xx, throttling, resets, blackouts, denials).

Short timeouts and one attempt per call keep every failure quick; tests that need retries ask for them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from hybridml.config import AwsSettings, BatchSettings, Settings, UiSettings
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.faultproxy import FaultProxy
from hybridml.services import Services

QUEUE = "cpu-etl"  # one queue keeps each sweep to 7 calls
FAULT_AWS = AwsSettings(connect_timeout_s=1, read_timeout_s=1, max_attempts=1, retry_mode="standard")


@pytest.fixture
def proxy(fleet: EmbeddedFleet) -> Iterator[FaultProxy]:
    with FaultProxy(fleet.url) as fault_proxy:
        yield fault_proxy


def proxied(
    fleet: EmbeddedFleet,
    proxy: FaultProxy,
    *,
    aws: AwsSettings = FAULT_AWS,
    audit: Path | None = None,
    region: str | None = None,
) -> Services:
    """Services that reach the fleet through `proxy` (in `region`: default the shared fleet's)."""
    settings = Settings(
        aws=aws,
        ui=UiSettings(refresh_s=0.5),
        batch=BatchSettings(queues=(QUEUE,)),
        audit_log=str(audit) if audit else "",
    )
    return Services.build(
        settings,
        region=region or fleet.region,
        endpoint_url=proxy.url,
        static_credentials=(fleet.access_key, fleet.secret_key),
    )


@pytest.fixture
async def services(fleet: EmbeddedFleet, proxy: FaultProxy, tmp_path: Path) -> AsyncIterator[Services]:
    built = proxied(fleet, proxy, audit=tmp_path / "audit.jsonl")
    try:
        yield built
    finally:
        await built.close()

"""Shared fixtures: one embedded moto fleet per test process, fresh aiobotocore services per test.

moto keeps its backends in module globals, so one process holds one fleet: tests that change it create
their own uniquely named resources and never assume global counts. `make unit` runs two pytest-xdist workers,
each a process with a fleet of its own (and its own fixed region, seeded the same way), so no test may rely on
which other tests ran before it in its process.

Two regions of that fleet:
- `fleet` (us-east-1): the demo fleet, seeded at the wall clock. Tests may add to it (uniquely named resources,
  never global counts); what they read there drifts as the session goes on.
- `fixed_region` (eu-north-1): the same catalogue seeded once at a fixed anchor time with fixed random seeds,
  READ-ONLY: a test that uses it must not create, change or delete anything there (mutations go to the shared
  fleet). With `pinned_clock` the app's clock reads the anchor, so names, ids, states, ages and metric curves
  are the same on every run: snapshot tests and exact counts use it.
"""

from __future__ import annotations

import os
import random
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from hybridml import clock
from hybridml.config import AwsSettings, Settings
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.seed import SeededFleet
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


FIXED_REGION = "eu-north-1"  # no other test names it: only `fixed_region` seeds it
FIXED_ANCHOR = datetime(2026, 1, 9, 15, 30, tzinfo=UTC)  # a Friday afternoon
FIXED_SEED = 13
FIXED_JOBS = 120


@dataclass(frozen=True)
class FixedRegion:
    """The deterministic region: what was seeded (ids by scenario name), at `anchor`, on the shared server."""

    fleet: EmbeddedFleet
    region: str
    anchor: datetime
    seeded: SeededFleet

    def services(self, settings: Settings | None = None, **kwargs: object) -> Services:
        settings = settings or Settings(aws=TEST_AWS, audit_log="")
        return Services.build(
            settings,
            region=self.region,
            endpoint_url=self.fleet.url,
            static_credentials=(self.fleet.access_key, self.fleet.secret_key),
            demo=True,
            **kwargs,  # type: ignore[arg-type]
        )


@pytest.fixture(scope="session")
def fixed_region(fleet: EmbeddedFleet) -> FixedRegion:
    """The demo catalogue (Batch, SageMaker, MLOps, metrics, logs) seeded once into `FIXED_REGION` at
    `FIXED_ANCHOR` with fixed seeds. READ-ONLY for the tests that use it (see the module docstring)."""
    import moto.logs.models
    from moto.moto_api._internal import mock_random

    from hybridml.fleet.seed import seed_fleet

    mock_random.seed(FIXED_SEED)  # moto's ids (Batch job ids) come from it
    random.seed(FIXED_SEED)  # moto names pipeline executions with the global random
    try:
        with pytest.MonkeyPatch.context() as patch:
            # PutLogEvents accepts events from the last 14 days only ("None of the log events in the batch can be
            # more than 14 days in the past", as moto enforces it): while this region is seeded, the logs
            # service's clock reads the anchor, so the anchored events are kept.
            patch.setattr(moto.logs.models, "utcnow", lambda: FIXED_ANCHOR.replace(tzinfo=None))
            seeded = seed_fleet(
                fleet.url, jobs=FIXED_JOBS, rng_seed=FIXED_SEED, region=FIXED_REGION, anchor=FIXED_ANCHOR
            )
    finally:
        mock_random.seed()  # the other tests' resources get unpredictable ids again
        random.seed()
    return FixedRegion(fleet=fleet, region=FIXED_REGION, anchor=FIXED_ANCHOR, seeded=seeded)


@pytest.fixture(scope="session", autouse=True)
def _fixed_region_first(fixed_region: FixedRegion) -> FixedRegion:
    """Seed the fixed region before the process runs any test. Its ids come from moto's random, seeded just before:
    seeded later, a request still in flight from an earlier test (its app closing on a loaded machine, a scheduler
    pass placing jobs) draws from the same random while the region is seeded, and the ids differ (seen as a log
    view snapshot naming another job id, under `stress --cpu 4` with two workers)."""
    return fixed_region


@pytest.fixture
def pinned_clock(monkeypatch: pytest.MonkeyPatch, fixed_region: FixedRegion) -> FixedRegion:
    """`fixed_region` with the app's clock (`hybridml.clock.utcnow`) reading its anchor for this test."""
    monkeypatch.setattr(clock, "utcnow", lambda: fixed_region.anchor)
    return fixed_region


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

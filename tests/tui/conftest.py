from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.tui.app import HybridApp
from tests.conftest import make_services


@pytest.fixture
async def app(fleet: EmbeddedFleet) -> AsyncIterator[HybridApp]:
    yield HybridApp(make_services(fleet))

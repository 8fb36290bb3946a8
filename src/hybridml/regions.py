"""Several regions side by side (`:ctx *`, `--all-regions`): one set of services per region (the same profile),
read together. A region that fails is reported by name while the others' rows are shown.

No Textual here. Each region has its own clients, caches and API budget (AWS's limits are per region)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from hybridml.aws.errors import AwsError
from hybridml.domain.context import AwsContext, Regional
from hybridml.services import Services

T = TypeVar("T")


def chosen_regions(primary: Services) -> list[str]:
    """The region in use first, then `[aws] regions` (no duplicates)."""
    return list(dict.fromkeys([primary.session.region, *primary.settings.aws.regions]))


class RegionSet:
    def __init__(self, primary: Services, regions: Sequence[str]) -> None:
        self.primary = primary
        profile = primary.session.profile or ""
        self.services: dict[str, Services] = {}
        for region in regions:
            self.services[region] = (
                primary if region == primary.session.region else primary.switched(AwsContext(profile, region))
            )
        self.failed: dict[str, str] = {}  # region -> why its last read failed

    @property
    def regions(self) -> list[str]:
        return list(self.services)

    @property
    def label(self) -> str:
        return f"{len(self.services)} regions"

    async def read(self, fetch: Callable[[Services], Awaitable[Sequence[T]]]) -> list[Regional[T]]:
        """`fetch` in every region at once; rows tagged with their region. A region that fails keeps nothing
        and is named in `failed`; when every region fails, the first error is raised."""

        async def one(region: str, services: Services) -> list[Regional[T]]:
            return [Regional(region, item) for item in await fetch(services)]

        results = await asyncio.gather(*(one(r, s) for r, s in self.services.items()), return_exceptions=True)
        rows: list[Regional[T]] = []
        self.failed = {}
        errors: list[AwsError] = []
        for region, result in zip(self.services, results, strict=True):
            if isinstance(result, AwsError):
                self.failed[region] = str(result)
                errors.append(result)
            elif isinstance(result, BaseException):
                raise result
            else:
                rows.extend(result)
        if errors and len(errors) == len(self.services):
            raise errors[0]
        return rows

    async def close(self) -> None:
        """Close every region's services except the primary's (the app owns it)."""
        for services in self.services.values():
            if services is not self.primary:
                await services.close()

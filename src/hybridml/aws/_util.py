"""Small helpers shared by the service modules (time conversion, chunking, bounded gather)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def from_epoch_ms(value: Any) -> datetime | None:
    if value in (None, 0, ""):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromtimestamp(int(value) / 1000.0, tz=UTC)


def as_utc(value: Any) -> datetime | None:
    """botocore parses timestamp shapes to datetimes already; normalise naive ones."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return from_epoch_ms(value)


def chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


async def bounded_gather(limit: int, func: Callable[[T], Awaitable[R]], items: Iterable[T]) -> list[R]:
    """Run `func` over items with at most `limit` in flight; results in input order.

    The first failure cancels the rest and is raised.
    """
    semaphore = asyncio.Semaphore(limit)

    async def one(item: T) -> R:
        async with semaphore:
            return await func(item)

    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(one(item)) for item in items]
    except BaseExceptionGroup as grouped:  # surface the first real error, not the group
        raise grouped.exceptions[0] from None
    return [task.result() for task in tasks]


def pairs(mapping: dict[str, Any] | None) -> tuple[tuple[str, str], ...]:
    return tuple((str(k), str(v)) for k, v in (mapping or {}).items())


def name_value_pairs(items: list[dict[str, Any]] | None) -> tuple[tuple[str, str], ...]:
    return tuple((str(i.get("name", "")), str(i.get("value", ""))) for i in (items or []))

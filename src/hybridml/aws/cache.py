"""One read cache keyed by request: each consumer says how fresh it needs the answer.

The views refresh what they show; the watches, triage and the queues' counts read the same things less often.
Instead of each sweeping on its own, every read goes through `ReadCache.get(key, max_age_s, fetch)`: an answer
younger than `max_age_s` is reused, and concurrent askers of the same key share one call. A mutation calls
`invalidate()` so what changed is read again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class ReadCache:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._answers: dict[Hashable, tuple[float, Any]] = {}
        self._inflight: dict[Hashable, asyncio.Future[Any]] = {}
        self.hits = 0
        self.misses = 0

    async def get(self, key: Hashable, max_age_s: float, fetch: Callable[[], Awaitable[T]]) -> T:
        """The cached answer if it is younger than `max_age_s`, else one shared call to `fetch`."""
        found = self._answers.get(key)
        if found is not None and self._clock() - found[0] <= max_age_s:
            self.hits += 1
            return found[1]  # type: ignore[no-any-return]
        running = self._inflight.get(key)
        if running is None:
            self.misses += 1
            started = self._clock()
            running = asyncio.ensure_future(fetch())
            self._inflight[key] = running

            def done(task: asyncio.Future[Any]) -> None:
                if self._inflight.get(key) is task:
                    del self._inflight[key]
                if not task.cancelled() and task.exception() is None:
                    self._answers[key] = (started, task.result())

            running.add_done_callback(done)
        return await asyncio.shield(running)  # type: ignore[no-any-return]

    def age(self, key: Hashable) -> float | None:
        found = self._answers.get(key)
        return None if found is None else self._clock() - found[0]

    def invalidate(self) -> None:
        self._answers.clear()

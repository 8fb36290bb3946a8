"""When the active view refreshes: the API budget's cadence (`aws/budget.py`), checked by a quick timer.

A refresh is scheduled when the active view finishes a load (its cost and whether rows changed set the delay);
it stays due while a detail screen covers the view, and a view shown again with old rows refreshes at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from hybridml.aws.budget import ApiBudget, Cadence

CHECK_S = 0.25  # how often the timer looks whether a refresh is due


class RefreshSchedule:
    def __init__(self, interval_s: float, budget: ApiBudget, clock: Callable[[], float] = time.monotonic) -> None:
        self.cadence = Cadence(interval_s, budget, clock)
        self._clock = clock
        self.next_at: float | None = None  # when the active view refreshes next (None: after its current load)

    def loaded(self, view: Any) -> None:
        """The active view finished a load (or failed): the next one comes after the cadence's delay."""
        self.next_at = self._clock() + self.cadence.next_delay(view.load_cost, view.load_changed)

    def shown(self, view: Any) -> None:
        """A view was shown again: refresh it now when its rows are older than the interval."""
        if view.loaded_at is None or self._clock() - view.loaded_at >= self.cadence.interval_s:
            self.next_at = self._clock()

    def due(self, view: Any | None, covered: bool) -> bool:
        """Whether to refresh `view` now (then the schedule waits for that load to finish)."""
        if self.next_at is None or self._clock() < self.next_at or view is None or covered:
            return False
        if view.loading_since is not None:
            return False
        self.next_at = None
        return True

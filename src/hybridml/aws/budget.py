"""The API budget: how many requests a minute the automatic refreshes may send, and when to refresh next.

AWS Batch allows 50 requests a second per account for its API, shared with everything else on the account
(pipelines, other consoles); SageMaker and CloudWatch have their own limits. A console left open all day must
take little of that. `[aws] max_calls_per_min` (default 300) caps what the automatic refreshes send in any
60 s window; a throttling answer halves the cap, which then recovers over `RECOVER_S`.

`Cadence` decides the delay to the next refresh of the active view: the configured interval while rows
change, stretching (x1.5 per quiet refresh, up to `IDLE_FACTOR` x) while nothing does, `FAST_S` for a while
after a mutation (what was just done shows up quickly), and never faster than the budget allows given what
the last refresh cost. Pure: clocks are injected.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

RECOVER_S = 120.0  # a throttled budget is back to full after this long without throttling
THROTTLE_HOLD_S = 10.0  # throttling answers this close together (one sweep's burst) cut the budget once
MIN_FACTOR = 0.125  # throttling never cuts the budget below this share
IDLE_FACTOR = 4.0  # while nothing changes, refreshes slow down to this many times the interval
IDLE_STEP = 1.5
FAST_S = 1.0  # refresh interval right after a mutation
FAST_FOR_S = 15.0
VIEW_SHARE = 0.6  # the active view may use this share of the budget (the rest: watches, actions, logs)


class RequestWindow:
    """Requests sent in the last 60 s (every attempt, as AWS counts them)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._sent: deque[float] = deque()
        self.total = 0

    def record(self) -> None:
        self.total += 1
        self._sent.append(self._clock())

    def last_minute(self) -> int:
        now = self._clock()
        while self._sent and now - self._sent[0] > 60.0:
            self._sent.popleft()
        return len(self._sent)

    def seconds_until_room(self, room_for: int, limit: int) -> float:
        """How long until at most `limit - room_for` requests remain in the window."""
        used = self.last_minute()
        excess = used + room_for - limit
        if excess <= 0:
            return 0.0
        if excess > used:
            return 60.0
        return max(0.0, 60.0 - (self._clock() - self._sent[excess - 1]))


class ApiBudget:
    def __init__(self, per_min: int, window: RequestWindow, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_min = per_min
        self.window = window
        self._clock = clock
        self._cut_to = 1.0  # the share of the budget left by the last throttling
        self._cut_at: float | None = None
        self.throttles = 0
        self.mutated_at: float | None = None  # when something was last changed from here

    def factor(self) -> float:
        """1.0, or less after throttling (recovering linearly to 1.0 over RECOVER_S)."""
        if self._cut_at is None:
            return 1.0
        recovered = (self._clock() - self._cut_at) / RECOVER_S
        if recovered >= 1.0:
            self._cut_at = None
            return 1.0
        return self._cut_to + (1.0 - self._cut_to) * recovered

    @property
    def limit(self) -> int:
        return max(1, round(self.per_min * self.factor()))

    def throttled(self) -> None:
        """AWS answered with a throttling error: halve what the budget is now (once per THROTTLE_HOLD_S: the
        answers of one burst of requests say the same thing)."""
        self.throttles += 1
        if self._cut_at is not None and self._clock() - self._cut_at < THROTTLE_HOLD_S:
            return
        self._cut_to = max(MIN_FACTOR, self.factor() / 2)
        self._cut_at = self._clock()

    def used(self) -> int:
        return self.window.last_minute()

    def mutated(self) -> None:
        """A mutation was sent: the next refreshes come quickly (Cadence), so its effect shows."""
        self.mutated_at = self._clock()


class Cadence:
    """When the active view refreshes next."""

    def __init__(self, interval_s: float, budget: ApiBudget, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval_s = interval_s
        self.budget = budget
        self._clock = clock
        self._quiet = 0  # refreshes in a row that changed nothing
        self.delay_s = interval_s  # the last delay chosen

    def next_delay(self, cost: int, changed: bool) -> float:
        """Seconds to the next refresh, given the requests the last one sent and whether rows changed."""
        if changed:
            self._quiet = 0
        else:
            self._quiet += 1
        mutated = self.budget.mutated_at
        if mutated is not None and self._clock() - mutated < FAST_FOR_S:
            self._quiet = 0
            delay = min(self.interval_s, FAST_S)
        else:
            delay = min(self.interval_s * IDLE_STEP**self._quiet, self.interval_s * IDLE_FACTOR)
        limit = self.budget.limit
        if cost > 0:  # at this cost, refreshing every `delay` must fit the view's share of the budget
            delay = max(delay, cost * 60.0 / (limit * VIEW_SHARE))
        delay = max(delay, self.budget.window.seconds_until_room(cost, limit))
        self.delay_s = delay
        return delay

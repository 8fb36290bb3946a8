"""The API budget and the refresh cadence, on an injected clock (no waiting)."""

from __future__ import annotations

import pytest

from hybridml.aws import budget as b
from hybridml.aws.budget import ApiBudget, Cadence, RequestWindow


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_the_window_counts_the_last_minute(clock: Clock) -> None:
    window = RequestWindow(clock)
    for _ in range(10):
        window.record()
        clock.now += 5
    assert window.last_minute() == 10
    clock.now += 30  # the first four are now older than 60 s
    assert window.last_minute() == 6
    assert window.seconds_until_room(room_for=2, limit=6) == pytest.approx(5.0)


def test_throttling_halves_the_budget_which_then_recovers(clock: Clock) -> None:
    budget = ApiBudget(300, RequestWindow(clock), clock)
    budget.throttled()
    budget.throttled()  # the same burst: one cut
    assert budget.limit == 150
    clock.now += b.THROTTLE_HOLD_S
    budget.throttled()
    assert budget.limit == round(300 * (0.5 + 0.5 * b.THROTTLE_HOLD_S / b.RECOVER_S) / 2)  # half of what it was
    cut = budget.limit
    clock.now += b.RECOVER_S / 2
    assert cut < budget.limit < 300  # recovering
    clock.now += b.RECOVER_S
    assert budget.limit == 300
    for _ in range(10):
        clock.now += b.THROTTLE_HOLD_S
        budget.throttled()
    assert budget.limit <= round(300 * b.MIN_FACTOR * 1.5)


def test_quiet_refreshes_slow_down_and_a_change_restores_the_interval(clock: Clock) -> None:
    cadence = Cadence(5.0, ApiBudget(300, RequestWindow(clock), clock), clock)
    delays = [cadence.next_delay(cost=12, changed=False) for _ in range(6)]
    assert delays[0] == pytest.approx(7.5) and delays == sorted(delays) and delays[-1] == pytest.approx(20.0)
    assert cadence.next_delay(cost=12, changed=True) == pytest.approx(5.0)


def test_a_mutation_makes_the_next_refreshes_fast(clock: Clock) -> None:
    budget = ApiBudget(300, RequestWindow(clock), clock)
    cadence = Cadence(5.0, budget, clock)
    budget.mutated()
    assert cadence.next_delay(cost=3, changed=False) == pytest.approx(b.FAST_S)
    clock.now += b.FAST_FOR_S + 1
    assert cadence.next_delay(cost=3, changed=True) == pytest.approx(5.0)


def test_an_expensive_refresh_is_spaced_to_fit_the_budget(clock: Clock) -> None:
    cadence = Cadence(5.0, ApiBudget(300, RequestWindow(clock), clock), clock)
    assert cadence.next_delay(cost=100, changed=True) == pytest.approx(100 * 60 / (300 * b.VIEW_SHARE))


def test_a_full_window_waits_for_room(clock: Clock) -> None:
    window = RequestWindow(clock)
    budget = ApiBudget(100, window, clock)
    for _ in range(100):
        window.record()
    clock.now += 30
    cadence = Cadence(5.0, budget, clock)
    assert cadence.next_delay(cost=1, changed=True) == pytest.approx(30.0)

"""The refresh schedule of the active view, on an injected clock (no Textual, no waiting)."""

from __future__ import annotations

from types import SimpleNamespace

from hybridml.aws.budget import ApiBudget, RequestWindow
from hybridml.tui.refresh import RefreshSchedule


class Clock:
    now = 500.0

    def __call__(self) -> float:
        return self.now


def test_a_refresh_comes_after_the_cadence_and_waits_for_a_covered_view() -> None:
    clock = Clock()
    schedule = RefreshSchedule(5.0, ApiBudget(300, RequestWindow(clock), clock), clock)
    view = SimpleNamespace(load_cost=12, load_changed=True, loaded_at=clock.now, loading_since=None)
    assert not schedule.due(view, covered=False)  # nothing scheduled before a load finished
    schedule.loaded(view)
    clock.now += 4.9
    assert not schedule.due(view, covered=False)
    clock.now += 0.2
    assert not schedule.due(view, covered=True)  # a detail screen covers it: stays due
    view.loading_since = clock.now
    assert not schedule.due(view, covered=False)  # a load is already running
    view.loading_since = None
    assert schedule.due(view, covered=False)
    assert not schedule.due(view, covered=False)  # once: the next comes after this load


def test_a_view_shown_again_with_old_rows_refreshes_now() -> None:
    clock = Clock()
    schedule = RefreshSchedule(5.0, ApiBudget(300, RequestWindow(clock), clock), clock)
    fresh = SimpleNamespace(loaded_at=clock.now - 1, loading_since=None)
    schedule.shown(fresh)
    assert not schedule.due(fresh, covered=False)
    old = SimpleNamespace(loaded_at=clock.now - 60, loading_since=None)
    schedule.shown(old)
    assert schedule.due(old, covered=False)

"""Keys are handled one at a time, in the order they were typed, and never by a screen that was not showing yet.

Textual hands a key to the focused widget's queue and goes on with the next key at once; the key comes back to
the app (where bindings run) only after it has bubbled up through the widget's parents. Typed fast (one input
chunk: `e⏎`, `:ce⏎:queues⏎`), a second key could be dispatched before the first had opened its dialog or moved
the focus, and act on whatever had the focus then. The gate in front of the app's key handling:

* lets one key in at a time: the next waits until the current one has been handled (stopped by a widget, or
  back at the app and its bindings run);
* holds every key while the focus is being placed (a view switch, the command bar closing, a flow opening its
  first dialog) and replays them, in typing order, once it is;
* drops a key that was typed before the dialog in front was opened (`KeyGuard.opened_at`), and holds one typed
  while it is appearing until it has its focus and safe default (`KeyGuard.ready_at`).

A watchdog releases a key or a hold that something forgot (a widget removed mid-key): never stuck.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Protocol, cast

from textual import events, on
from textual._time import get_time
from textual.dom import DOMNode

if TYPE_CHECKING:
    from textual.app import App

KEY_LIMIT_S = 5.0  # a key not finished by then is let go (a fallback: keys normally finish in milliseconds)
HOLD_LIMIT_S = 10.0  # keys are held at most this long (then they go to whatever has the focus)


class GatedApp(Protocol):
    key_gate: KeyGate


class GatedKey(events.Key):
    """A key admitted by the gate; tells the gate when a widget stops it (it then never reaches the app)."""

    __slots__ = ("gate",)

    def __init__(self, key: str, character: str | None, gate: KeyGate, typed_at: float) -> None:
        super().__init__(key, character)
        self.time = typed_at
        self.gate = gate
        # Like a key from the driver, it has no sender: Textual stops a message at its sender's child, which
        # would read here as "handled" although it still bubbles to the app's bindings.
        self._sender = None

    def stop(self, stop: bool = True) -> GatedKey:
        super().stop(stop)
        if stop:
            self.gate.finished(self)
        return self


GatedKey.handler_name = "on_key"  # handled exactly as a Key


class KeyGuard(DOMNode):
    """Mixin for dialogs and forms (placed before the Screen class): keys typed before the screen was opened are
    dropped by the gate; keys typed while it appears wait until `ready_at` (its focus is placed and it has been
    painted). Subclasses focus their safe default with AUTO_FOCUS or in `on_mount`."""

    ready_at: float | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.opened_at = get_time()  # created just before it is pushed

    def _guard_mount(self) -> None:
        self.ready_at = None
        self.call_after_refresh(self._guard_ready)

    def _guard_ready(self) -> None:
        self.ready_at = get_time()
        cast("GatedApp", self.app).key_gate.release("flow", "dialog")

    def typed_before_opened(self, event: events.Key) -> bool:
        return event.time < self.opened_at

    @on(events.Mount)
    def _guard_on_mount(self) -> None:
        self._guard_mount()


class KeyGate:
    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.held: list[GatedKey] = []
        self.in_flight: GatedKey | None = None
        self.in_flight_since = 0.0
        self.holds: dict[str, float] = {}  # reason -> since (monotonic)
        self.dropped = 0  # keys typed before a dialog showed (tests)

    def admit(self, event: events.Key) -> GatedKey | None:
        """The key to dispatch now, or None when it is held for later."""
        key = event if isinstance(event, GatedKey) else GatedKey(event.key, event.character, self, event.time)
        if self.in_flight is not None or self.holds:
            self.held.append(key)
            return None
        self.in_flight, self.in_flight_since = key, time.monotonic()
        return key

    def drop(self, key: GatedKey) -> None:
        """A key typed before the screen in front was opened: it never acts."""
        self.dropped += 1
        self.finished(key)

    def defer(self, key: GatedKey, reason: str) -> None:
        """Put `key` back, first in line, until `release(reason)`."""
        self.hold(reason)
        self.held.append(key)
        if key is self.in_flight:
            self.in_flight = None

    def finished(self, key: events.Key) -> None:
        if key is self.in_flight:
            self.in_flight = None
            self._next_later()

    def hold(self, reason: str) -> None:
        """Hold every key until `release(reason)` (the focus is moving)."""
        self.holds.setdefault(reason, time.monotonic())

    def release(self, *reasons: str) -> None:
        for reason in reasons:
            self.holds.pop(reason, None)
        self._next_later()

    def _next_later(self) -> None:
        # After what is already queued (a focus change asked for just before the release runs first).
        self.app.call_later(self._next)

    def _next(self) -> None:
        if self.in_flight is not None or self.holds or not self.held:
            return
        self.held.sort(key=lambda k: k.time)  # typing order, however the keys came back to the gate
        self.app.post_message(self.held.pop(0))

    def watchdog(self) -> None:
        """Let go of a key or a hold that has lasted too long (something forgot to finish it)."""
        now = time.monotonic()
        stale = [reason for reason, since in self.holds.items() if now - since > HOLD_LIMIT_S]
        if self.in_flight is not None and now - self.in_flight_since > KEY_LIMIT_S:
            self.in_flight = None
            stale.append("")
        if stale:
            self.release(*stale)

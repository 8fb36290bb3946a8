"""Fault rules and the call log of the fault proxy (see ``hybridml.fleet.faultproxy``)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Literal, NamedTuple, get_args

Outcome = Literal["forwarded", "throttled", "error", "reset", "blackout", "denied"]
OUTCOMES: frozenset[str] = frozenset(get_args(Outcome))


@dataclass(frozen=True, slots=True)
class FaultRules:
    """What the proxy does to targeted requests. The default forwards everything untouched.

    The three rates are fractions of targeted calls, drawn from ``random.Random(seed)``
    (one draw per targeted call, reseeded by every ``set_rules``); they must sum to <= 1.
    ``blackout_s`` (from ``set_rules`` on) or ``blackout_until`` (a ``time.time()`` value)
    holds targeted requests open without an answer; when the blackout ends, requests whose
    client is still waiting are forwarded late (those that gave up never go upstream).
    ``fault_when_forwarded`` makes resets and 5xx happen *after* the request went upstream
    (the work was done, the client never heard). ``hard_reset`` sends a TCP RST, not a FIN.
    ``access_denied`` names services ("sagemaker") or single operations ("sagemaker:ListPipelines").
    """

    latency_s: float = 0.0
    error_rate: float = 0.0
    throttle_rate: float = 0.0
    reset_rate: float = 0.0
    blackout_s: float = 0.0
    blackout_until: float | None = None
    services: AbstractSet[str] | None = None
    operations: AbstractSet[str] | None = None
    access_denied: AbstractSet[str] = field(default_factory=frozenset)
    fault_when_forwarded: bool = False
    hard_reset: bool = False
    error_statuses: tuple[int, ...] = (500, 503)
    seed: int | None = 0

    def __post_init__(self) -> None:
        for name in ("services", "operations"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, frozenset(value))
        object.__setattr__(self, "access_denied", frozenset(self.access_denied))
        rates = (self.error_rate, self.throttle_rate, self.reset_rate)
        if any(not 0.0 <= rate <= 1.0 for rate in rates) or sum(rates) > 1.0 + 1e-9:
            raise ValueError(f"fault rates must be in [0, 1] and sum to <= 1, got {rates}")
        if self.latency_s < 0 or self.blackout_s < 0:
            raise ValueError("latency_s and blackout_s must be >= 0")
        if not self.error_statuses or any(not 500 <= s <= 599 for s in self.error_statuses):
            raise ValueError(f"error_statuses must be 5xx codes, got {self.error_statuses}")

    def targets(self, service: str | None, operation: str | None) -> bool:
        """Whether faults (other than ``access_denied``) apply to this call."""
        if self.services is not None and service not in self.services:
            return False
        return self.operations is None or operation in self.operations


class CallRecord(NamedTuple):
    """One request seen by the proxy; ``upstream`` says whether it was sent upstream."""

    service: str | None
    operation: str | None
    outcome: Outcome
    upstream: bool


class CallLog:
    """Thread-safe, append-only record of the calls the proxy handled."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[CallRecord] = []

    def add(self, record: CallRecord) -> int:
        with self._lock:
            self._records.append(record)
            return len(self._records) - 1

    def mark_upstream(self, index: int) -> None:
        """Note that the call at ``index`` (from ``add``) went upstream after all."""
        with self._lock:
            if index < len(self._records):  # reset() may have emptied the log meanwhile
                self._records[index] = self._records[index]._replace(upstream=True)

    def snapshot(self) -> list[CallRecord]:
        with self._lock:
            return list(self._records)

    def count(
        self,
        operation: str | None = None,
        service: str | None = None,
        outcome: Outcome | None = None,
        *,
        upstream: bool | None = None,
    ) -> int:
        """Calls matching every filter given (``None`` matches anything)."""
        if outcome is not None and outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}; expected one of {sorted(OUTCOMES)}")
        return sum(
            1
            for r in self.snapshot()
            if (operation is None or r.operation == operation)
            and (service is None or r.service == service)
            and (outcome is None or r.outcome == outcome)
            and (upstream is None or r.upstream == upstream)
        )

    def reset(self) -> None:
        with self._lock:
            self._records.clear()

    def __iter__(self) -> Iterator[CallRecord]:
        return iter(self.snapshot())

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)

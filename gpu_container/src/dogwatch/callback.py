"""POST the report to the callback URL: JSON body, bounded retries with exponential backoff.

Retried: connection errors, timeouts, HTTP 408, 429 and 5xx. Any other HTTP error is final.
Worst case wall time: retries * timeout_s + the sum of the backoff delays (each capped).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from dogwatch.download import USER_AGENT, redact_url
from dogwatch.errors import CallbackError

RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class CallbackPolicy:
    attempts: int = 5
    timeout_s: float = 10.0
    backoff_s: float = 1.0  # delay after the first failure; doubles each time
    max_backoff_s: float = 30.0

    def delay(self, failure: int) -> float:
        """Delay after the `failure`-th failed attempt (1-based)."""
        return float(min(self.max_backoff_s, self.backoff_s * 2 ** (failure - 1)))


@dataclass(frozen=True)
class CallbackResult:
    status: int
    attempts: int


def post_json(
    url: str,
    payload: Mapping[str, Any],
    policy: CallbackPolicy = CallbackPolicy(),
    *,
    on_retry: Callable[[int, str, float], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> CallbackResult:
    """POST `payload` as JSON; raise CallbackError when every attempt failed.

    `on_retry(attempt, reason, delay_s)` is called before each backoff delay.
    """
    body = json.dumps(payload, allow_nan=False).encode()
    shown = redact_url(url)
    attempts = max(1, policy.attempts)
    reason = "no attempt made"
    for attempt in range(1, attempts + 1):
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "User-Agent": USER_AGENT},
        )
        try:
            with urllib.request.urlopen(request, timeout=policy.timeout_s) as response:
                response.read(64 * 1024)  # drain a little so keep-alive servers are happy
                return CallbackResult(status=response.status, attempts=attempt)
        except urllib.error.HTTPError as exc:
            reason = f"HTTP {exc.code} {exc.reason}"
            if exc.code not in RETRYABLE_STATUS:
                raise CallbackError(f"callback {shown} refused the report: {reason}") from exc
        except urllib.error.URLError as exc:
            reason = f"{exc.reason}"
        except TimeoutError:
            reason = f"timed out after {policy.timeout_s:g} s"
        except OSError as exc:
            reason = str(exc) or type(exc).__name__
        if attempt < attempts:
            delay = policy.delay(attempt)
            if on_retry is not None:
                on_retry(attempt, reason, delay)
            sleep(delay)
    raise CallbackError(f"callback {shown} failed after {attempts} attempt(s): {reason}")

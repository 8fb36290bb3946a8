"""POST the report to the callback URL: JSON body, bounded retries with exponential backoff.

Retried: connection errors, timeouts, HTTP 408, 429 and 5xx. Any other HTTP error is final, and
so is a redirect (never followed: the report goes to the checked address or nowhere). The URL
passes the same address policy as the video (netsafe), re-resolved and re-checked per attempt.
Worst case wall time: retries * timeout_s + the sum of the backoff delays (each capped).
"""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from dogwatch.download import USER_AGENT, status_text
from dogwatch.errors import BadArgumentError, CallbackError
from dogwatch.netsafe import BlockedAddressError, Deadline, UrlPolicy, redact_url, request

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
    url_policy: UrlPolicy | None = None,
) -> CallbackResult:
    """POST `payload` as JSON; raise CallbackError when every attempt failed.

    `on_retry(attempt, reason, delay_s)` is called before each backoff delay.
    """
    url_policy = url_policy or UrlPolicy()
    body = json.dumps(payload, allow_nan=False).encode()
    shown = redact_url(url)
    attempts = max(1, policy.attempts)
    reason = "no attempt made"
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
    for attempt in range(1, attempts + 1):
        try:
            exchange = request(
                url,
                url_policy,
                Deadline(policy.timeout_s),
                method="POST",
                body=body,
                headers=headers,
                socket_timeout_s=policy.timeout_s,
            )
            with exchange:
                exchange.response.read(64 * 1024)  # drain a little so keep-alive servers are happy
                status = exchange.status
            if status < 300:
                return CallbackResult(status=status, attempts=attempt)
            reason = f"HTTP {status_text(status)}"
            if 300 <= status < 400:
                raise CallbackError(f"callback {shown} answered {reason}; redirects are not followed")
            if status not in RETRYABLE_STATUS:
                raise CallbackError(f"callback {shown} refused the report: {reason}")
        except (BlockedAddressError, BadArgumentError) as exc:
            raise CallbackError(f"callback {shown}: {exc.message}") from exc
        except TimeoutError:
            reason = f"timed out after {policy.timeout_s:g} s"
        except (OSError, http.client.HTTPException) as exc:
            reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        if attempt < attempts:
            delay = policy.delay(attempt)
            if on_retry is not None:
                on_retry(attempt, reason, delay)
            sleep(delay)
    raise CallbackError(f"callback {shown} failed after {attempts} attempt(s): {reason}")

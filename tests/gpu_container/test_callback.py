"""post_json(): retries with exponential backoff, bounded, and which failures are final."""

from __future__ import annotations

from typing import Any

import pytest
from dogwatch.callback import CallbackPolicy, post_json
from dogwatch.errors import CallbackError
from dogwatch.netsafe import UrlPolicy

from .servers import CallbackServer, FileServer, Route

REPORT = {"schema": "dogwatch.report/v1", "status": "ok"}
LOCAL = UrlPolicy(allow_private=True)  # the receivers listen on loopback


class Sleeps(list[float]):
    """Records backoff delays instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def test_posts_json(callback: Any) -> None:
    result = post_json(callback.url("/done"), REPORT, url_policy=LOCAL)
    assert (result.status, result.attempts) == (200, 1)
    got = callback.next_report()
    assert got == {"content_type": "application/json", "json": REPORT}


def test_retries_5xx_and_429_with_exponential_backoff() -> None:
    sleeps = Sleeps()
    retried: list[tuple[int, str, float]] = []
    policy = CallbackPolicy(attempts=5, backoff_s=0.5, max_backoff_s=1.5)
    with CallbackServer(statuses=[503, 429, 500]) as server:
        result = post_json(
            server.url("/"), REPORT, policy, sleep=sleeps, on_retry=lambda *a: retried.append(a), url_policy=LOCAL
        )
        assert server.next_report()["json"] == REPORT
    assert (result.status, result.attempts) == (200, 4)
    assert sleeps == [0.5, 1.0, 1.5]  # doubled, capped
    assert [r[1] for r in retried] == [
        "HTTP 503 Service Unavailable",
        "HTTP 429 Too Many Requests",
        "HTTP 500 Internal Server Error",
    ]


def test_gives_up_after_the_attempt_budget() -> None:
    sleeps = Sleeps()
    with CallbackServer(default_status=502) as server:
        with pytest.raises(CallbackError, match=r"failed after 3 attempt\(s\): HTTP 502"):
            post_json(
                server.url("/"), REPORT, CallbackPolicy(attempts=3, backoff_s=0.01), sleep=sleeps, url_policy=LOCAL
            )
        assert server.attempts == 3
    assert sleeps == [0.01, 0.02]


def test_client_error_is_not_retried() -> None:
    sleeps = Sleeps()
    with CallbackServer(default_status=400) as server:
        with pytest.raises(CallbackError, match="refused the report: HTTP 400"):
            post_json(server.url("/"), REPORT, CallbackPolicy(attempts=5), sleep=sleeps, url_policy=LOCAL)
        assert server.attempts == 1
    assert sleeps == []


def test_connection_refused_is_retried_then_fails(closed_port_url: str) -> None:
    sleeps = Sleeps()
    with pytest.raises(CallbackError, match=r"failed after 4 attempt\(s\)"):
        post_json(closed_port_url, REPORT, CallbackPolicy(attempts=4, backoff_s=0.1), sleep=sleeps, url_policy=LOCAL)
    assert sleeps == [0.1, 0.2, 0.4]


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/cb", "http://169.254.169.254/latest/api/token", "http://10.0.0.1/cb"]
)
def test_private_callback_addresses_are_refused_without_an_attempt(url: str) -> None:
    sleeps = Sleeps()
    with pytest.raises(CallbackError, match="refused \\(pass --allow-private-urls"):
        post_json(url, REPORT, CallbackPolicy(attempts=3), sleep=sleeps)
    assert sleeps == []


def test_redirects_are_not_followed() -> None:
    with CallbackServer() as target, FileServer() as redirector:
        redirector.routes["/cb"] = Route(status=307, headers={"Location": target.url("/stolen")})
        with pytest.raises(CallbackError, match="answered HTTP 307 Temporary Redirect; redirects are not followed"):
            post_json(redirector.url("/cb"), REPORT, CallbackPolicy(attempts=3), sleep=Sleeps(), url_policy=LOCAL)
        assert target.attempts == 0

"""The URL policy for what the YOLO container fetches and reports to (launch/urls.py)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from hybridml.launch.urls import UrlRefused, check_url, target, why_private

PUBLIC = "93.184.215.14"


class Resolver:
    """A DNS stand-in that records every lookup."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.calls: list[str] = []

    async def __call__(self, host: str, port: int) -> Sequence[str]:
        self.calls.append(host)
        return self.table.get(host, [])


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "http:// or https://"),
        ("ftp://example.com/v.mp4", "http:// or https://"),
        ("gopher://x/", "http:// or https://"),
        ("http:///nohost", "no host"),
        ("http://user:pw@example.com/v.mp4", "user:password@"),
        ("http://example.com:99999/v.mp4", "not a valid URL"),
    ],
)
def test_shape_problems_are_refused_before_any_lookup(url: str, reason: str) -> None:
    with pytest.raises(UrlRefused, match=reason.replace("+", r"\+")):
        target(url, "the video URL")


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.9", "private"),
        ("fd12::1", "private"),
        ("169.254.10.10", "link-local"),
        ("fe80::1%eth0", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("100.64.0.1", "not a public"),
        ("::ffff:127.0.0.1", "loopback"),
        ("169.254.169.254", "metadata"),
        ("fd00:ec2::254", "metadata"),
    ],
)
def test_non_public_addresses_are_named(address: str, kind: str) -> None:
    assert kind in why_private(address)


def test_public_addresses_pass() -> None:
    assert why_private(PUBLIC) == ""
    assert why_private("2606:4700:4700::1111") == ""


async def test_metadata_is_refused_even_when_private_urls_are_allowed() -> None:
    with pytest.raises(UrlRefused, match="never allowed"):
        await check_url("http://169.254.169.254/latest/meta-data/", "the callback URL", allow_private=True)


async def test_private_hosts_need_the_flag_and_the_host_is_resolved_once() -> None:
    resolve = Resolver({"internal.corp": ["10.0.0.5"], "cdn.example": [PUBLIC], "mixed.example": [PUBLIC, "127.0.0.1"]})
    with pytest.raises(UrlRefused, match=r"private address.*--allow-private-urls"):
        await check_url("https://internal.corp/v.mp4", "the video URL", allow_private=False, resolve=resolve)
    assert await check_url("https://internal.corp/v.mp4", "v", allow_private=True, resolve=resolve)
    assert await check_url("https://cdn.example/v.mp4", "v", allow_private=False, resolve=resolve)
    with pytest.raises(UrlRefused, match="loopback"):  # one bad address among good ones is enough
        await check_url("http://mixed.example/", "v", allow_private=False, resolve=resolve)
    assert resolve.calls == ["internal.corp", "internal.corp", "cdn.example", "mixed.example"]


async def test_literal_addresses_are_not_resolved_and_unknown_hosts_are_refused() -> None:
    resolve = Resolver({})
    with pytest.raises(UrlRefused, match="loopback"):
        await check_url("http://127.0.0.1:8000/v.mp4", "v", allow_private=False, resolve=resolve)
    with pytest.raises(UrlRefused, match="does not resolve"):
        await check_url("http://no-such-host.invalid/v.mp4", "v", allow_private=False, resolve=resolve)
    assert resolve.calls == ["no-such-host.invalid"]
    # only resolvable inside a VPC: allowed when private URLs are
    assert await check_url("http://no-such-host.invalid/v", "v", allow_private=True, resolve=resolve)

"""Which URLs the YOLO container may be told to fetch (`--video_url`) and to report to (`--callback_url`).

The container fetches the video and POSTs its report from wherever it runs (a Batch instance in a VPC, or this
machine), so a URL a person typed must not turn it into a probe of that network: `file:///etc/passwd`,
`http://169.254.169.254/latest/meta-data/...` (instance credentials) or `http://10.0.0.5:8080/admin`.

The policy, one place for the TUI's launch form and `hybridml yolo run`:

- only `http` and `https`, with a host, a valid port and no `user:password@` (it would be stored in the job's
  parameters and printed in its describe output);
- the host is resolved once, here; every address it resolves to must be public. Loopback, private (RFC 1918,
  ULA), link-local, CGNAT, multicast, reserved and unspecified addresses are refused unless `allow_private`
  (`--allow-private-urls`, `[launch] allow_private_urls`; the demo sets it: its videos are served on loopback);
- cloud metadata endpoints (169.254.169.254, fd00:ec2::254, 169.254.170.2) are refused even then.

The container (`gpu_container/`, a separate program) applies the same policy again where it runs.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence
from urllib.parse import urlsplit

SCHEMES = ("http", "https")
METADATA = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "169.254.170.2", "169.254.170.23")
)

Resolver = Callable[[str, int], Awaitable[Sequence[str]]]  # (host, port) -> addresses


class UrlRefused(ValueError):
    """A URL the container must not be given; the message says which and why."""


def target(url: str, what: str) -> tuple[str, int]:
    """(host, port) of an acceptable-looking URL; UrlRefused for a scheme, host, port or userinfo problem."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise UrlRefused(f"{what} {url!r} is not a valid URL ({exc})") from None
    if parts.scheme.lower() not in SCHEMES:
        raise UrlRefused(f"{what} must be an http:// or https:// URL (got {parts.scheme or 'no'} scheme)")
    if not parts.hostname:
        raise UrlRefused(f"{what} {url!r} has no host")
    if parts.username is not None or parts.password is not None:
        raise UrlRefused(f"{what} must not carry user:password@ (it would be stored in the job's parameters)")
    return parts.hostname, port or (443 if parts.scheme.lower() == "https" else 80)


def why_private(address: str) -> str:
    """'' for a public address; else what kind of address it is."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip in METADATA:
        return "a cloud metadata endpoint"
    for kind, test in (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("unspecified", ip.is_unspecified),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
    ):
        if test:
            return f"a {kind} address"
    return "" if ip.is_global else "not a public address"


def verdict(url: str, what: str, host: str, addresses: Sequence[str], *, allow_private: bool) -> None:
    """Raise UrlRefused unless every address `host` resolved to may be used."""
    if not addresses:
        raise UrlRefused(f"{what}: host {host!r} does not resolve")
    for address in addresses:
        why = why_private(address)
        if why == "a cloud metadata endpoint":
            raise UrlRefused(f"{what} {url!r} points at {address}, {why}: never allowed")
        if why and not allow_private:
            raise UrlRefused(f"{what} {url!r} points at {address}, {why}: refused (--allow-private-urls permits it)")


async def system_resolver(host: str, port: int) -> Sequence[str]:
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return []
    return sorted({str(info[4][0]) for info in infos})


async def check_url(url: str, what: str, *, allow_private: bool, resolve: Resolver = system_resolver) -> str:
    """The URL, unchanged, when the policy allows it (resolving its host once); UrlRefused otherwise."""
    host, port = target(url, what)
    try:
        addresses: Sequence[str] = [str(ipaddress.ip_address(host))]  # a literal address is not resolved
    except ValueError:
        addresses = await resolve(host, port)
        if not addresses and allow_private:
            return url  # resolvable only where the container runs (a VPC name): allowed only when asked
    verdict(url, what, host, addresses, allow_private=allow_private)
    return url

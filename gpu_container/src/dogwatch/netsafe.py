"""Outbound HTTP with an address policy: http(s) only, resolve once, connect to what was checked.

Every request (the video download, each redirect hop, the callback POST):
- accepts only `http://` and `https://` URLs with a host;
- resolves the host once and refuses loopback, private, link-local (169.254.169.254, the
  instance metadata service), CGNAT, multicast, reserved and other non-global addresses unless
  the policy allows private addresses (`--allow-private-urls`, set by the local/demo launches);
- connects to exactly the address it checked (no second DNS lookup an attacker could answer
  differently), sending the original host name in the Host header and as TLS SNI, with the
  certificate verified against that name;
- runs under one total deadline: a watchdog shuts the socket down when it passes, so a server
  trickling one byte a second cannot hold the job past `--timeout`.
Redirects are followed by the caller (`download`), hop by hop, each hop checked again.
Proxies from the environment are not used: a proxy would connect to an address we never saw.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from dogwatch.errors import BadArgumentError, DogwatchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]
# Metadata services that are not link-local (AWS IMDS over IPv6, Alibaba, Oracle): named in errors.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200")
)


class BlockedAddressError(DogwatchError):
    """The URL's host is (or resolves to) an address the policy refuses."""


def system_resolver(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (IPv4 and IPv6), in the resolver's order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def address_class(ip: IPAddress) -> str | None:
    """Why `ip` is refused without --allow-private-urls, or None when it is a global address."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return address_class(ip.ipv4_mapped)
    checks = (
        (ip in METADATA_ADDRESSES, "a cloud metadata address"),
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_multicast, "a multicast address"),
        (ip.is_private, "a private address"),
        (ip.is_reserved, "a reserved address"),
        (not ip.is_global, "a non-global address"),
    )
    return next((why for hit, why in checks if hit), None)


@dataclass(frozen=True)
class UrlPolicy:
    allow_private: bool = False
    resolver: Resolver = field(default=system_resolver, compare=False)

    def check_scheme(self, url: str, what: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise BadArgumentError(f"{what} must be an http:// or https:// URL with a host, got {redact_url(url)!r}")

    def resolve(self, host: str, port: int) -> str:
        """The address to connect to: `host` itself when it is an IP literal, else one lookup."""
        try:
            literal: IPAddress | None = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            literal = None
        if literal is not None:
            candidates = [literal]
        else:
            try:
                candidates = [ipaddress.ip_address(a.split("%", 1)[0]) for a in self.resolver(host, port)]
            except (OSError, UnicodeError) as exc:
                raise BlockedAddressError(f"cannot resolve {host}: {exc}") from exc
            if not candidates:
                raise BlockedAddressError(f"cannot resolve {host}: no address")
        if not self.allow_private:
            for ip in candidates:
                why = address_class(ip)
                if why is not None:
                    shown = host if literal is not None else f"{host} ({ip})"
                    raise BlockedAddressError(f"{shown} is {why}; refused (pass --allow-private-urls to allow it)")
        return str(candidates[0])


def redact_url(url: str) -> str:
    """Drop query, fragment and credentials (presigned signatures, tokens) for logs and reports."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._tls = context

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)  # SNI + hostname check


class Deadline:
    """A total time limit; `guard(conn)` shuts the connection's socket down when it passes."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.expired = threading.Event()

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def guard(self, conn: http.client.HTTPConnection) -> threading.Timer:
        def fire() -> None:
            self.expired.set()
            sock = conn.sock
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        timer = threading.Timer(max(0.0, self.remaining()), fire)
        timer.daemon = True
        timer.start()
        return timer


class Exchange:
    """One request/response on a pinned connection; a context manager that closes it."""

    def __init__(self, conn: http.client.HTTPConnection, response: http.client.HTTPResponse, timer: threading.Timer):
        self.conn, self.response, self._timer = conn, response, timer

    @property
    def status(self) -> int:
        return int(self.response.status)

    def header(self, name: str) -> str | None:
        return self.response.getheader(name)

    def __enter__(self) -> Exchange:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._timer.cancel()
        self.conn.close()


def request(
    url: str,
    policy: UrlPolicy,
    deadline: Deadline,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    socket_timeout_s: float = 30.0,
) -> Exchange:
    """Send one request to the checked address of `url` and read the status line and headers.

    Raises BadArgumentError (not http(s)), BlockedAddressError (refused address), OSError
    (connection failures; TimeoutError when the deadline or the socket timeout passed).
    """
    policy.check_scheme(url, "URL")
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = policy.resolve(host, port)
    timeout = max(0.001, min(socket_timeout_s, deadline.remaining()))
    if deadline.remaining() <= 0:
        raise TimeoutError("deadline passed")
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        conn = _PinnedHTTPS(host, port, address, timeout, ssl.create_default_context())
    else:
        conn = _PinnedHTTP(host, port, address, timeout)
    timer = deadline.guard(conn)
    try:
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        conn.request(method, target, body=body, headers=dict(headers or {}))
        response = conn.getresponse()
    except BaseException as exc:
        timer.cancel()
        conn.close()
        if deadline.expired.is_set():
            raise TimeoutError("deadline passed") from exc
        raise
    return Exchange(conn, response, timer)

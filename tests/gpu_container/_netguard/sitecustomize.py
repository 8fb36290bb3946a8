"""Loopback only: any connection or DNS lookup beyond 127.0.0.1/localhost raises OSError.

Loaded in-process by tests/gpu_container/conftest.py and, through PYTHONPATH, by every
`src/main.py` subprocess the tests start, so a download attempt (weights, fonts, assets,
telemetry) fails loudly instead of passing on a machine that happens to be online.
"""

from __future__ import annotations

import os
import socket
from typing import Any

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "", None})
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


class NetworkBlockedError(OSError):
    """Raised instead of connecting; also logged to $DOGWATCH_NETGUARD_LOG, in case a caller swallows it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        log = os.environ.get("DOGWATCH_NETGUARD_LOG")
        if log:
            with open(log, "a") as fh:
                fh.write(f"pid {os.getpid()}: {message}\n")


def _host_of(address: Any) -> Any:
    return address[0] if isinstance(address, tuple) else None


def _check(sock: socket.socket, address: Any) -> None:
    if sock.family == socket.AF_UNIX:
        return
    if _host_of(address) not in LOOPBACK:
        raise NetworkBlockedError(f"network access blocked in tests: {address!r}")


def _connect(self: socket.socket, address: Any) -> None:
    _check(self, address)
    _real_connect(self, address)


def _connect_ex(self: socket.socket, address: Any) -> int:
    _check(self, address)
    return _real_connect_ex(self, address)


def _getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if isinstance(host, bytes):
        host = host.decode()
    if host not in LOOPBACK:
        raise NetworkBlockedError(f"DNS lookup blocked in tests: {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


def install() -> None:
    socket.socket.connect = _connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _getaddrinfo


install()

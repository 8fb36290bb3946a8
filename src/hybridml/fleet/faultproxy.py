"""A fault-injecting reverse proxy in front of moto (or any AWS-compatible endpoint).

It binds 127.0.0.1 only and runs its own event loop in a daemon thread, so sync tests,
async apps and benchmarks all drive it the same way::

    with FaultProxy(moto_url) as proxy:                 # proxy.url -> endpoint_url
        proxy.set_rules(FaultRules(throttle_rate=0.5, services={"batch"}))
        ...
        assert proxy.count(operation="SubmitJob", outcome="throttled") == 1

Rules are swapped atomically at run time. Faults apply to *targeted* requests, those
whose service is in ``FaultRules.services`` and operation in ``FaultRules.operations``
(``None`` targets everything); ``access_denied`` is judged on its own. Everything else
is forwarded unchanged, Host and Authorization included, bodies streamed both ways.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import socket
import struct
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType

from aiohttp import ClientError, ClientSession, ClientTimeout, DummyCookieJar, TCPConnector, web
from multidict import CIMultiDict
from yarl import URL

from hybridml.fleet.awswire import ApiCall, FaultKind, classify, error_answer
from hybridml.fleet.faultrules import OUTCOMES, CallLog, CallRecord, FaultRules, Outcome

__all__ = ["OUTCOMES", "CallLog", "CallRecord", "FaultProxy", "FaultRules", "Outcome", "main"]

_log = logging.getLogger(__name__)
_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection"}
    | {"te", "trailer", "trailers", "transfer-encoding", "upgrade"}
)
_SKIP_AUTO_HEADERS = ("Accept", "Accept-Encoding", "User-Agent", "Content-Type")
_FORM_TYPE = "application/x-www-form-urlencoded"
_CHUNK = 64 * 1024
_HOLD_POLL_S = 0.05


@dataclass(frozen=True, slots=True)
class _Decision:
    outcome: Outcome
    latency_s: float = 0.0
    status: int = 500
    forward_first: bool = False
    hard_reset: bool = False

    @property
    def upstream(self) -> bool:
        return self.outcome == "forwarded" or self.forward_first


_FORWARD = _Decision("forwarded")


class FaultProxy:
    """Reverse proxy on ``127.0.0.1:<port>`` (0 = any free port) in front of ``upstream_url``."""

    def __init__(self, upstream_url: str, *, port: int = 0) -> None:
        self.upstream_url = upstream_url.rstrip("/")
        self.calls = CallLog()
        self._port = port
        self._url: str | None = None
        self._lock = threading.Lock()
        self._rules = FaultRules()
        self._rng = random.Random(0)
        self._blackout_until: float | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._session: ClientSession | None = None
        self._closing = False

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self._url is None:
            raise RuntimeError("FaultProxy is not started")
        return self._url

    def start(self) -> str:
        """Start serving in a daemon thread; returns (and sets) ``url``."""
        if self._thread is not None:
            raise RuntimeError("FaultProxy already started")
        self._closing = False
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="faultproxy", daemon=True)
        self._thread.start()
        try:
            port = asyncio.run_coroutine_threadsafe(self._serve(), loop).result(timeout=30)
        except BaseException:
            self._stop_loop()
            raise
        self._url = f"http://127.0.0.1:{port}"
        return self._url

    def stop(self) -> None:
        """Stop serving: held requests are dropped, in-flight ones cancelled. Idempotent."""
        if self._loop is None:
            return
        self._closing = True
        try:
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(timeout=30)
        finally:
            self._stop_loop()
            self._url = None

    def __enter__(self) -> FaultProxy:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _stop_loop(self) -> None:
        loop, thread = self._loop, self._thread
        self._loop, self._thread = None, None
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        if not thread.is_alive():
            loop.close()

    async def _serve(self) -> int:
        self._session = ClientSession(
            connector=TCPConnector(limit=0),
            timeout=ClientTimeout(total=None, sock_connect=10),
            auto_decompress=False,
            cookie_jar=DummyCookieJar(),
        )
        app = web.Application(client_max_size=1024**3)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self._port)
        await site.start()
        address = self._runner.addresses[0]
        return int(address[1])

    async def _shutdown(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    # -- rules and counters ----------------------------------------------------------------

    @property
    def rules(self) -> FaultRules:
        with self._lock:
            return self._rules

    def set_rules(self, rules: FaultRules) -> None:
        """Replace the rules; takes effect for the next request to arrive."""
        until = rules.blackout_until
        if rules.blackout_s > 0:
            until = max(until or 0.0, time.time() + rules.blackout_s)
        with self._lock:
            self._rules = rules
            self._rng = random.Random(rules.seed)
            self._blackout_until = until

    def clear(self) -> None:
        """Back to plain forwarding (also ends a blackout)."""
        self.set_rules(FaultRules())

    def count(
        self,
        operation: str | None = None,
        service: str | None = None,
        outcome: Outcome | None = None,
        *,
        upstream: bool | None = None,
    ) -> int:
        return self.calls.count(operation, service, outcome, upstream=upstream)

    def reset_counts(self) -> None:
        self.calls.reset()

    def _blackout_deadline(self) -> float | None:
        with self._lock:
            return self._blackout_until

    def _decide(self, call: ApiCall) -> _Decision:
        with self._lock:
            rules = self._rules
            denied = rules.access_denied
            if call.service is not None and (call.service in denied or f"{call.service}:{call.operation}" in denied):
                return _Decision("denied")
            if not rules.targets(call.service, call.operation):
                return _FORWARD
            if self._blackout_until is not None and time.time() < self._blackout_until:
                return _Decision("blackout")
            draw = self._rng.random()
            latency = rules.latency_s
            if draw < rules.reset_rate:
                return _Decision(
                    "reset",
                    latency,
                    forward_first=rules.fault_when_forwarded,
                    hard_reset=rules.hard_reset,
                )
            draw -= rules.reset_rate
            if draw < rules.throttle_rate:
                return _Decision("throttled", latency)
            draw -= rules.throttle_rate
            if draw < rules.error_rate:
                status = self._rng.choice(rules.error_statuses)
                return _Decision("error", latency, status=status, forward_first=rules.fault_when_forwarded)
            return _Decision("forwarded", latency)

    # -- request handling ------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body: bytes | None = None
        form: dict[str, str] = {}
        if request.content_type == _FORM_TYPE and request.body_exists:
            body = await request.read()  # query protocol: small, and it names the Action
            form = {k: str(v) for k, v in (await request.post()).items()}
        call = classify(request.method, request.path, request.headers, dict(request.query), form)
        decision = self._decide(call)
        index = self.calls.add(CallRecord(call.service, call.operation, decision.outcome, decision.upstream))

        if decision.outcome == "blackout":
            if not await self._hold():
                return self._abort(request, hard=False)
            self.calls.mark_upstream(index)
            return await self._forward(request, body)
        if decision.outcome == "denied":
            return self._error(call, "denied")
        if decision.latency_s > 0:
            await asyncio.sleep(decision.latency_s)
        if decision.outcome == "forwarded":
            return await self._forward(request, body)
        if decision.forward_first:
            await self._forward(request, body, discard=True)
        if decision.outcome == "reset":
            return self._abort(request, hard=decision.hard_reset)
        kind: FaultKind = "throttled" if decision.outcome == "throttled" else "error"
        return self._error(call, kind, decision.status)

    async def _hold(self) -> bool:
        """Wait out the blackout (False if the proxy is stopping meanwhile).

        Re-reads the deadline, so ``set_rules``/``clear`` end it early. A client that gives up
        disconnects, and aiohttp then cancels this handler: its request never goes upstream.
        """
        while not self._closing:
            deadline = self._blackout_deadline()
            remaining = (deadline or 0.0) - time.time()
            if remaining <= 0:
                return True
            await asyncio.sleep(min(remaining, _HOLD_POLL_S))
        return False

    @staticmethod
    def _error(call: ApiCall, kind: FaultKind, status: int = 500) -> web.Response:
        answer = error_answer(call, kind, status)
        return web.Response(status=answer.status, headers=answer.headers, body=answer.body)

    @staticmethod
    def _abort(request: web.Request, *, hard: bool) -> web.Response:
        """Drop the connection without an answer (RST when ``hard``, else FIN)."""
        transport = request.transport
        if transport is not None:
            if hard:
                sock = transport.get_extra_info("socket")
                if sock is not None:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            transport.abort()
        # Never reaches the client: aiohttp fails to write it to the closed transport.
        return web.Response(status=499)

    async def _forward(self, request: web.Request, body: bytes | None, *, discard: bool = False) -> web.StreamResponse:
        assert self._session is not None
        headers = CIMultiDict((k, v) for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP)
        data: object = body
        if body is None and request.body_exists:
            data = request.content  # streamed; Content-Length (if any) is kept as sent
        url = URL(self.upstream_url + request.raw_path, encoded=True)
        try:
            async with self._session.request(
                request.method,
                url,
                headers=headers,
                data=data,
                allow_redirects=False,
                skip_auto_headers=_SKIP_AUTO_HEADERS,
            ) as upstream:
                if discard:
                    await upstream.read()
                    return web.Response(status=204)
                response = web.StreamResponse(status=upstream.status, reason=upstream.reason)
                for key, value in upstream.headers.items():
                    if key.lower() not in _HOP_BY_HOP and key.lower() != "content-length":
                        response.headers.add(key, value)
                if upstream.content_length is not None:
                    response.content_length = upstream.content_length
                await response.prepare(request)
                async for chunk in upstream.content.iter_chunked(_CHUNK):
                    await response.write(chunk)
                await response.write_eof()
                return response
        except (ClientError, OSError) as exc:
            _log.warning("faultproxy: upstream %s failed: %r", self.upstream_url, exc)
            if request.transport is None or request.transport.is_closing():
                raise
            return web.Response(status=502, text=f"faultproxy: upstream failed: {exc!r}")


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m hybridml.fleet.faultproxy --upstream URL [faults]``: print the URL, serve until ^C."""
    parser = argparse.ArgumentParser(prog="python -m hybridml.fleet.faultproxy", description=__doc__)
    parser.add_argument("--upstream", required=True, help="AWS-compatible endpoint, e.g. a moto server")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free one)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to each targeted call")
    parser.add_argument("--error", type=float, default=0.0, help="fraction answered 500/503")
    parser.add_argument("--throttle", type=float, default=0.0, help="fraction answered ThrottlingException")
    parser.add_argument("--reset", type=float, default=0.0, help="fraction whose connection is dropped")
    parser.add_argument("--blackout", type=float, default=0.0, help="seconds of no answer from start")
    parser.add_argument("--services", nargs="+", help="only these services (batch sagemaker logs ...)")
    parser.add_argument("--operations", nargs="+", help="only these operations (SubmitJob ...)")
    parser.add_argument("--deny", nargs="+", default=[], help="services answered AccessDeniedException")
    parser.add_argument("--fault-when-forwarded", action="store_true", help="reset/5xx after forwarding")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rules = FaultRules(
        latency_s=args.latency,
        error_rate=args.error,
        throttle_rate=args.throttle,
        reset_rate=args.reset,
        blackout_s=args.blackout,
        services=set(args.services) if args.services else None,
        operations=set(args.operations) if args.operations else None,
        access_denied=set(args.deny),
        fault_when_forwarded=args.fault_when_forwarded,
        seed=args.seed,
    )
    proxy = FaultProxy(args.upstream, port=args.port)
    proxy.set_rules(rules)
    print(proxy.start(), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        proxy.stop()


if __name__ == "__main__":
    main()

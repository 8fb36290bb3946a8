"""One aiobotocore session, cached clients, endpoint override, retry/timeout config, a call meter."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import AsyncExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession, get_session

from hybridml.aws.budget import ApiBudget, RequestWindow
from hybridml.aws.cache import ReadCache
from hybridml.aws.errors import aws_call, is_throttling
from hybridml.aws.parsing import OffloadingParserFactory
from hybridml.config import AwsSettings

DEMO_REGION = "us-east-1"
# InvokeEndpoint: "A customer's model containers must respond to requests within 60 seconds ... If your model
# is going to take 50-60 seconds of processing time, the SDK socket timeout should be set to be 70 seconds."
# (sagemaker-runtime service model, InvokeEndpoint)
RUNTIME_READ_TIMEOUT_S = 70.0


class NoRegionConfigured(Exception):
    """Raised at start-up when no region can be resolved from flags, config, env or profile."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where requests go, for the header. Never holds secrets."""

    profile: str
    region: str
    endpoint: str  # "AWS" or the override URL


class CallMeter:
    """Counts API calls (per service, and a sliding minute) via botocore's event hooks."""

    def __init__(self) -> None:
        self.total = 0
        self.by_operation: dict[str, int] = {}
        self._recent: deque[float] = deque()
        self._started = time.monotonic()

    def record(self, operation: str) -> None:
        now = time.monotonic()
        self.total += 1
        self.by_operation[operation] = self.by_operation.get(operation, 0) + 1
        self._recent.append(now)
        self._trim(now)

    def _trim(self, now: float) -> None:
        while self._recent and now - self._recent[0] > 60.0:
            self._recent.popleft()

    def per_minute(self) -> int:
        """Calls in the last minute; in the first minute, the rate so far (from 10 s on) scaled to a minute."""
        now = time.monotonic()
        self._trim(now)
        age = now - self._started
        if 10.0 <= age < 60.0:
            return round(len(self._recent) * 60.0 / age)
        return len(self._recent)


@dataclass
class Tally:
    requests: int = 0


_TALLY: ContextVar[Tally | None] = ContextVar("hybridml_tally", default=None)


@contextmanager
def counting() -> Iterator[Tally]:
    """Count the requests sent by this task and the tasks it starts (a view's load, not the watches')."""
    tally = Tally()
    token = _TALLY.set(tally)
    try:
        yield tally
    finally:
        _TALLY.reset(token)


class AwsSession:
    """Owns the aiobotocore session and one client per service for the app's lifetime."""

    def __init__(
        self,
        settings: AwsSettings,
        *,
        profile: str | None = None,
        region: str | None = None,
        endpoint_url: str | None = None,
        static_credentials: tuple[str, str] | None = None,
    ) -> None:
        self.settings = settings
        self.profile = profile or settings.profile or os.environ.get("AWS_PROFILE") or None
        self._explicit_endpoint = endpoint_url or settings.endpoint_url
        self._session: AioSession = get_session()
        self._session.register_component("response_parser_factory", OffloadingParserFactory())
        if self.profile:
            self._session.set_config_variable("profile", self.profile)
        if static_credentials is not None:  # the embedded demo fleet's fake keys only
            self._session.set_credentials(*static_credentials)
        resolved = (
            region
            or settings.region
            or os.environ.get("AWS_REGION")
            or self._session.get_config_variable("region")  # AWS_DEFAULT_REGION, then the profile
        )
        if not resolved:
            raise NoRegionConfigured(
                "no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION), `region` in the profile, "
                "[aws].region in the config, or pass --region"
            )
        self.region: str = str(resolved)
        self.meter = CallMeter()
        self.requests = RequestWindow()  # every attempt sent, retries included (what AWS counts)
        self.budget = ApiBudget(settings.max_calls_per_min, self.requests)
        self.cache = ReadCache()  # answers shared between views, watches and triage (see aws/cache.py)
        self._stack = AsyncExitStack()
        self._clients: dict[str, Any] = {}
        self._lock = asyncio.Lock()
        self._identity: dict[str, str] | None = None
        self._gates: list[tuple[frozenset[str] | None, threading.Event]] = []

    def hold_until(self, event: threading.Event, services: tuple[str, ...] | None = None) -> None:
        """Calls to these services (None: every service) wait until `event` is set (the demo fleet seeding)."""
        self._gates.append((None if services is None else frozenset(services), event))

    @property
    def endpoint_url(self) -> str | None:
        """The explicit override; None lets botocore apply AWS_ENDPOINT_URL[_<SERVICE>] itself."""
        return self._explicit_endpoint

    @property
    def target(self) -> Target:
        shown = self._explicit_endpoint or os.environ.get("AWS_ENDPOINT_URL") or "AWS"
        return Target(profile=self.profile or "default", region=self.region, endpoint=shown)

    def _config(self, *, retries: bool = True, service: str = "") -> AioConfig:
        s = self.settings
        retry = (
            {"mode": s.retry_mode, "max_attempts": s.max_attempts}
            if retries
            else {"mode": "standard", "total_max_attempts": 1}
        )
        read_timeout = s.read_timeout_s
        if service == "sagemaker-runtime":
            read_timeout = max(read_timeout, RUNTIME_READ_TIMEOUT_S)
        return AioConfig(
            connect_timeout=s.connect_timeout_s,
            read_timeout=read_timeout,
            retries=retry,
            max_pool_connections=max(10, s.max_concurrency * 2),
            user_agent_extra="hybridml",
        )

    async def client(self, service: str, *, region: str | None = None) -> Any:
        """A cached aiobotocore client (created on first use), with the configured retries. `region`: another
        region than the session's (the Price List API answers in a few regions only)."""
        return await self._client(service, retries=True, region=region)

    async def mutation_client(self, service: str) -> Any:
        """A client that never retries by itself: a mutating call is sent once, and a failure is reported
        (botocore would otherwise resend e.g. SubmitJob after a connection reset and create two jobs)."""
        return await self._client(service, retries=False)

    async def _client(self, service: str, *, retries: bool, region: str | None = None) -> Any:
        key = (service if retries else f"{service}#once") + (f"@{region}" if region else "")
        client = await self._cached_client(service, key, retries=retries, region=region)
        if self._gates:  # after creating it: building a client overlaps with the demo fleet's seeding
            await self._wait_gates(service)
        return client

    async def _cached_client(self, service: str, key: str, *, retries: bool, region: str | None = None) -> Any:
        cached = self._clients.get(key)
        if cached is not None:
            return cached
        async with self._lock:
            client: Any = self._clients.get(key)
            if client is None:
                async with aws_call(service, "connect"):
                    creator = self._session.create_client(
                        service,  # type: ignore[call-overload]
                        region_name=region or self.region,
                        endpoint_url=self._explicit_endpoint,
                        config=self._config(retries=retries, service=service),
                    )
                    client = await self._stack.enter_async_context(creator)
                client.meta.events.register("before-call", self._count)
                client.meta.events.register("before-send", self._sent)
                client.meta.events.register("needs-retry", self._answered)
                self._clients[key] = client
        return client

    async def _wait_gates(self, service: str) -> None:
        """Every call gets its client here first, so waiting here holds every call to a gated service."""
        for services, gate in list(self._gates):
            if (services is None or service in services) and not gate.is_set():
                await asyncio.to_thread(gate.wait)
        self._gates = [(services, gate) for services, gate in self._gates if not gate.is_set()]

    def _count(self, model: Any = None, **_: Any) -> None:
        name = getattr(model, "name", "?")
        self.meter.record(name)

    def _sent(self, **_: Any) -> None:
        self.requests.record()  # returns None: botocore sends the request itself
        tally = _TALLY.get()
        if tally is not None:
            tally.requests += 1

    def _answered(self, response: Any = None, **_: Any) -> None:
        """Every answer passes here (before botocore decides on a retry): throttling lowers the budget."""
        if not response:
            return
        http, parsed = response
        code = str(((parsed or {}).get("Error") or {}).get("Code", "") or "")
        if is_throttling(code, int(getattr(http, "status_code", 0) or 0)):
            self.budget.throttled()

    async def caller_identity(self) -> dict[str, str]:
        """STS GetCallerIdentity (Account, Arn, UserId), read once per session."""
        if self._identity is None:
            sts = await self.client("sts")
            async with aws_call("sts", "GetCallerIdentity"):
                identity = await sts.get_caller_identity()
            self._identity = {key: str(identity.get(key, "")) for key in ("Account", "Arn", "UserId")}
        return self._identity

    async def account_id(self) -> str:
        """The caller's account, cached; '?' when STS does not say."""
        return (await self.caller_identity()).get("Account") or "?"

    async def close(self) -> None:
        await self._stack.aclose()
        self._clients.clear()

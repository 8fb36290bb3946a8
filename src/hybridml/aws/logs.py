"""CloudWatch Logs reads: stream discovery, GetLogEvents pages, StartLiveTail sessions.

Mappers here are the only place CloudWatch Logs keys appear.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from hybridml.aws.errors import aws_call
from hybridml.aws.session import AwsSession
from hybridml.domain.logs import LogEvent

SERVICE = "logs"
PAGE_LIMIT = 10_000  # GetLogEvents answers at most 10,000 events (1 MB) per call
LIVE_TAIL_MAX_STREAMS = 100  # StartLiveTail accepts at most 100 stream names


@dataclass(frozen=True, slots=True)
class LogStreamInfo:
    name: str
    created_ms: int = 0
    last_event_ms: int = 0


@dataclass(frozen=True, slots=True)
class EventPage:
    events: tuple[LogEvent, ...]
    next_token: str


@dataclass(frozen=True, slots=True)
class LiveTailUpdate:
    """One StartLiveTail update: events (any order across streams) and whether the service sampled them."""

    events: tuple[LogEvent, ...]
    sampled: bool = False
    started: bool = False  # the sessionStart frame


def _event_from_api(d: dict[str, Any], stream: str) -> LogEvent:
    return LogEvent(
        timestamp_ms=int(d.get("timestamp", 0) or 0),
        message=str(d.get("message", "") or "").rstrip("\n"),
        stream=str(d.get("logStreamName", "") or stream),
        ingestion_ms=int(d.get("ingestionTime", 0) or 0),
        event_id=str(d.get("eventId", "") or ""),
    )


def _stream_from_api(d: dict[str, Any]) -> LogStreamInfo:
    return LogStreamInfo(
        name=str(d.get("logStreamName", "")),
        created_ms=int(d.get("creationTime", 0) or 0),
        last_event_ms=int(d.get("lastEventTimestamp", 0) or d.get("lastIngestionTime", 0) or 0),
    )


def _live_update_from_api(frame: dict[str, Any]) -> LiveTailUpdate | None:
    if "sessionStart" in frame:
        return LiveTailUpdate(events=(), started=True)
    update = frame.get("sessionUpdate")
    if update is None:
        return None
    meta = update.get("sessionMetadata") or {}
    events = tuple(_event_from_api(r, "") for r in update.get("sessionResults", []) or [])
    return LiveTailUpdate(events=events, sampled=bool(meta.get("sampled", False)))


def log_group_arn(region: str, account: str, group: str) -> str:
    partition = "aws-cn" if region.startswith("cn-") else "aws-us-gov" if region.startswith("us-gov-") else "aws"
    return f"arn:{partition}:logs:{region}:{account}:log-group:{group}"


class LogsService:
    """CloudWatch Logs for the follower: every call translated to `AwsError` by `aws_call`."""

    def __init__(self, session: AwsSession) -> None:
        self.session = session

    async def streams(
        self, group: str, prefix: str | None = None, *, newest_first: bool = False, limit: int = 50
    ) -> list[LogStreamInfo]:
        """Streams of a group: by name prefix (all pages, up to `limit`), or the `limit` most recently written."""
        client = await self.session.client(SERVICE)
        kwargs: dict[str, Any] = {"logGroupName": group}
        if prefix:
            kwargs["logStreamNamePrefix"] = prefix
        elif newest_first:
            kwargs.update(orderBy="LastEventTime", descending=True)
        found: list[LogStreamInfo] = []
        async with aws_call(SERVICE, "DescribeLogStreams"):
            while len(found) < limit:
                page = await client.describe_log_streams(**kwargs, limit=min(50, limit - len(found)))
                found.extend(_stream_from_api(d) for d in page.get("logStreams", []) or [])
                token = page.get("nextToken")
                if not token or token == kwargs.get("nextToken"):
                    break
                kwargs["nextToken"] = token
        return found

    async def events(
        self, group: str, stream: str, *, token: str | None = None, start_ms: int | None = None, limit: int = PAGE_LIMIT
    ) -> EventPage:
        """One GetLogEvents page, oldest first. The same `next_token` coming back means: caught up."""
        client = await self.session.client(SERVICE)
        kwargs: dict[str, Any] = {"logGroupName": group, "logStreamName": stream, "startFromHead": True, "limit": limit}
        if token:
            kwargs["nextToken"] = token
        elif start_ms is not None:
            kwargs["startTime"] = max(0, start_ms)
        async with aws_call(SERVICE, "GetLogEvents"):
            page = await client.get_log_events(**kwargs)
        events = tuple(_event_from_api(d, stream) for d in page.get("events", []) or [])
        return EventPage(events=events, next_token=str(page.get("nextForwardToken", "") or token or ""))

    async def live_tail(self, group_arns: Sequence[str], stream_names: Sequence[str]) -> AsyncIterator[LiveTailUpdate]:
        """A StartLiveTail session (real AWS; the service ends it after 3 hours). Raises `AwsError`."""
        client = await self.session.client(SERVICE)
        kwargs: dict[str, Any] = {"logGroupIdentifiers": list(group_arns)}
        if stream_names:
            kwargs["logStreamNames"] = list(stream_names)[:LIVE_TAIL_MAX_STREAMS]
        async with aws_call(SERVICE, "StartLiveTail"):
            response = await client.start_live_tail(**kwargs)
            async for frame in response["responseStream"]:
                update = _live_update_from_api(frame)
                if update is not None:
                    yield update

"""`hybridml logs JOB_ID|training/NAME|endpoint/NAME [--follow] [--since 10m] [--filter TEXT]`.

Prints lines to stdout (flushed per batch, fit for `| grep`), status and problems to stderr. Ends cleanly
on ctrl-c (exit 130) and when the reader goes away (SIGPIPE / `| head`). A training job or endpoint that does
not exist is an error (exit 1), not a wait. Lines are sanitised (an escape sequence in a log line shows as
`\x1b`, a line is one line); `--raw` prints them byte for byte (for files and other tools).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
import threading
from collections.abc import Callable
from typing import TextIO

from hybridml.aws.errors import AccessDenied, AwsError, NotFound
from hybridml.domain.logs import LogSource, LogSourceKind
from hybridml.headless.args import seconds
from hybridml.headless.exits import guarded
from hybridml.headless.output import silence_stdout
from hybridml.logtail.buffer import compile_pattern
from hybridml.logtail.follower import LogFollower
from hybridml.logtail.livetail import LiveTailer
from hybridml.logtail.sources import resolver
from hybridml.logtail.window import parse_since, plain_line
from hybridml.render.safe import safe_str
from hybridml.services import Services

QUIET_STATES = ("following", "caught up", "loading", "connecting")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "logs",
        help="print (and follow) CloudWatch logs of a Batch job, array job, training job or endpoint",
        description="SOURCE: a Batch job id (JOB_ID, or JOB_ID#N for attempt N — node N of a multi-node parallel "
        "job; an array or multi-node job merges its children / nodes), training/NAME or endpoint/NAME. With "
        "--follow it ends when the job does.",
    )
    p.add_argument("source", metavar="SOURCE", help="JOB_ID | JOB_ID#ATTEMPT | training/NAME | endpoint/NAME")
    p.add_argument("-f", "--follow", action="store_true", help="keep printing new lines until ctrl-c")
    p.add_argument("--since", help="start from 30s / 10m / 1h / 2d ago, an ISO time, or 'start' (default)")
    p.add_argument("--filter", default="", help="only lines matching this case-insensitive regex")
    p.add_argument("--attempt", type=int, help="Batch: only this attempt (1-based)")
    p.add_argument("-t", "--timestamps", action="store_true", help="prefix each line with its UTC time")
    p.add_argument("--no-tags", action="store_true", help="never prefix lines with their stream's tag")
    p.add_argument("--raw", action="store_true", help="print lines verbatim (control characters not escaped)")
    p.add_argument("--poll", type=seconds(0.2, 60), help="polling interval in seconds (default: ui.log_poll_s)")
    p.set_defaults(func=guarded("logs", run))


async def run(args: argparse.Namespace, services: Services) -> int:
    try:
        source = LogSource.parse(args.source)
        if args.attempt is not None:
            if args.attempt < 1:
                raise ValueError("--attempt counts from 1")
            source = LogSource.batch_job(source.name, args.attempt)
        since_ms = parse_since(args.since)
    except ValueError as exc:
        print(f"hybridml logs: {safe_str(exc)}", file=sys.stderr)
        return 2
    missing = await _missing(services, source)
    if missing:
        print(f"hybridml logs: {safe_str(missing)}", file=sys.stderr)
        return 1
    return await print_logs(
        services,
        source,
        follow=args.follow,
        since_ms=since_ms,
        filter_text=args.filter,
        timestamps=args.timestamps,
        tags=False if args.no_tags else None,
        poll_s=args.poll,
        raw=args.raw,
    )


async def _missing(services: Services, source: LogSource) -> str:
    """Why a training job or endpoint source does not exist: neither SageMaker nor CloudWatch knows it ('' when
    either does, or when we may not ask). Waiting for its first stream only makes sense for one that exists.
    (A Batch job that does not exist is reported by the follower itself.)"""
    try:
        if source.kind is LogSourceKind.TRAINING_JOB:
            await services.training.training_job(source.name)
        elif source.kind is LogSourceKind.ENDPOINT:
            await services.sagemaker.endpoint(source.name)
    except NotFound as exc:
        try:
            streams = (await resolver(services.batch, services.logs, source)()).streams
        except AwsError:
            streams = ()
        return "" if streams else f"{exc}, and it has no log stream"
    except AccessDenied:
        return ""
    return ""


async def print_logs(
    services: Services,
    source: LogSource,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    follow: bool = False,
    since_ms: int | None = None,
    filter_text: str = "",
    timestamps: bool = False,
    tags: bool | None = None,
    poll_s: float | None = None,
    until: Callable[[], bool] | None = None,
    raw: bool = False,
) -> int:
    """Print the source's lines; with `follow`, until ctrl-c or `until()` is true (checked per batch)."""
    out = out or sys.stdout
    err = err or sys.stderr
    pattern, warning = compile_pattern(filter_text)
    if warning:
        print(f"hybridml logs: --filter {warning}", file=err)
    ui = services.settings.ui
    follower = LogFollower(
        services.logs,
        resolver(services.batch, services.logs, source),
        poll_s=poll_s or ui.log_poll_s,
        since_ms=since_ms,
        follow=follow,
        live_tail=LiveTailer.for_aws(services.logs, ui.log_live_tail) if follow else None,
    )
    interrupted = _on_interrupt(follower.interrupt)
    last_status = ""
    code = 0
    try:
        async for batch in follower.batches():
            show_tags = tags if tags is not None else len(follower.streams) > 1
            lines = [
                plain_line(e, timestamps=timestamps, tags=show_tags)
                for e in batch.events
                if pattern is None or pattern.search(e.message)
            ]
            if not raw:
                lines = [safe_str(line) for line in lines]
            if lines:
                out.write("\n".join(lines) + "\n")
                out.flush()
            status = str(batch.status)
            if status != last_status and batch.status.state not in QUIET_STATES:
                print(f"hybridml logs: {safe_str(source)}: {safe_str(status)}", file=err, flush=True)
                if batch.status.state == "not found":
                    code = 1
                elif not follow and batch.status.state == "waiting":
                    follower.stop()  # nothing to print yet and not asked to wait
            last_status = status
            if until is not None and until():
                follower.stop()
    except BrokenPipeError:
        follower.stop()
        silence_stdout(out)
        return 0
    finally:
        interrupted()
    return 130 if follower.interrupted else code


def _on_interrupt(stop: Callable[[], None]) -> Callable[[], None]:
    """ctrl-c / SIGTERM stop the follower (clean exit, no traceback); returns the undo."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    loop = asyncio.get_running_loop()
    installed: list[int] = []

    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop)
            installed.append(sig)

    def undo() -> None:
        for sig in installed:
            loop.remove_signal_handler(sig)

    return undo

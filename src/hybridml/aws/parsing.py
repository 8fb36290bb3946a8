"""Big answers are parsed off the event loop.

botocore turns a response body into Python objects by walking the operation's output shape: for a ListJobs
page of 1,000 summaries that is ~10 ms of CPU, on the TUI's event loop, where keys wait meanwhile. aiobotocore
awaits the parser, so a parser that hands large bodies to a worker thread keeps the loop free: the thread
holds the GIL only in the interpreter's switch intervals (5 ms), and a key is handled in between. Small
bodies (most calls) and error answers are parsed in place, as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiobotocore.parsers import AioResponseParserFactory

OFFLOAD_BYTES = 32 * 1024  # bodies at least this big are parsed in a worker thread
# One parser thread: several would take turns on the GIL with the event loop and each other, and the loop's
# share would shrink with every page in flight; with one, the loop gets the GIL back every switch interval.
_PARSER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hybridml-parse")


def _finish(coro: Coroutine[Any, Any, Any]) -> Any:
    """Run a coroutine that never suspends (botocore's JSON/XML parsing) to its end, in this thread."""
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value
    coro.close()
    raise RuntimeError("the response parser suspended: it cannot run off the event loop")


class _OffloadingParser:
    def __init__(self, parser: Any) -> None:
        self._parser = parser

    def __getattr__(self, name: str) -> Any:
        return getattr(self._parser, name)

    async def parse(self, response: dict[str, Any], shape: Any) -> Any:
        body = response.get("body")
        big = isinstance(body, bytes | bytearray) and len(body) >= OFFLOAD_BYTES
        if big and response.get("status_code", 500) < 300 and not (shape and shape.serialization.get("eventstream")):
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(_PARSER, lambda: _finish(self._parser.parse(response, shape)))
        return await self._parser.parse(response, shape)


class OffloadingParserFactory(AioResponseParserFactory):  # type: ignore[misc]
    def create_parser(self, protocol_name: str) -> Any:
        return _OffloadingParser(super().create_parser(protocol_name))

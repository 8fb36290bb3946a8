"""Big answers are parsed in a worker thread (the event loop stays free for keys); small ones in place."""

from __future__ import annotations

import threading

import pytest

from hybridml.aws import parsing
from hybridml.domain.batch import JobStatus
from hybridml.services import Services


async def test_big_pages_are_parsed_off_the_loop_thread(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[str] = []
    finish = parsing._finish

    def recording(coro: object) -> object:
        threads.append(threading.current_thread().name)
        return finish(coro)  # type: ignore[arg-type]

    monkeypatch.setattr(parsing, "_finish", recording)
    monkeypatch.setattr(parsing, "OFFLOAD_BYTES", 1024)
    jobs = await services.batch.list_jobs("cpu-etl", JobStatus.SUCCEEDED)
    assert jobs and threads and threading.main_thread().name not in threads
    threads.clear()
    monkeypatch.setattr(parsing, "OFFLOAD_BYTES", 10**9)  # every answer is small now: parsed in place
    await services.batch.compute_environments()
    assert not threads

"""The runs this session launched (local and Batch), shared by the TUI and the headless command."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from hybridml.domain.launch import LaunchResult, LaunchRun, LaunchStatus, LaunchTarget
from hybridml.launch.report import result_from_report

OUTPUT_LINES_KEPT = 500


def new_run_id() -> str:
    return uuid.uuid4().hex[:12]


class LaunchRegistry:
    def __init__(self) -> None:
        self.runs: dict[str, LaunchRun] = {}
        self._listeners: list[Callable[[LaunchRun], object]] = []

    def subscribe(self, listener: Callable[[LaunchRun], object]) -> Callable[[], None]:
        """Call `listener` on every change; returns the function that unsubscribes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _emit(self, run: LaunchRun) -> None:
        for listener in list(self._listeners):
            listener(run)

    def create(self, target: LaunchTarget, video_url: str, queue: str = "", run_id: str | None = None) -> LaunchRun:
        run = LaunchRun(
            run_id=run_id or new_run_id(),
            target=target,
            video_url=video_url,
            callback_url="",
            status=LaunchStatus.STARTING,
            created_at=datetime.now(UTC),
            queue=queue,
        )
        self.runs[run.run_id] = run
        self._emit(run)
        return run

    def update(self, run_id: str, **changes: Any) -> LaunchRun:
        run = self.runs[run_id].with_(**changes)
        if "status" in changes and run.status.is_final and run.finished_at is None:
            run = run.with_(finished_at=datetime.now(UTC))
        self.runs[run_id] = run
        self._emit(run)
        return run

    def add_output(self, run_id: str, line: str) -> None:
        run = self.runs[run_id]
        self.runs[run_id] = run.with_(output=(*run.output[-(OUTPUT_LINES_KEPT - 1) :], line))
        self._emit(self.runs[run_id])

    def report(self, run_id: str, report: dict[str, Any]) -> LaunchResult:
        """A callback arrived: attach the result. Raises KeyError for an unknown run, ValueError for junk."""
        if run_id not in self.runs:
            raise KeyError(run_id)
        result = result_from_report(report)
        run = self.runs[run_id]
        status = run.status
        if not run.target.is_local or status.is_final:
            # Batch and processing runs: the callback is the clearest word on the outcome; the job status follows.
            status = LaunchStatus.SUCCEEDED if result.status == "ok" else LaunchStatus.FAILED
        self.update(run_id, result=result, status=status, message=result.error or run.message)
        return result

    def all(self) -> list[LaunchRun]:
        return sorted(self.runs.values(), key=lambda r: r.created_at, reverse=True)

"""The runs this session launched (local and Batch), shared by the TUI and the headless command."""

from __future__ import annotations

import time
import uuid
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from hybridml.domain.launch import CapturedOutput, LaunchResult, LaunchRun, LaunchStatus, LaunchTarget
from hybridml.launch.report import result_from_report
from hybridml.render.launch import exit_text

OUTPUT_LINES_KEPT = 500


def new_run_id() -> str:
    return uuid.uuid4().hex[:12]


class LaunchRegistry:
    def __init__(self) -> None:
        self.runs: dict[str, LaunchRun] = {}
        self._listeners: list[Callable[[LaunchRun], object]] = []
        self._line_ms: dict[str, deque[int]] = {}  # when each kept output line arrived (epoch ms)
        self._line_total: dict[str, int] = {}  # output lines ever written, per run

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
        self._line_ms.setdefault(run_id, deque(maxlen=OUTPUT_LINES_KEPT)).append(int(time.time() * 1000))
        self._line_total[run_id] = self._line_total.get(run_id, 0) + 1
        self._emit(self.runs[run_id])

    def captured(self, run_id: str) -> CapturedOutput:
        """A run's output lines as the log view reads them (`hybridml.logtail.output`)."""
        run = self.runs[run_id]
        times = list(self._line_ms.get(run_id, ()))[-len(run.output) :] if run.output else []
        created = int(run.created_at.timestamp() * 1000)
        stamps = [created] * (len(run.output) - len(times)) + times
        ended = run.target.is_local and run.status.is_final
        note = f"the process ended: {exit_text(run.exit_code) or run.status.value}" if ended else ""
        return CapturedOutput(
            title=f"launch {run.run_id} ({run.target.value}): the container's output",
            lines=tuple(zip(stamps, run.output, strict=True)),
            total=self._line_total.get(run_id, len(run.output)),
            finished=ended,
            note=note,
        )

    def output_source(self, run_id: str) -> RunOutput:
        return RunOutput(self, run_id)

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


class RunOutput:
    """One run's captured output, as `hybridml.logtail.output.OutputFollower` follows it."""

    def __init__(self, registry: LaunchRegistry, run_id: str) -> None:
        self.registry = registry
        self.run_id = run_id

    def captured(self) -> CapturedOutput:
        return self.registry.captured(self.run_id)

    def on_change(self, listener: Callable[[], object]) -> Callable[[], None]:
        return self.registry.subscribe(lambda run: listener() if run.run_id == self.run_id else None)

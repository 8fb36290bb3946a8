"""`l`: a live log view of a Batch job (every attempt; an array job's children interleaved), a training
job or an endpoint. Other views open it with `open_logs(app, LogSource...)`.

The follower (hybridml.logtail) runs in a worker; its batches are queued and flushed into the pane every
`ui.log_flush_ms` (or at once past FLUSH_LINES), so a firehose costs one repaint per flush.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from hybridml import clock
from hybridml.aws.errors import AwsError
from hybridml.domain.logs import FollowStatus, LogEvent, LogSource, LogSourceKind
from hybridml.logtail.buffer import ERROR_PATTERN, compile_pattern
from hybridml.logtail.follower import LogBatch, LogFollower
from hybridml.logtail.livetail import LiveTailer
from hybridml.logtail.output import OutputFollower
from hybridml.logtail.sources import SourceNotFound, resolver
from hybridml.logtail.window import plain_line
from hybridml.tui import keys
from hybridml.tui.console import console
from hybridml.tui.errors import ReportsWorkerErrors
from hybridml.tui.widgets.log_pane import LogPane
from hybridml.tui.widgets.plain import PlainInput, PlainStatic

if TYPE_CHECKING:
    from hybridml.services import Services

FLUSH_LINES = 5_000
# Events per GetLogEvents page in the view. botocore parses a page on the event loop; bench_logs measures
# the keypress -> repaint delay this causes while ingesting (10,000, the API's maximum, stays in target).
VIEW_PAGE_LIMIT = 10_000
WINDOWS = keys.LOG_WINDOWS  # key -> (label, seconds back; None = from the start)


def open_logs(app: App[Any], source: LogSource) -> None:
    """Open the live log view of `source` (Batch job, training job, endpoint) on top of the current screen."""
    app.push_screen(LogScreen(console(app).services, source))


class LogScreen(ReportsWorkerErrors, Screen[None]):
    BINDINGS: ClassVar[list[Binding]] = keys.bindings("logs")  # type: ignore[assignment]

    def __init__(self, services: Services, source: LogSource) -> None:
        super().__init__()
        self.services = services
        self.source = source
        ui = services.settings.ui
        self.flush_s = ui.log_flush_ms / 1000.0
        self.window = "start"
        self.since_ms: int | None = None
        self.title_text = str(source)
        self.status = FollowStatus("connecting")
        self.note = ""
        self.pending: list[LogEvent] = []
        self.search_text = ""
        self.filter_text = ""
        self.input_mode = ""
        self.received = 0
        self.flushes = 0
        self.last_flush_at = 0.0
        self.saved_path: Path | None = None

    def compose(self) -> ComposeResult:
        yield PlainStatic(self.title_text, classes="view-title", id="log-title")
        yield LogPane(self.services.settings.ui.log_max_lines, id="log-pane")
        yield PlainStatic("", id="log-status")
        yield PlainInput(id="log-input")
        yield Footer()

    @property
    def pane(self) -> LogPane:
        return self.query_one(LogPane)

    def on_mount(self) -> None:
        self.pane.focus()
        self.set_interval(self.flush_s, self.flush)
        self.follow_logs()

    # -- following --------------------------------------------------------------------------------
    def make_follower(self) -> LogFollower | OutputFollower:
        services, source = self.services, self.source
        if source.kind is LogSourceKind.LAUNCH_OUTPUT:  # a local launch: its captured output, from memory
            return OutputFollower(console(self).launcher.registry.output_source(source.name))
        ui = services.settings.ui
        return LogFollower(
            services.logs,
            resolver(services.batch, services.logs, source),
            poll_s=ui.log_poll_s,
            since_ms=self.since_ms,
            live_tail=LiveTailer.for_aws(services.logs, ui.log_live_tail),
            page_limit=VIEW_PAGE_LIMIT,
        )

    @work(exclusive=True, group="log-follow", exit_on_error=False)
    async def follow_logs(self) -> None:
        follower = self.make_follower()
        try:
            async for batch in follower.batches():
                self.take(batch)
        except asyncio.CancelledError:
            raise
        except (AwsError, SourceNotFound) as exc:  # say it, and stop following
            self.status = FollowStatus("stopped", f"{exc.__class__.__name__}: {exc}")
            self.notify(str(exc), title="logs", severity="error")
        except Exception as exc:  # a bug: stopped here, reported (with its traceback) by the app
            self.status = FollowStatus("stopped", f"internal error: {exc.__class__.__name__}")
            raise
        finally:
            follower.stop()
            self.paint_status()

    def take(self, batch: LogBatch) -> None:
        changed = (str(batch.status), batch.title, batch.note) != (str(self.status), self.title_text, self.note)
        if batch.status.state == "not found" and self.status.state != "not found":
            self.notify(batch.status.detail, title="logs", severity="error")
        self.status, self.note = batch.status, batch.note
        if batch.title:
            self.title_text = batch.title
        if batch.events:
            self.pending.extend(batch.events)
            self.received += len(batch.events)
            if len(self.pending) >= FLUSH_LINES:
                self.flush()
        if changed:
            self.paint_status()

    def flush(self) -> None:
        if not self.pending:
            return
        events, self.pending = self.pending, []
        self.pane.append(events)
        self.flushes += 1
        self.last_flush_at = time.monotonic()
        self.paint_status()

    def paint_status(self) -> None:
        if not self.is_mounted:
            return
        pane = self.pane
        title = f"logs  {self.title_text}  since:{self.window}"
        self.query_one("#log-title", Static).update(title)
        flags = [
            "FOLLOW" if pane.follow else "paused",
            "wrap" if pane.wrap else "",
            "ts" if pane.timestamps else "",
        ]
        parts = [str(self.status)]
        if self.status.mode == "live tail":
            parts[0] = f"{parts[0]} (live tail{', SAMPLED' if self.status.sampled else ''})"
        shown, kept = pane.buffer.visible_count, len(pane.buffer)
        parts.append(f"{shown}/{kept} lines" if self.filter_text else f"{kept} lines")
        if pane.buffer.dropped:
            parts.append(f"{pane.buffer.dropped} oldest dropped (cap {pane.buffer.max_lines})")
        if self.filter_text:
            parts.append(f"&{self.filter_text}")
        if self.search_text:
            parts.append(f"/{self.search_text}")
        if not pane.follow and pane.new_since_follow:
            parts.append(f"▼ {pane.new_since_follow} new lines (G)")
        if self.note and self.status.state == "waiting":
            parts.append(self.note)
        if self.saved_path is not None:
            parts.append(f"saved {self.saved_path}")
        self.query_one("#log-status", Static).update("  ".join(p for p in (" ".join(f for f in flags if f), *parts)))

    # -- actions ----------------------------------------------------------------------------------
    def action_back(self) -> None:
        if self.input_mode:
            self.close_input()
        else:
            self.app.pop_screen()

    def action_toggle_follow(self) -> None:
        pane = self.pane
        if pane.follow:
            pane.follow = False
        else:
            pane.to_bottom()
        self.paint_status()

    def action_toggle_wrap(self) -> None:
        self.pane.toggle_wrap()
        self.paint_status()

    def action_toggle_timestamps(self) -> None:
        self.pane.toggle_timestamps()
        self.paint_status()

    def action_top(self) -> None:
        pane = self.pane
        pane.follow = False
        pane.scroll_to(y=0, animate=False, immediate=True)
        self.paint_status()

    def action_bottom(self) -> None:
        self.pane.to_bottom()
        self.paint_status()

    def action_open_input(self, mode: str) -> None:
        field = self.query_one("#log-input", Input)
        self.input_mode = mode
        field.placeholder = (
            "search (regex)  enter: find  esc: cancel"
            if mode == "search"
            else ("filter: show only matching lines (regex; empty shows all)")
        )
        field.value = self.search_text if mode == "search" else self.filter_text
        field.add_class("open")
        field.focus()

    def close_input(self) -> None:
        field = self.query_one("#log-input", Input)
        field.remove_class("open")
        self.input_mode = ""
        self.pane.focus()

    @on(Input.Submitted, "#log-input")
    def _input_submitted(self, event: Input.Submitted) -> None:
        mode, value = self.input_mode, event.value
        self.close_input()
        if mode == "search":
            self.apply_search(value)
        elif mode == "filter":
            self.apply_filter(value)

    def apply_search(self, text: str) -> None:
        pattern, warning = compile_pattern(text)
        if warning:
            self.notify(warning, title="search", severity="warning")
        self.search_text = text
        self.pane.search = pattern
        self.pane.current = None
        self.pane.refresh()
        if pattern is not None:
            self.action_next_match()
        self.paint_status()

    def apply_filter(self, text: str) -> None:
        pattern, warning = compile_pattern(text)
        if warning:
            self.notify(warning, title="filter", severity="warning")
        self.filter_text = text
        self.pane.set_filter(pattern)
        self.paint_status()

    def _jump(self, pattern: Any, *, forward: bool, what: str, from_top: bool = False) -> None:
        pane = self.pane
        row_now = pane.buffer.row_of(pane.current) if pane.current is not None else None
        start = -1 if from_top else (row_now if row_now is not None else pane.top_row - (1 if forward else 0))
        row = pane.buffer.find(pattern, start, forward=forward)
        if row is None:
            self.notify(f"no {what} in the {pane.buffer.visible_count} lines shown", title="logs", timeout=3)
            return
        pane.current = pane.buffer.visible(row)
        pane.show_row(row)
        self.paint_status()

    def action_next_match(self) -> None:
        if self.pane.search is None:
            self.action_open_input("search")
            return
        self._jump(self.pane.search, forward=True, what=f"match for '{self.search_text}'")

    def action_previous_match(self) -> None:
        if self.pane.search is not None:
            self._jump(self.pane.search, forward=False, what=f"match for '{self.search_text}'")

    def action_next_error(self) -> None:
        """First ERROR / Traceback from the top; again: the next one."""
        pane = self.pane
        current = pane.current
        on_error = (
            current is not None
            and pane.buffer.row_of(current) is not None
            and ERROR_PATTERN.search(pane.buffer.event(current).message) is not None
        )
        self._jump(ERROR_PATTERN, forward=True, what="ERROR or Traceback", from_top=not on_error)

    def action_window(self, key: str) -> None:
        label, seconds = WINDOWS[key]
        self.window = label
        self.since_ms = None if seconds is None else int(clock.utcnow().timestamp() * 1000) - seconds * 1000
        self.pending = []
        self.pane.reset()
        self.pane.follow = True
        self.follow_logs()
        self.paint_status()

    @work(exclusive=True, group="log-save", exit_on_error=False)
    async def action_save(self) -> None:
        self.flush()  # lines received but not yet painted are part of what the user asked to save
        pane = self.pane
        buffer = pane.buffer
        lines = [
            plain_line(buffer.event(buffer.visible(row)), timestamps=True, tags=pane.show_tags)
            for row in range(buffer.visible_count)
        ]
        slug = "".join(c if c.isalnum() or c in "-_." else "-" for c in str(self.source))[:80]
        name = f"hybridml-{slug}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.log"
        folder = self.services.settings.ui.log_save_dir
        try:
            path = await asyncio.to_thread(_write_lines, folder, name, lines)
        except OSError as exc:
            self.notify(f"cannot save to {folder}: {exc.strerror or exc}", title="save", severity="error")
            return
        self.saved_path = path
        self.paint_status()
        self.notify(f"saved {len(lines)} lines to {path}", title="save", timeout=8)


def _write_lines(folder: str, name: str, lines: list[str]) -> Path:
    """Write the file; its full path (absolute, resolved) is what the toast and the status line say."""
    path = (Path(folder).expanduser() / name).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")
    return path

"""Runs the TUI (headless, via Textual's Pilot) on a big fleet and prints one JSON line of figures.

`python -m bench._app_probe PROXY_URL [--idle-cpu-s 60]`: its own process, so RSS and CPU are the app's alone
(the fleet and the peers live elsewhere). Every latency is measured after the table is fully painted (the first
sweep has finished and a frame was drawn), while the app keeps refreshing (a full resync, then incremental
sweeps, back to back), with keys sent from a thread the way Textual's input thread sends them
(`call_soon_threadsafe`), so they land at any moment of a refresh:

- cursor keys: key sent -> the key's action ran -> the first frame composed after it (`App._display`);
- typing a filter (`/` then one character at a time): key sent -> the view's rows reflect the text typed so far
  (the first screenful of the result, or all of it) -> the first frame after that;
- clearing it (escape): key sent -> every row back -> the next frame.

Then: peak RSS, and the app's CPU while it sits idle on `:jobs` (auto-refresh on, nothing typed).
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import gc
import json
import os
import resource
import statistics
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from bench._table import peak_rss_mb

KEY_EVERY_S = 0.05
CURSOR_KEYS = 80
FILTER_TEXT = "parquet-004"  # part of a job name: narrows 100k rows to a few dozen, one keystroke at a time
TYPE_EVERY_S = 0.25


class GcWatch:
    """Durations of the collector's full (generation 2) passes: they stop the event loop too."""

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.append(time.perf_counter() - self._started)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else 0.0


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def summary(name: str, values: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in values]
    return {
        f"{name}_p50_ms": statistics.median(ms) if ms else -1.0,
        f"{name}_p95_ms": percentile(ms, 0.95) if ms else -1.0,
        f"{name}_max_ms": max(ms, default=-1.0),
        f"{name}_n": float(len(ms)),
    }


class Frames:
    """Times of composed frames (every frame goes through `App._display`, headless too)."""

    def __init__(self, app: Any) -> None:
        self.times: list[float] = []
        display = app._display

        def on_frame(screen: Any, renderable: Any) -> None:
            self.times.append(time.perf_counter())
            display(screen, renderable)

        app._display = on_frame

    def after(self, moment: float) -> float | None:
        index = bisect.bisect_left(self.times, moment)
        return self.times[index] if index < len(self.times) else None


async def keep_refreshing(app: Any, view: Any, stop: threading.Event) -> int:
    """Back-to-back refreshes (a full resync first, then every other one), like a busy account would cause."""
    count = 0
    while not stop.is_set():
        if view.loading_since is None:
            if count % 2 == 0:
                app.services.batch.invalidate_jobs()
            view.reload()
            count += 1
        await asyncio.sleep(0.02)
    return count


def typist(
    loop: asyncio.AbstractEventLoop, app: Any, keys: list[tuple[str, str | None]], every_s: float
) -> list[float]:
    """Send keys from a thread as the terminal driver does; returns when each was sent."""
    from textual import events

    assert app._driver is not None
    send = app._driver.send_message
    sent: list[float] = []
    for key, char in keys:
        sent.append(time.perf_counter())
        loop.call_soon_threadsafe(send, events.Key(key, char))
        time.sleep(every_s)
    return sent


async def run_keys(app: Any, view: Any, frames: Frames) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    table = view.table
    handled: list[float] = []
    down, up = table.action_cursor_down, table.action_cursor_up

    def wrap(action: Callable[[], None]) -> Callable[[], None]:
        def wrapped() -> None:
            handled.append(time.perf_counter())
            action()

        return wrapped

    table.action_cursor_down, table.action_cursor_up = wrap(down), wrap(up)  # type: ignore[method-assign]
    landed: list[tuple[float, str]] = []  # (when, filter text) each time the rows changed
    rows_changed = view.rows_changed

    def on_rows(*args: Any, **kwargs: Any) -> None:
        rows_changed(*args, **kwargs)
        landed.append((time.perf_counter(), view.filter_text if view.store.pattern is not None else ""))

    view.rows_changed = on_rows
    stop = threading.Event()
    refresher = asyncio.ensure_future(keep_refreshing(app, view, stop))
    refreshing: list[bool] = []

    cursor = [("down" if n % 3 else "up", None) for n in range(CURSOR_KEYS)]
    thread_result: dict[str, list[float]] = {}

    def cursor_keys() -> None:
        thread_result["cursor"] = typist(loop, app, cursor, KEY_EVERY_S)

    thread = threading.Thread(target=cursor_keys, daemon=True)
    thread.start()
    while thread.is_alive():
        refreshing.append(view.loading_since is not None)
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.5)
    cursor_lat = []
    for sent_at, handled_at in zip(thread_result["cursor"], handled, strict=False):
        frame = frames.after(handled_at)
        if frame is not None:
            cursor_lat.append(frame - sent_at)

    typed = [("slash", "/")] + [(c if c != "-" else "minus", c) for c in FILTER_TEXT]

    def filter_keys() -> None:
        thread_result["filter"] = typist(loop, app, typed, TYPE_EVERY_S)

    thread = threading.Thread(target=filter_keys, daemon=True)
    thread.start()
    while thread.is_alive():
        refreshing.append(view.loading_since is not None)
        await asyncio.sleep(0.01)
    await asyncio.sleep(1.0)
    filter_lat = []
    for n, sent_at in enumerate(thread_result["filter"][1:], start=1):
        text = FILTER_TEXT[:n]
        shown = next((t for t, f in landed if t >= sent_at and f == text), None)
        frame = frames.after(shown) if shown is not None else None
        if frame is not None:
            filter_lat.append(frame - sent_at)
    matches = len(view.store.shown)

    def clear_keys() -> None:
        thread_result["clear"] = typist(loop, app, [("escape", None), ("escape", None)], 0.5)

    thread = threading.Thread(target=clear_keys, daemon=True)
    thread.start()
    await asyncio.to_thread(thread.join)
    await asyncio.sleep(1.0)
    clear_lat = []
    sent_at = thread_result["clear"][1]  # the first escape closes the bar, the second clears the filter
    shown = next((t for t, f in landed if t >= sent_at and f == ""), None)
    frame = frames.after(shown) if shown is not None else None
    if frame is not None:
        clear_lat.append(frame - sent_at)
    stop.set()
    refreshes = await refresher
    return {
        **summary("cursor", cursor_lat),
        **summary("filter", filter_lat),
        **summary("clear", clear_lat),
        "filter_matches": matches,
        "refreshes_during_keys": refreshes,
        "share_of_keys_during_refresh": sum(refreshing) / max(1, len(refreshing)),
    }


async def probe(url: str, idle_cpu_s: float) -> dict[str, Any]:
    from bench.bench_fleet import build_services
    from hybridml.tui.app import HybridApp

    services = build_services(url)
    started = time.perf_counter()
    app = HybridApp(services)
    async with app.run_test(size=(160, 48)) as pilot:
        frames = Frames(app)
        while (view := app.active_view) is None or not view.store.shown:
            await pilot.pause(0.005)
        frame = None
        while frame is None:
            await pilot.pause(0.005)
            frame = frames.after(time.perf_counter() - 0.005)
        first_rows_s = time.perf_counter() - started
        while view.loaded_at is None:
            await pilot.pause(0.02)
        full_s = time.perf_counter() - started
        rows = len(view.store)
        await pilot.pause(1.0)
        gc_watch = GcWatch()
        gc.callbacks.append(gc_watch)
        figures = await run_keys(app, view, frames)
        gc.callbacks.remove(gc_watch)
        await pilot.pause(5.0)
        view.table.move_cursor(0)
        cpu_before, wall_before = cpu_s(), time.perf_counter()
        await pilot.pause(idle_cpu_s)
        idle_cpu = (cpu_s() - cpu_before) / (time.perf_counter() - wall_before) * 100
    return {
        "first_rows_s": first_rows_s,
        "full_load_s": full_s,
        "rows": rows,
        **figures,
        "gc_full_passes": len(gc_watch.pauses),
        "gc_longest_ms": max(gc_watch.pauses, default=0.0) * 1000,
        "rss_mb": peak_rss_mb(),
        "idle_cpu_pct": idle_cpu,
        "load": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench._app_probe")
    parser.add_argument("url")
    parser.add_argument("--idle-cpu-s", type=float, default=60.0)
    args = parser.parse_args()
    figures = asyncio.run(probe(args.url, args.idle_cpu_s))
    print(json.dumps(figures))


if __name__ == "__main__":
    sys.exit(main())

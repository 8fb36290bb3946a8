"""Runs the TUI (headless, via Textual's Pilot) on a big fleet and prints one JSON line of figures.

`python -m bench._app_probe PROXY_URL`: first rows painted, keypress -> repaint while the fleet refreshes,
event-loop stalls, repaint cost, peak RSS and the idle API rate. Its own process, so the RSS is the app's
alone (the fleet and the sequential boto3 loop live elsewhere).

Keypress -> repaint: a thread sends cursor keys every 80 ms the way Textual's input thread does
(`call_soon_threadsafe`), so keys land at any moment of a refresh, not only when the loop is idle. For each
key: sent (thread) -> handled (the table's cursor action) -> the first frame the screen composes after it
(`App._display`, called for every frame, also headless). That span is what a user waits for.
"""

from __future__ import annotations

import asyncio
import bisect
import gc
import json
import os
import statistics
import sys
import threading
import time
from typing import Any

from bench._table import peak_rss_mb

REFRESH_S = 2.0
KEYS = 100
KEY_EVERY_S = 0.08
IDLE_PHASE_S = 12.0


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else 0.0


class GcWatch:
    """Durations of the garbage collector's full (generation 2) passes: they stop the event loop too."""

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


async def probe(url: str) -> dict[str, Any]:
    from textual import events

    from bench.bench_fleet import build_services
    from hybridml.config import UiSettings
    from hybridml.tui.app import HybridApp

    services = build_services(url, ui=UiSettings(refresh_s=REFRESH_S))
    created = time.perf_counter()
    app = HybridApp(services)
    async with app.run_test(size=(160, 48)) as pilot:
        while (view := app.active_view) is None or view.loaded_at is None:
            await pilot.pause(0.01)
        first_load_s = time.perf_counter() - created

        frames: list[float] = []
        handled: list[float] = []
        repaints: list[float] = []
        display, table, apply = app._display, view.table, view._apply

        def on_frame(screen: Any, renderable: Any) -> None:
            frames.append(time.perf_counter())
            display(screen, renderable)

        def handler(action: Any) -> Any:
            def wrapped() -> None:
                handled.append(time.perf_counter())
                action()

            return wrapped

        def timed_apply(rows: Any) -> None:
            started = time.perf_counter()
            apply(rows)
            repaints.append(time.perf_counter() - started)

        app._display = on_frame  # type: ignore[method-assign]
        table.action_cursor_down = handler(table.action_cursor_down)  # type: ignore[method-assign]
        table.action_cursor_up = handler(table.action_cursor_up)  # type: ignore[method-assign]
        view._apply = timed_apply  # type: ignore[method-assign]

        loop = asyncio.get_running_loop()
        assert app._driver is not None
        send = app._driver.send_message
        sent: list[float] = []

        def typist() -> None:
            for n in range(KEYS):
                sent.append(time.perf_counter())
                loop.call_soon_threadsafe(send, events.Key("down" if n % 2 == 0 else "up", None))
                time.sleep(KEY_EVERY_S)

        gc_watch = GcWatch()
        gc.callbacks.append(gc_watch)
        loads_before = view.loaded_at
        thread = threading.Thread(target=typist, name="typist", daemon=True)
        thread.start()
        halfway = time.perf_counter() + KEYS * KEY_EVERY_S / 2
        forced = False
        while thread.is_alive():
            if not forced and time.perf_counter() > halfway:
                services.batch.invalidate_jobs()  # one full sweep (finished jobs too) in the middle
                view.reload()
                forced = True
            await asyncio.sleep(0.02)
        await pilot.pause(0.5)
        latencies = []
        for sent_at, handled_at in zip(sent, handled, strict=False):
            index = bisect.bisect_left(frames, handled_at)
            if index < len(frames):
                latencies.append(frames[index] - sent_at)
        refreshed = view.loaded_at != loads_before
        gc.callbacks.remove(gc_watch)

        meter = services.session.meter
        before, started = meter.total, time.perf_counter()
        await pilot.pause(IDLE_PHASE_S)
        idle_per_min = (meter.total - before) * 60 / (time.perf_counter() - started)
        app.tick_header()
        header_api = f"api {app.header.api_rate}/min"
        queues = len(await services.batch.queue_names())
        settings = services.settings
        bound = (queues * 5 + 1) * 60 / settings.ui.refresh_s
        bound += queues * 2 * 60 / max(settings.batch.terminal_refresh_s, settings.ui.refresh_s)
        rows = len(view.items)
    return {
        "first_load_s": first_load_s,
        "rows": rows,
        "key_p50_ms": statistics.median(latencies) * 1000,
        "key_p95_ms": _percentile(latencies, 0.95) * 1000,
        "key_max_ms": max(latencies) * 1000,
        "key_samples": len(latencies),
        "keys_handled": len(handled),
        "refreshes": len(repaints),
        "refreshed": refreshed,
        "repaint_ms": statistics.median(repaints) * 1000 if repaints else 0.0,
        "repaint_max_ms": max(repaints, default=0.0) * 1000,
        "rss_mb": peak_rss_mb(),
        "gc_full_passes": len(gc_watch.pauses),
        "gc_max_ms": max(gc_watch.pauses, default=0.0) * 1000,
        "latencies": [round(x * 1000) for x in latencies],
        "load": os.getloadavg()[0],
        "idle_per_min": idle_per_min,
        "idle_bound": round(bound),
        "header_api": header_api,
    }


def main() -> None:
    figures = asyncio.run(probe(sys.argv[1]))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

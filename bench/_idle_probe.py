"""The TUI left open on `:jobs`: requests it sends while idle, and how stale its rows get.

`python -m bench._idle_probe PROXY_URL MOTO_URL --seconds 180`: runs the app headless (default refresh and
budget), prints `LOADED` once the first sweep is done (the parent then resets the proxy's count), and, while
it sits idle, changes the fleet itself every CHANGE_EVERY_S (straight to moto, as another user or a pipeline
would: terminate a RUNNING job, which fails it; submit a job): the time from each change to the row showing it
is its staleness. At the end: one JSON line (staleness p50/p95, the most the header's `api N/...` showed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
import uuid
from typing import Any

CHANGE_EVERY_S = 15.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else -1.0


async def probe(url: str, moto: str, seconds: float) -> dict[str, Any]:
    from bench.bench_fleet import REGION, build_services
    from hybridml.domain.batch import JobStatus
    from hybridml.fleet.seed import boto3_client
    from hybridml.tui.app import HybridApp

    services = build_services(url)
    direct = boto3_client(moto, "batch")  # changes go straight to moto: they are not the app's calls
    app = HybridApp(services)
    staleness: list[float] = []
    peak_api = 0
    async with app.run_test(size=(160, 48)) as pilot:
        while (view := app.active_view) is None or view.loaded_at is None:
            await pilot.pause(0.05)
        await pilot.pause(2.0)
        print("LOADED", flush=True)
        ends = time.monotonic() + seconds
        listed = (await asyncio.to_thread(direct.describe_job_queues))["jobQueues"]
        queues = sorted(q["jobQueueName"] for q in listed if q["state"] == "ENABLED")  # a DISABLED one refuses
        n = 0
        while time.monotonic() < ends:
            if n % 2 == 0:
                running = next(j for j in view.items if j.status is JobStatus.RUNNING)
                await asyncio.to_thread(direct.terminate_job, jobId=running.job_id, reason="bench: changed elsewhere")
                changed_at, key = time.monotonic(), running.job_id

                def done(key: str = key) -> bool:
                    job = view.store.items.get(key)
                    return job is not None and job.status is JobStatus.FAILED

            else:
                answer = await asyncio.to_thread(
                    direct.submit_job,
                    jobName=f"bench-{uuid.uuid4().hex[:8]}",
                    jobQueue=queues[n % len(queues)],
                    jobDefinition="etl-parquet",
                )
                changed_at, key = time.monotonic(), answer["jobId"]

                def done(key: str = key) -> bool:
                    return key in view.store.items

            while not done() and time.monotonic() < ends + 60:
                peak_api = max(peak_api, services.session.budget.used())
                await pilot.pause(0.1)
            if done():
                staleness.append(time.monotonic() - changed_at)
            n += 1
            next_change = changed_at + CHANGE_EVERY_S
            while time.monotonic() < min(next_change, ends):
                peak_api = max(peak_api, services.session.budget.used())
                await pilot.pause(0.2)
        budget = services.session.budget.per_min
    del REGION
    return {
        "staleness_p50_s": statistics.median(staleness) if staleness else -1.0,
        "staleness_p95_s": percentile(staleness, 0.95),
        "changes": n,
        "seen": len(staleness),
        "peak_api_per_min": peak_api,
        "budget": budget,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench._idle_probe")
    parser.add_argument("url")
    parser.add_argument("moto")
    parser.add_argument("--seconds", type=float, default=180.0)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(probe(args.url, args.moto, args.seconds))), flush=True)


if __name__ == "__main__":
    main()

"""`hybridml jobs [--queue Q] [--status S] [--json]`: list Batch jobs."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from hybridml import clock
from hybridml.domain.batch import ALL_JOB_STATUSES, JobStatus
from hybridml.headless.exits import guarded
from hybridml.headless.output import print_json, print_table
from hybridml.render.fmt import age
from hybridml.services import Services


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("jobs", help="list Batch jobs (all queues unless --queue)")
    p.add_argument("--queue", action="append", help="queue name (repeatable)")
    p.add_argument("--status", action="append", choices=[s.value for s in JobStatus], help="repeatable")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=guarded("jobs", run))


async def run(args: argparse.Namespace, services: Services) -> int:
    queues = args.queue or [q.name for q in await services.batch.job_queues()]
    statuses = [JobStatus(s) for s in args.status] if args.status else list(ALL_JOB_STATUSES)
    jobs = sorted(
        await services.batch.jobs(queues, statuses),
        key=lambda j: j.created_at or datetime.min.replace(tzinfo=UTC),
        reverse=True,
    )
    if args.json:
        print_json(jobs)
        return 0
    now = clock.utcnow()
    print_table(
        ("JOB ID", "NAME", "STATUS", "QUEUE", "AGE", "REASON"),
        [(j.job_id, j.name, j.status.value, j.queue, age(j.created_at, now), j.status_reason[:60]) for j in jobs],
    )
    return 0

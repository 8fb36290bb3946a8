"""`hybridml training [--status S] [--json]`: list SageMaker training jobs."""

from __future__ import annotations

import argparse

from hybridml import clock
from hybridml.headless.exits import guarded
from hybridml.headless.output import print_json, print_table
from hybridml.render.fmt import age, human_duration
from hybridml.services import Services

STATUSES = ("InProgress", "Completed", "Failed", "Stopping", "Stopped")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("training", help="list SageMaker training jobs, newest first")
    p.add_argument("--status", action="append", choices=STATUSES, help="repeatable")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=guarded("training", run))


async def run(args: argparse.Namespace, services: Services) -> int:
    jobs = await services.training.training_jobs()
    if args.status:
        jobs = [j for j in jobs if j.status in args.status]
    if args.json:
        print_json(jobs)
        return 0
    now = clock.utcnow()
    print_table(
        ("NAME", "STATUS", "SECONDARY", "INSTANCE TYPE", "N", "DURATION", "BILLABLE", "AGE", "REASON"),
        [
            (
                j.name,
                j.status,
                j.secondary_status,
                j.instance_type or "-",
                str(j.instance_count or "-"),
                human_duration(j.duration_s(now)),
                human_duration(j.billable_seconds) if j.billable_seconds is not None else "-",
                age(j.created_at, now),
                j.failure_reason[:60],
            )
            for j in jobs
        ],
    )
    return 0

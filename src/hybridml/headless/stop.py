"""`hybridml cancel JOB_ID... --reason R` and `hybridml terminate JOB_ID... --reason R`.

Cancel applies to jobs that have not started (SUBMITTED/PENDING/RUNNABLE); a started job needs terminate.
Exit codes: 0 all sent, 1 some failed at AWS, 2 bad input (unknown id, wrong verb), 4 read-only.
`--json`: a list of {"job_id", "result": "ok" | "error", "message"}.
"""

from __future__ import annotations

import argparse
import sys

from hybridml.aws.errors import AwsError
from hybridml.headless.output import print_json, say
from hybridml.services import ReadOnlyRefused, Services

EXIT_FAILED, EXIT_BAD_INPUT, EXIT_READ_ONLY = 1, 2, 4


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    for verb, text in (
        ("cancel", "cancel Batch jobs that have not started (SUBMITTED/PENDING/RUNNABLE)"),
        ("terminate", "terminate Batch jobs (running containers are stopped)"),
    ):
        p = subparsers.add_parser(verb, help=text)
        p.add_argument("job_ids", nargs="+", metavar="JOB_ID")
        p.add_argument("--reason", required=True, help="recorded on the job (statusReason) and in the audit log")
        p.add_argument("--json", action="store_true", help="machine-readable output")
        p.set_defaults(func=run, verb=verb)


async def run(args: argparse.Namespace, services: Services) -> int:
    if not args.reason.strip():
        print(f"hybridml {args.verb}: --reason must not be empty", file=sys.stderr)
        return EXIT_BAD_INPUT
    jobs = {job.job_id: job for job in await services.batch.describe_jobs(args.job_ids)}
    results: list[dict[str, str]] = []
    code = 0
    for job_id in args.job_ids:
        job = jobs.get(job_id)
        if job is None:
            results.append({"job_id": job_id, "result": "error", "message": "no such job"})
            code = max(code, EXIT_BAD_INPUT)
            continue
        if args.verb == "cancel" and not job.status.is_cancellable:
            hint = "use terminate" if job.status.is_terminatable else "it has finished"
            results.append({"job_id": job_id, "result": "error", "message": f"job is {job.status.value}: {hint}"})
            code = max(code, EXIT_BAD_INPUT)
            continue
        try:
            action = services.batch_actions.cancel if args.verb == "cancel" else services.batch_actions.terminate
            await action(job_id, args.reason)
        except ReadOnlyRefused as exc:
            say(f"hybridml {args.verb}: {exc}", file=sys.stderr)
            return EXIT_READ_ONLY
        except AwsError as exc:
            results.append({"job_id": job_id, "result": "error", "message": str(exc)})
            code = max(code, EXIT_FAILED)
            continue
        results.append({"job_id": job_id, "result": "ok", "message": f"{args.verb} sent ({job.name})"})
    if args.json:
        print_json(results)
    else:
        for r in results:
            stream = sys.stdout if r["result"] == "ok" else sys.stderr
            say(f"{r['job_id']}  {r['result']}  {r['message']}", file=stream)
    return code

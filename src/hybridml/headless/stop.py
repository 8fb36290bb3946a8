"""`hybridml cancel JOB_ID... --reason R` and `hybridml terminate JOB_ID... --reason R`.

Cancel applies to jobs that have not started (SUBMITTED/PENDING/RUNNABLE); a started job needs terminate, and a
finished one has nothing to stop. Each job is re-read just before its call, and what happened is read back
after it. Exit codes (`headless/exits.py`): 0 all done, 1 some failed at AWS, 2 bad input (unknown id, wrong
verb, nothing to stop), 4 read-only, 5 outcome unknown.
`--json`: a list of {"job_id", "result": "ok" | "error", "message"}.
"""

from __future__ import annotations

import argparse
import sys

from hybridml.actions.batch import STOP, CancelJob, TerminateJob, stop_job
from hybridml.aws.errors import AwsError
from hybridml.headless.exits import BAD_INPUT, code_for, guarded
from hybridml.headless.output import print_json, say
from hybridml.services import Services


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    for verb, text in (
        ("cancel", "cancel Batch jobs that have not started (SUBMITTED/PENDING/RUNNABLE)"),
        ("terminate", "terminate Batch jobs (running containers are stopped)"),
    ):
        p = subparsers.add_parser(verb, help=text)
        p.add_argument("job_ids", nargs="+", metavar="JOB_ID")
        p.add_argument("--reason", required=True, help="recorded on the job (statusReason) and in the audit log")
        p.add_argument("--json", action="store_true", help="machine-readable output")
        p.set_defaults(func=guarded(verb, run), verb=verb)


async def run(args: argparse.Namespace, services: Services) -> int:
    if not args.reason.strip():
        say(f"hybridml {args.verb}: --reason must not be empty", file=sys.stderr)
        return BAD_INPUT
    services.check_writable(STOP)
    jobs = {job.job_id: job for job in await services.batch.describe_jobs(args.job_ids)}
    results: list[dict[str, str]] = []
    code = 0
    for job_id in args.job_ids:
        job = jobs.get(job_id)
        if job is None:
            results.append({"job_id": job_id, "result": "error", "message": "no such job"})
            code = max(code, BAD_INPUT)
            continue
        if args.verb == "cancel" and not job.status.is_cancellable:
            hint = "use terminate" if job.status.is_terminatable else "it has finished: nothing to stop"
            results.append({"job_id": job_id, "result": "error", "message": f"job is {job.status.value}: {hint}"})
            code = max(code, BAD_INPUT)
            continue
        try:
            if args.verb == "cancel":
                message = await stop_job(services, job, args.reason, first=CancelJob(job, args.reason, escalate=False))
            else:
                message = await stop_job(services, job, args.reason, first=TerminateJob(job, args.reason))
        except AwsError as exc:
            results.append({"job_id": job_id, "result": "error", "message": str(exc)})
            code = max(code, code_for(exc))
            continue
        results.append({"job_id": job_id, "result": "ok", "message": f"{message} ({job.name})"})
    if args.json:
        print_json(results)
    else:
        for r in results:
            stream = sys.stdout if r["result"] == "ok" else sys.stderr
            say(f"{r['job_id']}  {r['result']}  {r['message']}", file=stream)
    return code

"""`hybridml pipelines [--executions] [--json]`, `hybridml pipeline diagnose EXECUTION_ARN [--json]` and
`hybridml wait ARN` (pipeline execution, training / tuning / processing / transform job, endpoint).

Exit codes: diagnose 0 = the execution did not fail, 3 = it failed (the diagnosis is printed); wait 0 = it
succeeded (endpoint: InService), 1 = it failed, 3 = it was stopped, 124 = still running at --timeout;
2 = bad input or not found."""

from __future__ import annotations

import argparse
import sys

from rich.console import Console

from hybridml import clock
from hybridml.aws.errors import InvalidRequest, NotFound
from hybridml.aws.waiting import FAILED, STOPPED, SUCCEEDED, WaitTimedOut, wait_for
from hybridml.headless.output import print_json, print_table, say
from hybridml.render.fmt import age, human_duration
from hybridml.render.pipelines import diagnosis_text, steps_table
from hybridml.services import Services

EXIT_FAILED, EXIT_BAD_INPUT, EXIT_FOUND, EXIT_STOPPED, EXIT_TIMEOUT = 1, 2, 3, 3, 124


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("pipelines", help="list SageMaker pipelines with their newest run (or every run)")
    p.add_argument("--executions", action="store_true", help="list executions instead (newest first)")
    p.add_argument("--pipeline", help="with --executions: only this pipeline's")
    p.add_argument("--days", type=float, default=14.0, help="with --executions: started in the last N days")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run_list)
    one = subparsers.add_parser("pipeline", help="one pipeline execution")
    verbs = one.add_subparsers(dest="verb", metavar="VERB", required=True)
    d = verbs.add_parser(
        "diagnose", help="the first failed step, its FailureReason and the job it ran (exit 3: failed)"
    )
    d.add_argument("execution_arn", metavar="EXECUTION_ARN")
    d.add_argument("--json", action="store_true", help="machine-readable output")
    d.set_defaults(func=run_diagnose)
    w = subparsers.add_parser("wait", help="wait for a SageMaker run to finish; the exit code follows its outcome")
    w.add_argument(
        "arn", metavar="ARN", help="pipeline execution, training/tuning/processing/transform job or endpoint"
    )
    w.add_argument("--timeout", type=float, default=3600.0, help="seconds to wait (default 3600; exit 124 after)")
    w.add_argument("--poll", type=float, default=15.0, help="seconds between polls (default 15)")
    w.add_argument("--json", action="store_true", help="print the final state as JSON")
    w.set_defaults(func=run_wait)


async def run_list(args: argparse.Namespace, services: Services) -> int:
    now = clock.utcnow()
    if args.executions:
        executions = await services.pipelines.executions(args.pipeline, window_d=args.days)
        if args.json:
            print_json(executions)
            return 0
        print_table(
            ("PIPELINE", "RUN NAME", "STATUS", "STARTED", "DURATION", "FAILED STEP", "EXECUTION ARN"),
            [
                (
                    e.pipeline,
                    e.display_name or "-",
                    e.status,
                    age(e.started_at, now),
                    human_duration(e.duration_s(now)),
                    e.failed_step or "-",
                    e.arn,
                )
                for e in executions
            ],
        )
        return 0
    pipelines = await services.pipelines.pipelines()
    if args.json:
        print_json(pipelines)
        return 0
    rows: list[tuple[str, ...]] = []
    for p in pipelines:
        e = p.latest
        rows.append(
            (
                p.name,
                e.status if e else "never run",
                age(e.started_at, now) if e else "-",
                human_duration(e.duration_s(now)) if e else "-",
                (e.failed_step or "-") if e else "-",
                (e.display_name or e.execution_id) if e else "-",
            )
        )
    print_table(("NAME", "LAST RUN", "STARTED", "DURATION", "FAILED STEP", "RUN NAME"), rows)
    return 0


async def run_diagnose(args: argparse.Namespace, services: Services) -> int:
    try:
        diagnosis = await services.pipelines.diagnose(args.execution_arn)
    except (NotFound, InvalidRequest) as exc:
        say(f"hybridml pipeline diagnose: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    failed = diagnosis.execution.failed
    if args.json:
        step = diagnosis.failed_step
        print_json(
            {
                "execution": diagnosis.execution,
                "failed_step": step,
                "reason": diagnosis.reason if failed else "",
                "logs": str(step.job.log_source) if step and step.job and step.job.log_source else "",
                "steps": diagnosis.steps,
            }
        )
    else:
        now = clock.utcnow()
        console = Console(highlight=False, soft_wrap=True)
        console.print(diagnosis_text(diagnosis, now))
        console.print(steps_table(diagnosis.steps, now))
    return EXIT_FOUND if failed else 0


async def run_wait(args: argparse.Namespace, services: Services) -> int:
    def progress(state: object, elapsed: float) -> None:
        say(f"  {int(elapsed):>5}s  {getattr(state, 'status', '?')}", file=sys.stderr)

    try:
        state = await wait_for(services.session, args.arn, timeout_s=args.timeout, poll_s=args.poll, on_status=progress)
    except (NotFound, InvalidRequest) as exc:
        say(f"hybridml wait: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except WaitTimedOut as exc:
        say(f"hybridml wait: {exc}", file=sys.stderr)
        if args.json and exc.state is not None:
            print_json(exc.state)
        return EXIT_TIMEOUT
    if args.json:
        print_json(state)
    else:
        reason = f": {state.reason}" if state.reason and state.outcome != SUCCEEDED else ""
        say(f"{state.kind} {state.name} {state.status}{reason}")
    return {SUCCEEDED: 0, FAILED: EXIT_FAILED, STOPPED: EXIT_STOPPED}[state.outcome]

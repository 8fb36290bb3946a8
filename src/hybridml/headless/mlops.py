"""Headless twins of :tuning, :monitors, :models and :notebooks, and their actions:

`hybridml tuning [NAME] [--json]` (NAME: its training jobs, best first), `hybridml stop-tuning NAME`,
`hybridml monitors [SCHEDULE] [--json]` (SCHEDULE: its runs), `hybridml violations SCHEDULE [--json]` (the
latest run's report), `hybridml models [GROUP] [--json]`, `hybridml approve|reject MODEL_PACKAGE_ARN`,
`hybridml notebooks [--json]`, `hybridml stop-notebook NAME|studio/DOMAIN/OWNER/TYPE/APP`.

Mutations are actions (`hybridml.actions.mlops`) sent by `Services.run`: refused with --read-only, sent once,
audit-logged. Exit codes as everywhere (`headless/exits.py`): 0 done, 1 AWS refused, 2 bad input (an unknown name,
nothing to do), 4 read-only, 5 outcome unknown, 6 the audit log cannot be written."""

from __future__ import annotations

import argparse
import sys

from hybridml import clock
from hybridml.actions.mlops import (
    MODEL_APPROVE,
    MODEL_REJECT,
    NOTEBOOK_STOP,
    TUNING_STOP,
    StopTuningJob,
    set_approval,
    stop_notebook,
)
from hybridml.aws.errors import NotFound
from hybridml.domain.tuning import by_objective
from hybridml.headless.exits import AWS_ERROR, BAD_INPUT, OK, Command, guarded
from hybridml.headless.output import print_json, print_table, say
from hybridml.render.fmt import age, human_duration
from hybridml.render.tuning import money, objective_label, value
from hybridml.services import Services


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    def add(name: str, help_text: str, func: Command, *positional: tuple[str, str, bool], json: bool = True) -> None:
        p = subparsers.add_parser(name, help=help_text)
        for arg, arg_help, optional in positional:
            p.add_argument(arg, nargs="?" if optional else None, help=arg_help)
        if json:
            p.add_argument("--json", action="store_true", help="machine-readable output")
        p.set_defaults(func=guarded(name, func), command_name=name)

    add(
        "tuning",
        "list hyperparameter tuning jobs (NAME: its training jobs, best first)",
        run_tuning,
        ("name", "a tuning job", True),
    )
    add(
        "stop-tuning",
        "stop a tuning job and the training jobs it is running",
        run_stop_tuning,
        ("name", "the tuning job", False),
        json=False,
    )
    add(
        "monitors",
        "list Model Monitor schedules with their last run (SCHEDULE: its runs)",
        run_monitors,
        ("schedule", "a monitoring schedule", True),
    )
    add(
        "violations",
        "the constraint violations report of a schedule's latest run",
        run_violations,
        ("schedule", "the monitoring schedule", False),
    )
    add(
        "models",
        "list model package groups (GROUP: its versions, newest first)",
        run_models,
        ("group", "a model package group", True),
    )
    for verb in ("approve", "reject"):
        p = subparsers.add_parser(verb, help=f"{verb} a model version (UpdateModelPackage)")
        p.add_argument("arn", metavar="MODEL_PACKAGE_ARN")
        p.add_argument("--description", default="", help="ApprovalDescription (required to reject)")
        p.set_defaults(
            func=guarded(verb, run_approval), approval="Approved" if verb == "approve" else "Rejected", verb=verb
        )
    add("notebooks", "list notebook instances and Studio apps with what they cost", run_notebooks)
    add(
        "stop-notebook",
        "stop a notebook instance (NAME) or a Studio app (its key from `notebooks --json`)",
        run_stop_notebook,
        ("name", "NAME or studio/DOMAIN/OWNER/TYPE/APP", False),
        json=False,
    )


def _fail(command: str, message: str, code: int) -> int:
    say(f"hybridml {command}: {message}", file=sys.stderr)
    return code


async def run_tuning(args: argparse.Namespace, services: Services) -> int:
    now = clock.utcnow()
    if args.name:
        job = await services.tuning.tuning_job(args.name)
        trials = by_objective(await services.tuning.training_jobs(args.name), job.objective_type)
        if args.json:
            print_json({"tuning_job": job, "training_jobs": trials})
            return 0
        say(f"{job.name} {job.status}  objective {objective_label(job)}  best {value(job.best_value)}")
        print_table(
            ("TRAINING JOB", "STATUS", "OBJECTIVE", "DURATION", "HYPERPARAMETERS", "REASON"),
            [
                (
                    t.name,
                    t.status,
                    value(t.objective_value),
                    human_duration(t.duration_s(now)),
                    ",".join(f"{k}={v}" for k, v in t.tuned),
                    t.failure_reason[:60],
                )
                for t in trials
            ],
        )
        return 0
    jobs = await services.tuning.tuning_jobs()
    if args.json:
        print_json(jobs)
        return 0
    print_table(
        ("NAME", "STATUS", "OBJECTIVE", "BEST", "DONE", "RUN", "FAIL", "RUNTIME", "$/h", "BEST JOB", "AGE"),
        [
            (
                j.name,
                j.status,
                objective_label(j),
                value(j.best_value),
                str(j.completed),
                str(j.in_progress),
                str(j.failed),
                human_duration(j.duration_s(now)),
                money(j.price_per_hour) if j.in_progress else "-",
                j.best_training_job or "-",
                age(j.created_at, now),
            )
            for j in jobs
        ],
    )
    return 0


async def run_stop_tuning(args: argparse.Namespace, services: Services) -> int:
    services.check_writable(TUNING_STOP)
    try:
        job = await services.tuning.tuning_job(args.name)
    except NotFound as exc:
        return _fail("stop-tuning", str(exc), BAD_INPUT)
    await services.run(StopTuningJob(job))
    say(f"{job.name}: stop requested (Stopping; its running training jobs stop too)")
    return OK


async def run_monitors(args: argparse.Namespace, services: Services) -> int:
    now = clock.utcnow()
    if args.schedule:
        runs = await services.monitoring.executions(args.schedule)
        if args.json:
            print_json(runs)
            return 0
        print_table(
            ("SCHEDULED", "RESULT", "VIOLATIONS", "PROCESSING JOB", "REASON"),
            [
                (
                    age(r.scheduled_at, now),
                    r.status,
                    "-" if r.violations is None else str(r.violations),
                    r.processing_job or "-",
                    r.failure_reason[:60],
                )
                for r in runs
            ],
        )
        return 0
    schedules = await services.monitoring.schedules()
    if args.json:
        print_json(schedules)
        return 0
    print_table(
        ("NAME", "ENDPOINT", "STATUS", "LAST RUN", "RESULT", "VIOLATIONS", "REASON"),
        [
            (
                s.name,
                s.endpoint or "-",
                s.status,
                age(s.last.scheduled_at, now) if s.last else "-",
                s.last.status if s.last else "-",
                "-" if s.last is None or s.last.violations is None else str(s.last.violations),
                (s.failure_reason or (s.last.failure_reason if s.last else ""))[:60],
            )
            for s in schedules
        ],
    )
    return 0


async def run_violations(args: argparse.Namespace, services: Services) -> int:
    runs = await services.monitoring.executions(args.schedule)
    if not runs:
        return _fail("violations", f"{args.schedule} has no run in the last two days", BAD_INPUT)
    last = runs[0]
    report = await services.monitoring.report(last) if last.status != "Failed" else None
    if args.json:
        print_json({"execution": last, "report": report})
        return 0
    say(f"{last.schedule}: {last.status} (scheduled {age(last.scheduled_at, clock.utcnow())} ago)")
    if report is None:
        say(f"FailureReason: {last.failure_reason or '-'}")
        return 0
    say(f"report: {report.location or '-'}")
    if report.error:
        say(f"cannot read it: {report.error}", file=sys.stderr)
        return AWS_ERROR
    print_table(
        ("FEATURE", "CHECK", "DESCRIPTION"), [(v.feature, v.check_type, v.description) for v in report.violations]
    )
    return 0


async def run_models(args: argparse.Namespace, services: Services) -> int:
    now = clock.utcnow()
    if args.group:
        packages = await services.registry.packages(args.group)
        if args.json:
            print_json(packages)
            return 0
        print_table(
            ("VERSION", "APPROVAL", "STATUS", "AGE", "ARN"),
            [(str(p.version or "-"), p.approval, p.status, age(p.created_at, now), p.arn) for p in packages],
        )
        return 0
    groups = await services.registry.groups()
    if args.json:
        print_json(groups)
        return 0
    print_table(
        ("GROUP", "VERSIONS", "LATEST", "LATEST STATUS", "APPROVED", "PENDING"),
        [
            (
                g.name,
                str(len(g.versions)),
                f"v{g.latest.version}" if g.latest else "-",
                g.latest.approval if g.latest else "-",
                f"v{g.latest_approved.version}" if g.latest_approved else "-",
                str(g.pending),
            )
            for g in groups
        ],
    )
    return 0


async def run_approval(args: argparse.Namespace, services: Services) -> int:
    services.check_writable(MODEL_APPROVE if args.approval == "Approved" else MODEL_REJECT)
    if args.approval == "Rejected" and not args.description.strip():
        return _fail(args.verb, "--description is required to reject (it is recorded on the version)", BAD_INPUT)
    try:
        package = await services.registry.package(args.arn)
    except NotFound as exc:
        return _fail(args.verb, str(exc), BAD_INPUT)
    await services.run(set_approval(package, args.approval, args.description.strip()))
    say(f"{package.label}: {package.approval} -> {args.approval}")
    return OK


async def run_notebooks(args: argparse.Namespace, services: Services) -> int:
    found = await services.notebooks.notebooks()
    if services.notebooks.unreadable:
        say(f"hybridml notebooks: partly read ({services.notebooks.unreadable})", file=sys.stderr)
    if args.json:
        print_json([{"key": n.key, **_plain(n)} for n in found])
        return 0
    now = clock.utcnow()
    print_table(
        ("NAME", "KIND", "STATUS", "INSTANCE TYPE", "RUNNING", "$/h", "SO FAR", "OWNER"),
        [
            (
                n.name,
                n.app_type or "instance",
                n.status,
                n.instance_type or "-",
                human_duration(n.running_s(now)),
                f"{n.price_per_hour:.3f}" if n.price_per_hour is not None and n.running else "-",
                f"{n.cost_so_far(now):,.2f}" if n.cost_so_far(now) is not None else "-",
                n.owner or "-",
            )
            for n in found
        ],
    )
    return 0


def _plain(n: object) -> dict[str, object]:
    from hybridml.headless.output import to_jsonable

    return dict(to_jsonable(n))


async def run_stop_notebook(args: argparse.Namespace, services: Services) -> int:
    services.check_writable(NOTEBOOK_STOP)
    found = await services.notebooks.notebooks()
    wanted = args.name if args.name.startswith("studio/") else f"instance/{args.name}"
    match = next((n for n in found if n.key == wanted), None)
    if match is None:
        hint = "see `hybridml notebooks --json` for keys"
        return _fail("stop-notebook", f"no notebook {args.name!r} ({hint})", BAD_INPUT)
    action = stop_notebook(match)
    await services.run(action)
    say(f"{match.label}: stop requested ({action.operation})")
    return OK

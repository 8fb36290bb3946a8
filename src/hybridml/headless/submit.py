"""`hybridml submit [QUEUE] [DEFINITION] [NAME] [--param k=v ...] [overrides] [--template T] [--json]`.

The same checks as the TUI form: the request is validated and fit-checked before anything is sent; a job that
can never run is refused unless `--force`, and so is a request identical to one whose outcome is unknown (it
may have landed). Exit codes (`headless/exits.py`): 0 sent, 1 AWS error, 2 bad input, 3 never fits,
4 read-only, 5 outcome unknown, 6 audit log not writable.
`--json`: {"job_id", "job_name", "job_arn", "queue", "fit": {"ok", "problems", "warnings"}}; `--dry-run` prints
{"request": <the SubmitJob request, in AWS's own keys>, "fit": ...}.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from hybridml.actions.batch import SubmitJob
from hybridml.domain.submit import (
    SubmitRequest,
    apply_template,
    default_job_name,
    parse_pairs,
    resolve_definition,
    shaped_for,
    split_words,
)
from hybridml.headless.exits import BAD_INPUT, NEVER_FITS, OUTCOME_UNKNOWN, guarded
from hybridml.headless.output import print_json, say
from hybridml.services import Services
from hybridml.triage.fit import FitResult, fit_check


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("submit", help="submit a Batch job (checked and fit-tested before it is sent)")
    p.add_argument("queue", nargs="?", help="job queue (or from --template)")
    p.add_argument("definition", nargs="?", help="job definition: name, name:revision or ARN")
    p.add_argument("name", nargs="?", help="job name (default: <definition>-<timestamp>)")
    p.add_argument("--template", help="named template from the config ([templates.NAME])")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE", help="Ref:: parameter (repeatable)")
    p.add_argument("--vcpus", type=float, help="vCPU override")
    p.add_argument("--memory", type=int, metavar="MIB", help="memory override in MiB")
    p.add_argument("--gpus", type=int, help="GPU override")
    p.add_argument(
        "--command",
        dest="command_override",
        help="command override (shell-style quoting; sent as a list, never run here)",
    )
    p.add_argument("--env", action="append", default=[], metavar="KEY=VALUE", help="environment (repeatable)")
    p.add_argument("--timeout", type=int, metavar="SECONDS", help="attempt timeout in seconds (>= 60)")
    p.add_argument("--retry-attempts", type=int, help="1-10")
    p.add_argument("--array-size", type=int, help="2-10000: submit an array job")
    p.add_argument("--depends-on", action="append", default=[], metavar="JOB_ID", help="repeatable")
    p.add_argument(
        "--force",
        action="store_true",
        help="send even when the fit check says it can never run, or an identical submit's outcome is unknown",
    )
    p.add_argument("--dry-run", action="store_true", help="print the SubmitJob request; send nothing")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=guarded("submit", run))


def _fail(message: str, code: int = BAD_INPUT) -> int:
    say(f"hybridml submit: {message}", file=sys.stderr, newlines=True)
    return code


def build_request(args: argparse.Namespace, services: Services) -> tuple[SubmitRequest | None, list[str]]:
    problems: list[str] = []
    params, bad = parse_pairs(args.param, "--param")
    env, bad_env = parse_pairs(args.env, "--env")
    problems += bad + bad_env
    command = None
    if args.command_override is not None:
        command, problem = split_words(args.command_override)
        if problem:
            problems.append(problem)
    request = SubmitRequest(queue=args.queue or "", job_definition=args.definition or "", job_name=args.name or "")
    if args.template:
        template = services.settings.templates.get(args.template)
        if template is None:
            known = ", ".join(sorted(services.settings.templates)) or "none configured"
            return None, [f"no template '{args.template}' (known: {known})"]
        request = apply_template(template, request)
    # the command line wins over the template
    overrides: dict[str, Any] = {
        "queue": args.queue,
        "job_definition": args.definition,
        "job_name": args.name,
        "vcpus": args.vcpus,
        "memory_mib": args.memory,
        "gpus": args.gpus,
        "command": command,
        "timeout_s": args.timeout,
        "retry_attempts": args.retry_attempts,
        "array_size": args.array_size,
        "depends_on": tuple(args.depends_on) or None,
    }
    request = replace(
        request,
        parameters=tuple((dict(request.parameters) | dict(params)).items()),
        environment=tuple((dict(request.environment) | dict(env)).items()),
        **{k: v for k, v in overrides.items() if v is not None},
    )
    if not request.job_name and request.job_definition:
        request = replace(request, job_name=default_job_name(request.job_definition, datetime.now(UTC)))
    return request, problems + request.problems()


async def run(args: argparse.Namespace, services: Services) -> int:
    request, problems = build_request(args, services)
    if request is None or problems:
        return _fail("not sent:\n  " + "\n  ".join(problems))
    queues, ces, definitions = (
        await services.batch.job_queues(),
        await services.batch.compute_environments(),
        await services.batch.job_definitions(),
    )
    definition = resolve_definition(request.job_definition, definitions)
    if definition is None:
        return _fail(f"not sent: no ACTIVE job definition '{request.job_definition}'")
    request = shaped_for(request, definition)  # ECS / EKS / multi-node definitions take their own overrides
    queue = next((q for q in queues if request.queue in (q.name, q.arn)), None)
    if queue is None:
        return _fail(f"not sent: no job queue '{request.queue}' (known: {', '.join(q.name for q in queues)})")
    resources = request.effective_resources(definition)
    fit = fit_check(resources, queue, ces, array_size=request.array_size, platform=definition.platform)
    for warning in fit.warnings:
        say(f"warning: {warning}", file=sys.stderr)
    action = SubmitJob(request)
    if args.dry_run:
        print_json({"request": action.request(), "fit": _fit_json(fit)})
        return 0
    if not fit.ok and not args.force:
        reasons = "\n  ".join(fit.problems)
        return _fail(f"not sent: the job can never run:\n  {reasons}\n(--force sends it anyway)", NEVER_FITS)
    services.check_writable(action.spec)
    landed = services.possibly_landed(action)
    if landed and not args.force:
        return _fail(
            f"not sent: an identical submit ({landed}) may have landed (its outcome is unknown): check "
            f"`hybridml jobs --queue {request.queue}` first (--force sends it again)",
            OUTCOME_UNKNOWN,
        )
    submitted = await services.run(action)
    if args.json:
        print_json(
            {
                "job_id": submitted.job_id,
                "job_name": submitted.name,
                "job_arn": submitted.arn,
                "queue": submitted.queue,
                "fit": _fit_json(fit),
            }
        )
    else:
        say(f"submitted {submitted.name} {submitted.job_id}")
    return 0


def _fit_json(fit: FitResult) -> dict[str, Any]:
    return {"ok": fit.ok, "problems": list(fit.problems), "warnings": list(fit.warnings)}

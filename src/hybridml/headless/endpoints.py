"""`hybridml endpoints [--json]`, `hybridml scale ENDPOINT --instances N [--variant V] [--min N --max N]` and
`hybridml invoke ENDPOINT (--body TEXT | --file PATH) [--content-type T] [--accept A] [--json]`."""

from __future__ import annotations

import argparse
import sys
import time

from hybridml import clock
from hybridml.actions.sagemaker import INVOKE, SCALE, InvokeEndpoint, UpdateCapacity, scale_actions
from hybridml.actions.sagemaker import run_scale as send_scale
from hybridml.aws.errors import InvalidRequest
from hybridml.domain.sagemaker import ScaleRequest, parse_count
from hybridml.headless.args import seconds
from hybridml.headless.exits import BAD_INPUT, guarded
from hybridml.headless.output import print_json, print_table, say, to_jsonable
from hybridml.payload import payload_from
from hybridml.render.fmt import age, per_hour
from hybridml.services import Services


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("endpoints", help="list SageMaker endpoints with capacity and autoscaling")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=guarded("endpoints", run_list))
    s = subparsers.add_parser("scale", help="scale a SageMaker endpoint variant and wait until InService")
    s.add_argument("endpoint")
    s.add_argument("--instances", help="desired instance count")
    s.add_argument("--variant", help="production variant (default: the first)")
    s.add_argument("--min", dest="min_capacity", help="autoscaling minimum")
    s.add_argument("--max", dest="max_capacity", help="autoscaling maximum")
    s.add_argument("--no-wait", action="store_true", help="return once the request is accepted")
    s.add_argument("--timeout", type=seconds(1, 6 * 3600), help="seconds to wait for InService (default: config)")
    s.set_defaults(func=guarded("scale", run_scale))
    i = subparsers.add_parser("invoke", help="send one request to a SageMaker endpoint; the body goes to stdout")
    i.add_argument("endpoint")
    source = i.add_mutually_exclusive_group(required=True)
    source.add_argument("--body", help="the payload as text (e.g. JSON)")
    source.add_argument("--file", help="read the payload from this file")
    i.add_argument("--content-type", help="default: [sagemaker] invoke_content_type (application/json)")
    i.add_argument("--accept", default="", help="Accept header")
    i.add_argument("--json", action="store_true", help="print status, latency and body as one JSON object")
    i.set_defaults(func=guarded("invoke", run_invoke))


async def run_list(args: argparse.Namespace, services: Services) -> int:
    endpoints = await services.sagemaker.endpoints()
    if args.json:  # usd_per_hour: what its instances bill an hour (catalogue price x count, every variant)
        print_json([{**to_jsonable(e), "usd_per_hour": e.price_per_hour} for e in endpoints])
        return 0
    now = clock.utcnow()
    print_table(
        ("NAME", "STATUS", "INSTANCE TYPE", "CURRENT", "DESIRED", "$/H", "AUTOSCALING", "AGE", "REASON"),
        [
            (
                e.name,
                e.status,
                e.instance_type or "-",
                str(e.current_instances if e.current_instances is not None else "-"),
                str(e.desired_instances if e.desired_instances is not None else "-"),
                per_hour(e.price_per_hour),
                ",".join(v.autoscaling for v in e.variants) or "-",
                age(e.created_at, now),
                e.failure_reason,
            )
            for e in endpoints
        ],
    )
    return 0


def _fail(message: str, code: int = BAD_INPUT) -> int:
    say(f"hybridml scale: {message}", file=sys.stderr)
    return code


async def run_scale(args: argparse.Namespace, services: Services) -> int:
    try:
        desired = parse_count(args.instances or "", "--instances")
        lo = parse_count(args.min_capacity or "", "--min")
        hi = parse_count(args.max_capacity or "", "--max")
    except ValueError as exc:
        return _fail(str(exc))
    services.check_writable(SCALE)
    endpoint = await services.sagemaker.endpoint(args.endpoint)
    variant = endpoint.variant(args.variant)
    if variant is None:
        return _fail(f"endpoint {endpoint.name} has no variant {args.variant!r}")
    request = ScaleRequest(endpoint.name, variant.name, desired, lo, hi)
    problems = request.problems(variant)
    if problems:
        return _fail("; ".join(problems))
    for warning in request.warnings(variant):
        say(f"warning: {warning}", file=sys.stderr)
    try:
        actions = await scale_actions(services, request)
    except InvalidRequest as exc:
        return _fail(exc.message)
    started = time.monotonic()
    await send_scale(services, actions)
    if not any(isinstance(a, UpdateCapacity) for a in actions) or args.no_wait:
        print(f"{endpoint.name}/{variant.name}: request accepted")
        return 0
    settings = services.settings.sagemaker
    done = await services.sagemaker.wait_in_service(
        endpoint.name,
        timeout_s=args.timeout or settings.endpoint_wait_s,
        poll_s=settings.endpoint_poll_s,
        on_status=lambda e, t: print(f"  {int(t):>4}s  {e.status}", file=sys.stderr),
        expect={variant.name: desired} if desired is not None else None,
    )
    now_variant = done.variant(variant.name)
    count = now_variant.current_instance_count if now_variant else "?"
    print(f"{done.name}/{variant.name}: InService with {count} instances ({time.monotonic() - started:.0f}s)")
    return 0


async def run_invoke(args: argparse.Namespace, services: Services) -> int:
    services.check_writable(INVOKE)
    content_type = args.content_type or services.settings.sagemaker.invoke_content_type
    try:
        body = payload_from(args.body or "", args.file or "", content_type)
    except ValueError as exc:
        say(f"hybridml invoke: {exc}", file=sys.stderr)
        return BAD_INPUT
    result = await services.run(InvokeEndpoint(args.endpoint, body, content_type, args.accept))
    if args.json:
        print_json(
            {
                "endpoint": result.endpoint,
                "content_type": result.content_type,
                "latency_ms": round(result.latency_ms, 1),
                "invoked_variant": result.invoked_variant,
                "body": result.text(),
            }
        )
        return 0
    print(f"{result.content_type}  {result.latency_ms:.1f} ms  {len(result.body)} bytes", file=sys.stderr)
    sys.stdout.buffer.write(result.body)
    sys.stdout.flush()
    return 0

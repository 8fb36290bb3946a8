"""`hybridml weights ENDPOINT VARIANT=WEIGHT ... [--no-wait] [--timeout S] [--json]`: shift A/B traffic between an
endpoint's production variants (the `sagemaker.endpoint.weights` action: UpdateEndpointWeightsAndCapacities),
print before -> after, wait for InService.

Exit codes (`headless/exits.py`): 0 done, 1 AWS refused or the update failed, 2 bad input (not a number, an unknown
variant or endpoint, nothing to change), 4 read-only, 5 outcome unknown, 6 the audit log cannot be written."""

from __future__ import annotations

import argparse
import sys

from hybridml.actions.mlops import WEIGHTS, shift_weights
from hybridml.aws.errors import NotFound
from hybridml.domain.traffic import parse_weights, shares
from hybridml.headless.args import seconds
from hybridml.headless.exits import BAD_INPUT, OK, guarded
from hybridml.headless.output import print_json, say
from hybridml.services import Services


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("weights", help="shift traffic between an endpoint's variants (A/B) and wait")
    p.add_argument("endpoint")
    p.add_argument("weights", nargs="+", metavar="VARIANT=WEIGHT", help="new weights; other variants keep theirs")
    p.add_argument("--no-wait", action="store_true", help="return once the request is accepted")
    p.add_argument("--timeout", type=seconds(1, 6 * 3600), help="seconds to wait for InService (default: config)")
    p.add_argument("--json", action="store_true", help="print before/after as JSON")
    p.set_defaults(func=guarded("weights", run))


def _fail(message: str, code: int) -> int:
    say(f"hybridml weights: {message}", file=sys.stderr)
    return code


async def run(args: argparse.Namespace, services: Services) -> int:
    services.check_writable(WEIGHTS)
    try:
        weights = parse_weights(args.weights)
    except ValueError as exc:
        return _fail(str(exc), BAD_INPUT)
    try:
        action = await shift_weights(services, args.endpoint, weights)
    except NotFound as exc:
        return _fail(str(exc), BAD_INPUT)
    old, new = action.before(), action.after()
    await services.run(action)
    if not args.json:
        old_share, new_share = shares(old), shares(new)
        for name in old:
            say(f"{name}: {old[name]:g} ({old_share[name]:.0%}) -> {new[name]:g} ({new_share[name]:.0%})")
    if not args.no_wait:
        settings = services.settings.sagemaker
        await services.sagemaker.wait_in_service(
            action.target,
            timeout_s=args.timeout or settings.endpoint_wait_s,
            poll_s=settings.endpoint_poll_s,
            on_status=lambda e, t: say(f"  {int(t):>4}s  {e.status}", file=sys.stderr),
        )
    if args.json:
        print_json({"endpoint": action.target, "before": old, "after": new, "waited": not args.no_wait})
    return OK

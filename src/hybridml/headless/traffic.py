"""`hybridml weights ENDPOINT VARIANT=WEIGHT ... [--no-wait] [--timeout S] [--json]`: shift A/B traffic between an
endpoint's production variants (UpdateEndpointWeightsAndCapacities), print before -> after, wait for InService.

Exit codes: 0 done, 1 AWS refused or the update failed, 2 bad input, 4 read-only."""

from __future__ import annotations

import argparse
import sys

from hybridml.aws.errors import AwsError, InvalidRequest, NotFound
from hybridml.aws.traffic import shift_weights
from hybridml.domain.traffic import WeightRequest, parse_weights, shares
from hybridml.headless.output import print_json, say
from hybridml.services import ReadOnlyRefused, Services


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("weights", help="shift traffic between an endpoint's variants (A/B) and wait")
    p.add_argument("endpoint")
    p.add_argument("weights", nargs="+", metavar="VARIANT=WEIGHT", help="new weights; other variants keep theirs")
    p.add_argument("--no-wait", action="store_true", help="return once the request is accepted")
    p.add_argument("--timeout", type=float, help="seconds to wait for InService (default: config)")
    p.add_argument("--json", action="store_true", help="print before/after as JSON")
    p.set_defaults(func=run)


def _fail(message: str, code: int) -> int:
    say(f"hybridml weights: {message}", file=sys.stderr)
    return code


async def run(args: argparse.Namespace, services: Services) -> int:
    try:
        request = WeightRequest(args.endpoint, parse_weights(args.weights))
    except ValueError as exc:
        return _fail(str(exc), 2)
    try:
        before = await shift_weights(services, request)
    except ReadOnlyRefused as exc:
        return _fail(str(exc), 4)
    except (InvalidRequest, NotFound) as exc:
        return _fail(str(exc), 2)
    except AwsError as exc:
        return _fail(str(exc), 1)
    old = {v.name: v.current_weight or 0.0 for v in before.variants}
    new = request.after(before)
    if not args.json:
        old_share, new_share = shares(old), shares(new)
        for name in old:
            say(f"{name}: {old[name]:g} ({old_share[name]:.0%}) -> {new[name]:g} ({new_share[name]:.0%})")
    if not args.no_wait:
        settings = services.settings.sagemaker
        try:
            await services.sagemaker.wait_in_service(
                before.name,
                timeout_s=args.timeout or settings.endpoint_wait_s,
                poll_s=settings.endpoint_poll_s,
                on_status=lambda e, t: say(f"  {int(t):>4}s  {e.status}", file=sys.stderr),
            )
        except AwsError as exc:
            return _fail(str(exc), 1)
    if args.json:
        print_json({"endpoint": before.name, "before": old, "after": new, "waited": not args.no_wait})
    return 0

"""`hybridml prices`: the instance prices in use (shipped catalogue, or a refreshed cache over it);
`hybridml prices refresh`: read current ones from AWS (Price List API, EC2 spot price history) into the cache."""

from __future__ import annotations

import argparse
import sys

from hybridml.domain import prices
from hybridml.headless.exits import AWS_ERROR, guarded
from hybridml.headless.output import print_json, print_table, say
from hybridml.services import Services


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("prices", help="instance prices used for costs; `prices refresh` reads current ones")
    p.add_argument("action", nargs="?", choices=("show", "refresh"), default="show")
    p.add_argument("--json", action="store_true", help="print the prices as JSON")
    p.set_defaults(func=guarded("prices", prices_command))


def _show(book: prices.PriceBook, args: argparse.Namespace) -> None:
    if args.json:
        print_json(book)
        return
    say(f"prices as of {book.as_of} ({book.region}): {book.source}", file=sys.stderr)
    rows: list[tuple[str, ...]] = [(n, "sagemaker", f"{p:.4f}", "") for n, p in sorted(book.sagemaker.items())]
    rows += [
        (name, "ec2", f"{price:.4f}", f"{book.spot[name]:.4f}" if name in book.spot else "-")
        for name, price in sorted(book.ec2.items())
    ]
    print_table(("INSTANCE TYPE", "SERVICE", "ON-DEMAND $/H", "SPOT $/H"), rows)


async def prices_command(args: argparse.Namespace, services: Services) -> int:
    from hybridml.price_cache import install, save

    if args.action == "show":
        _show(install(), args)
        return 0
    from hybridml.aws.pricing import refresh

    found, problems = await refresh(services.session, price_list=not services.demo)
    for problem in problems:
        say(f"hybridml prices: {problem}", file=sys.stderr)
    count = len(found.ec2) + len(found.sagemaker) + len(found.spot)
    if not count:
        say(
            f"hybridml prices: nothing could be read; the prices in use stay as they were ({prices.book().as_of})",
            file=sys.stderr,
        )
        return AWS_ERROR
    path = save(found)
    say(
        f"read {len(found.ec2)} EC2 on-demand, {len(found.spot)} spot and {len(found.sagemaker)} SageMaker prices "
        f"({found.as_of}) into {path}; the shipped catalogue fills in the rest",
        file=sys.stderr,
    )
    _show(install(path), args)
    return 0

"""Command line: parse arguments, load config, build services, run the TUI or a headless command."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hybridml import __version__
from hybridml.config import ConfigError, Settings, load_settings
from hybridml.fleet.early import DEMO_JOBS, early_demo_fleet
from hybridml.headless.args import seconds

if TYPE_CHECKING:
    from hybridml.fleet.embedded import EmbeddedFleet
    from hybridml.fleet.process import FleetProcess
    from hybridml.services import Services

# Modules under hybridml.headless that add a subcommand (each has `register(subparsers)`).
HEADLESS_COMMANDS: tuple[str, ...] = (
    "jobs",
    "submit",
    "stop",
    "yolo",
    "endpoints",
    "training",
    "pipelines",
    "mlops",
    "traffic",
    "logs",
    "triage",
    "prices",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hybridml",
        description="Keyboard-first console for AWS Batch + SageMaker. Without a command, opens the TUI.",
    )
    parser.add_argument("--version", action="version", version=f"hybridml {__version__}")
    parser.add_argument("--demo", action="store_true", help="run against an embedded, simulated fleet (no AWS)")
    parser.add_argument("--config", type=Path, help="config file (default: $XDG_CONFIG_HOME/hybridml/config.toml)")
    parser.add_argument("--profile", help="AWS profile (default: AWS_PROFILE / config)")
    parser.add_argument("--region", help="AWS region (default: AWS_REGION / AWS_DEFAULT_REGION / profile)")
    parser.add_argument("--endpoint-url", help="send every AWS call here (default: AWS_ENDPOINT_URL)")
    parser.add_argument("--read-only", action="store_true", help="refuse every mutating action")
    parser.add_argument("--refresh", type=seconds(0.5, 3600), help="auto-refresh interval in seconds (0.5-3600)")
    parser.add_argument("--demo-jobs", type=int, default=DEMO_JOBS, help=argparse.SUPPRESS)
    parser.add_argument(
        "--demo-fleet",
        choices=("standard", "hostile"),
        default="standard",
        help="with --demo: 'hostile' adds resources whose reasons, logs and parameters carry markup and terminal "
        "escapes (to check that nothing from AWS can act)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in HEADLESS_COMMANDS:
        importlib.import_module(f"hybridml.headless.{name}").register(subparsers)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    settings = load_settings(args.config)
    if args.refresh is not None:  # finite and in range: checked by its argparse type
        settings = settings.model_copy(update={"ui": settings.ui.model_copy(update={"refresh_s": args.refresh})})
    return settings


def _services(args: argparse.Namespace, settings: Settings, fleet: EmbeddedFleet | FleetProcess | None) -> Services:
    from hybridml.services import Services

    if fleet is not None:
        return Services.build(
            settings,
            region=fleet.region,
            endpoint_url=fleet.url,
            static_credentials=(fleet.access_key, fleet.secret_key),
            read_only=args.read_only,
            demo=True,
        )
    return Services.build(
        settings,
        profile=args.profile,
        region=args.region,
        endpoint_url=args.endpoint_url,
        read_only=args.read_only,
    )


async def _run_headless(args: argparse.Namespace, services: Services) -> int:
    try:
        code: int = await args.func(args, services)
        return code
    finally:
        await services.close()


def start_demo_fleet(args: argparse.Namespace) -> EmbeddedFleet | FleetProcess:
    """The TUI's demo fleet runs in a child process (it starts while the TUI does, and never shares the
    TUI's GIL); a headless command seeds the whole fleet in-process first."""
    if args.command is None:
        from hybridml.fleet.process import FleetProcess

        return FleetProcess.start(
            jobs=args.demo_jobs, simulate=True, hostile=args.demo_fleet == "hostile", run_containers=True
        )
    from hybridml.fleet.embedded import EmbeddedFleet
    from hybridml.fleet.inject import DEMO_EXTRAS

    fleet = EmbeddedFleet.start(
        jobs=args.demo_jobs, simulate=False, hostile=args.demo_fleet == "hostile", run_containers=True
    )
    for cause in DEMO_EXTRAS:  # the triage causes the seed does not show by itself
        fleet.simulator.inject(cause)
    return fleet


def hold_for_demo(services: Services, fleet: EmbeddedFleet | FleetProcess) -> None:
    """Calls wait for the child's milestones: Batch seeded, then logs and SageMaker."""
    from hybridml.fleet.process import LATE_SERVICES, FleetProcess

    if isinstance(fleet, FleetProcess):
        services.session.hold_until(fleet.batch_ready)
        services.session.hold_until(fleet.ready, LATE_SERVICES)


def main(argv: Sequence[str] | None = None, *, early: FleetProcess | None = None) -> int:
    """`early`: the demo fleet's child, when `hybridml.entry` already started it (else it is started here)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if early is None:
        early = early_demo_fleet(arguments)
    try:
        parser = build_parser()
        args = parser.parse_args(arguments)
        settings = _settings(args)
    except ConfigError as exc:
        if early is not None:
            early.stop()
        _error(exc)
        return 2
    except BaseException:
        if early is not None:
            early.stop()
        raise
    if args.command is None and settings.keymap:
        from hybridml.tui.keys import validate_keymap

        problems = validate_keymap(settings.keymap)
        if problems:
            _error("the [keymap] cannot be used:\n  " + "\n  ".join(problems))
            return 2

    from hybridml.price_cache import install

    install()  # `hybridml prices refresh`'s cache over the shipped catalogue, when there is one
    fleet: EmbeddedFleet | FleetProcess | None = early
    if args.demo and fleet is None:
        fleet = start_demo_fleet(args)
    try:
        from hybridml.aws.errors import AwsError
        from hybridml.aws.session import NoRegionConfigured

        try:
            services = _services(args, settings, fleet)
            if fleet is not None:
                hold_for_demo(services, fleet)
        except NoRegionConfigured as exc:
            _error(exc)
            return 2
        if args.command is not None:
            from hybridml.actions.base import ReadOnlyRefused
            from hybridml.audit import AuditError
            from hybridml.headless.exits import code_for
            from hybridml.launch.batch import LaunchError

            try:
                return asyncio.run(_run_headless(args, services))
            except (AwsError, LaunchError, ReadOnlyRefused, AuditError) as exc:
                _error(exc)
                return code_for(exc)
            except KeyboardInterrupt:
                return 130
            except BrokenPipeError:  # `hybridml jobs --json | head -1`: the reader has what it wanted
                from hybridml.headless.output import silence_stdout

                silence_stdout()
                return 0
        from hybridml.debuglog import open_debug_log
        from hybridml.fleet.process import FleetProcess
        from hybridml.tui.app import HybridApp

        app = HybridApp(
            services,
            debug_log=open_debug_log(settings.debug_log),
            fleet_ready=fleet.ready if isinstance(fleet, FleetProcess) else None,
        )
        app.run()
        return app.return_code or 0
    finally:
        if fleet is not None:
            fleet.stop()
            error = getattr(fleet, "error", "")
            if error:
                _error(error)


def _error(message: object) -> None:
    """One line on stderr; the message may quote AWS or a config file, so it is sanitised (lines kept)."""
    from hybridml.render.safe import safe_str

    print(f"hybridml: {safe_str(message, newlines=True)}", file=sys.stderr)

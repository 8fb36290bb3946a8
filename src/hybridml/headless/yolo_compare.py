"""`hybridml yolo compare`: the same video on several targets in one go (local, Batch, SageMaker processing, an
endpoint invocation), then the comparison `C` shows on :launches, as a table or `--json`.

Everything that will be sent to AWS is printed first and confirmed once (`--yes` answers for scripts; `--dry-run`
stops there). `--deploy` deploys the endpoint first when it does not exist yet (and leaves it: `yolo undeploy`).
Exit 0 when every run succeeded and they found the same dogs; 1 otherwise (the table says which)."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from hybridml.aws.errors import AwsError, NotFound
from hybridml.domain import prices
from hybridml.domain.launch import LaunchRun
from hybridml.headless.args import seconds
from hybridml.headless.confirm import confirm
from hybridml.headless.exits import AWS_ERROR, BAD_INPUT, guarded
from hybridml.headless.output import print_json, say
from hybridml.launch.batch import LaunchError, still_open
from hybridml.launch.endpoint import send_deploy, wait_deployed
from hybridml.launch.launcher import Launcher
from hybridml.render.compare import comparison_lines
from hybridml.services import Services
from hybridml.triage.compare import compare

TARGETS = ("local", "batch", "processing", "endpoint")


def targets(text: str) -> tuple[str, ...]:
    chosen = tuple(t.strip() for t in text.split(",") if t.strip())
    unknown = [t for t in chosen if t not in TARGETS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"targets are {', '.join(TARGETS)} (comma separated); got {text!r}")
    return chosen


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    c = sub.add_parser("compare", help="run one video on several targets and compare time, cost and dogs found")
    source = c.add_mutually_exclusive_group(required=True)
    source.add_argument("--video-url", help="http(s) URL of the video")
    source.add_argument("--synthetic", action="store_true", help="make a synthetic clip and serve it locally")
    c.add_argument("--targets", type=targets, default=TARGETS, help="comma separated: local,batch,processing,endpoint")
    c.add_argument("--queue", help="Batch queue (default: [launch].queue)")
    c.add_argument("--instance-type", help="processing instance type (default: [launch].processing_instance_type)")
    c.add_argument("--role", help="the SageMaker execution role ARN (default: [launch].sagemaker_role_arn)")
    c.add_argument("--endpoint", help="the endpoint to invoke (default: [launch].deployment)")
    c.add_argument("--deploy", action="store_true", help="deploy the endpoint first when it does not exist")
    c.add_argument("--videos-per-day", type=seconds(0, 1e9), help="your volume: the verdict picks for it")
    c.add_argument("--answer-within", type=seconds(0, 7 * 24 * 3600), help="seconds: your latency need")
    c.add_argument("--callback-url", help="where AWS targets report (default: built-in receiver)")
    c.add_argument("--allow-private-urls", action="store_true", help="let URLs point at private addresses")
    c.add_argument("--yes", action="store_true", help="send without asking")
    c.add_argument("--dry-run", action="store_true", help="print what would be sent; send nothing")
    c.add_argument("--timeout", type=seconds(1, 7 * 24 * 3600), default=3600, help="seconds to wait for every run")
    c.add_argument("--json", action="store_true", help="print the comparison as JSON")
    c.set_defaults(func=guarded("yolo compare", compare_command))


async def _endpoint_ready(args: argparse.Namespace, services: Services, launcher: Launcher) -> list[str]:
    """The lines of the deployment to send first (empty when the endpoint exists or `--deploy` is not given)."""
    name = args.endpoint or launcher.settings.deployment
    try:
        await services.sagemaker.endpoint(name)
        return []
    except NotFound:
        if not args.deploy:
            raise LaunchError(f"endpoint {name} does not exist: deploy it (`yolo deploy`, or --deploy here)") from None
    return launcher.plan_deploy(name, role_arn=args.role).lines()


async def compare_command(args: argparse.Namespace, services: Services) -> int:
    chosen: tuple[str, ...] = args.targets
    launcher = Launcher(services)
    try:
        allow = args.allow_private_urls or launcher.allow_private_urls
        await launcher.check_urls(args.video_url, args.callback_url, allow_private=allow)
        await launcher.start()
        video = args.video_url or await launcher.demo_video()
        lines: list[str] = []
        deploy = await _endpoint_ready(args, services, launcher) if "endpoint" in chosen else []
        lines += deploy
        batch = await launcher.plan_batch(video, args.queue, args.callback_url) if "batch" in chosen else None
        processing = (
            await launcher.plan_processing(
                video, instance_type=args.instance_type, role_arn=args.role, callback_url=args.callback_url
            )
            if "processing" in chosen
            else None
        )
        if batch is not None:
            lines += ["", *batch.lines()]
            if not batch.fit.ok:
                say("hybridml yolo compare: the Batch job could never run on this queue; nothing sent", file=sys.stderr)
                return BAD_INPUT
        if processing is not None:
            lines += ["", *processing.lines()]
        if lines:
            code = confirm(lines, args, "AWS")
            if code is not None:
                return code
        elif args.dry_run:
            return 0
        name = args.endpoint or launcher.settings.deployment
        if deploy:
            await send_deploy(services, launcher.plan_deploy(name, role_arn=args.role))
            say(f"deploying {name} …", file=sys.stderr)
            await wait_deployed(services, name, timeout_s=args.timeout)
        # The demo runs every target on this machine's CPU: one after another, so their times are comparable.
        # On AWS each target has its own instance: they run at once.
        one_by_one = services.demo
        runs: list[LaunchRun] = []

        async def started(run: LaunchRun) -> None:
            runs.append(run)
            if one_by_one:
                await _settle(launcher, [run.run_id], args.timeout)

        if "local" in chosen:
            await started(await launcher.launch_local(video))
        if batch is not None:
            await started(await launcher.send_batch(batch))
        if processing is not None:
            await started(await launcher.send_processing(processing))
        if "endpoint" in chosen:
            try:
                await started(await launcher.invoke(name, video))
            except AwsError as exc:  # the failed invocation is a run too: it shows in the table
                say(f"hybridml yolo compare: invoking {name}: {exc}", file=sys.stderr)
        await _settle(launcher, [r.run_id for r in runs], args.timeout)
        comparison = compare(
            launcher.runs(),
            video,
            prices.book(),
            videos_per_day=args.videos_per_day,
            answer_within_s=args.answer_within,
            demo=services.demo,
        )
        if args.json:
            print_json(comparison)
        else:
            for line in comparison_lines(comparison):
                say(line)
        ok = all(r.status == "SUCCEEDED" for r in comparison.rows) and comparison.agree is not False
        return 0 if ok else AWS_ERROR
    finally:
        await launcher.close()


async def _settle(launcher: Launcher, run_ids: list[str], timeout_s: float) -> None:
    """Until every run is final and its times are known (an AWS job may report before it has ended)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        await launcher.poll()
        if not any(still_open(launcher.registry.runs[i]) for i in run_ids):
            return
        await asyncio.sleep(1.0)
    say(f"hybridml yolo compare: gave up waiting after {timeout_s:.0f}s; the table shows where each run got to",
        file=sys.stderr)  # fmt: skip

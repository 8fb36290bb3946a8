"""`hybridml yolo deploy / invoke / undeploy`: the YOLO container as a SageMaker endpoint, headless twins of
`D`, `i` and `ctrl+d` on :launches. Each prints what it will send and asks first (`--yes` answers for scripts,
`--dry-run` stops there); `undeploy` asks for the endpoint's name to be typed."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from hybridml.actions.deploy import CREATE_ENDPOINT, DELETE_ENDPOINT, INVOKE_VIDEO
from hybridml.aws.errors import AwsError
from hybridml.domain.launch import LaunchStatus
from hybridml.domain.sagemaker import Endpoint
from hybridml.headless.args import seconds
from hybridml.headless.confirm import confirm, typed_name
from hybridml.headless.exits import guarded
from hybridml.headless.output import print_json, say
from hybridml.launch.endpoint import send_deploy, undeploy, wait_deployed
from hybridml.launch.launcher import Launcher
from hybridml.render.launch import segments_lines
from hybridml.services import Services


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    d = sub.add_parser("deploy", help="deploy the container as a SageMaker endpoint and wait until InService")
    d.add_argument("name", nargs="?", help="the endpoint (default: [launch].deployment); model/config add a suffix")
    d.add_argument("--instance-type", help="ml.* type (default: [launch].endpoint_instance_type)")
    d.add_argument("--role", help="the SageMaker execution role ARN (default: [launch].sagemaker_role_arn)")
    d.add_argument("--async", dest="asynchronous", action="store_true", help="an asynchronous endpoint")
    d.add_argument("--async-output", help="--async: s3:// prefix for the answers (default: [launch].async_output)")
    d.add_argument("--yes", action="store_true", help="send without asking")
    d.add_argument("--dry-run", action="store_true", help="print what would be sent; send nothing")
    d.add_argument("--no-wait", action="store_true", help="return once the three calls are sent")
    d.add_argument("--timeout", type=seconds(1, 6 * 3600), default=3600, help="seconds to wait for InService")
    d.add_argument("--json", action="store_true", help="print the endpoint as JSON")
    d.set_defaults(func=guarded("yolo deploy", deploy_command))

    i = sub.add_parser("invoke", help="send a video URL to a deployed endpoint; the report is the answer")
    i.add_argument("name", help="the endpoint")
    source = i.add_mutually_exclusive_group(required=True)
    source.add_argument("--video-url", help="http(s) URL of the video")
    source.add_argument("--synthetic", action="store_true", help="make a synthetic clip and serve it locally")
    i.add_argument("--allow-private-urls", action="store_true", help="let --video-url point at a private address")
    i.add_argument("--json", action="store_true", help="print the run as JSON")
    i.set_defaults(func=guarded("yolo invoke", invoke_command))

    u = sub.add_parser("undeploy", help="delete a deployed endpoint, its endpoint config and its model")
    u.add_argument("name", help="the endpoint (as deployed by `yolo deploy`)")
    u.add_argument("--yes", action="store_true", help="delete without asking to type the name")
    u.set_defaults(func=guarded("yolo undeploy", undeploy_command))


def _endpoint_line(endpoint: Endpoint) -> str:
    return (
        f"endpoint {endpoint.name}: {endpoint.status}, {endpoint.current_instances or 0} x "
        f"{endpoint.instance_type or '-'}"
    )


async def deploy_command(args: argparse.Namespace, services: Services) -> int:
    services.check_writable(CREATE_ENDPOINT)
    launcher = Launcher(services)
    try:
        plan = launcher.plan_deploy(
            args.name,
            instance_type=args.instance_type,
            role_arn=args.role,
            asynchronous=args.asynchronous,
            async_output=args.async_output,
        )
        code = confirm(plan.lines(), args, "SageMaker")
        if code is not None:
            return code
        await send_deploy(services, plan, on_step=lambda line: say(line, file=sys.stderr))
        if args.no_wait:
            endpoint = await services.sagemaker.endpoint(plan.endpoint)
        else:

            def on_status(current: Endpoint, elapsed: float) -> None:
                say(f"{current.name}: {current.status} ({int(elapsed)}s)", file=sys.stderr)

            endpoint = await wait_deployed(services, plan.endpoint, on_status, timeout_s=args.timeout)
        if args.json:
            print_json(endpoint)
        else:
            say(_endpoint_line(endpoint))
        return 0
    finally:
        await launcher.close()


async def invoke_command(args: argparse.Namespace, services: Services) -> int:
    services.check_writable(INVOKE_VIDEO)
    launcher = Launcher(services)
    try:
        allow = args.allow_private_urls or launcher.allow_private_urls
        await launcher.check_urls(args.video_url, allow_private=allow)
        video = args.video_url or await launcher.demo_video()
        try:
            run = await launcher.invoke(args.name, video)
        except AwsError as exc:  # the container's error answer (ModelError): the run shows what it reported
            say(f"hybridml yolo invoke: {exc}", file=sys.stderr)
            runs = launcher.runs()
            if not runs or runs[0].status is not LaunchStatus.FAILED:
                raise
            run = runs[0]
        if args.json:
            print_json(run)
        else:
            took = (run.stopped_at or datetime.now(UTC)) - (run.started_at or run.created_at)
            print(f"run {run.run_id}: {run.status.value} in {took.total_seconds():.1f}s", file=sys.stderr)
            for line in segments_lines(run):
                say(line)
        return 0 if run.status is LaunchStatus.SUCCEEDED else 1
    finally:
        await launcher.close()


async def undeploy_command(args: argparse.Namespace, services: Services) -> int:
    services.check_writable(DELETE_ENDPOINT)
    say(f"delete endpoint {args.name}, endpoint config {args.name}-config and model {args.name}-model", file=sys.stderr)
    code = typed_name(args.name, args, "yolo undeploy")
    if code is not None:
        return code
    for line in await undeploy(services, args.name):
        say(line)
    return 0

"""`hybridml yolo run`: launch the bundled YOLO dog-detection container locally, on Batch or as a SageMaker
processing job; `yolo deploy / invoke / undeploy / compare` are in `yolo_sagemaker.py`.

A Batch launch prints what it will send (the job definition to register, the SubmitJob, the fit check against
the queue) and asks before sending (`--yes` answers for scripts); a job that can never run on the queue is
refused unless `--force` (exit 3). A processing launch prints its CreateProcessingJob and asks the same way."""

from __future__ import annotations

import argparse
import sys

from hybridml.actions.launch import SUBMIT
from hybridml.actions.processing import CREATE as CREATE_PROCESSING
from hybridml.domain.launch import LaunchRun, LaunchStatus
from hybridml.headless.args import seconds
from hybridml.headless.confirm import confirm
from hybridml.headless.exits import NEVER_FITS, guarded
from hybridml.headless.output import print_json, say
from hybridml.launch.batch import BatchLaunchPlan
from hybridml.launch.launcher import Launcher
from hybridml.render.launch import segments_lines
from hybridml.services import Services


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("yolo", help="the bundled YOLO dog-detection container")
    sub = p.add_subparsers(dest="yolo_command", required=True, metavar="ACTION")
    run = sub.add_parser("run", help="run it locally (default), as a Batch job or as a SageMaker processing job")
    source = run.add_mutually_exclusive_group(required=True)
    source.add_argument("--video-url", help="http(s) URL of the video")
    source.add_argument("--synthetic", action="store_true", help="make a synthetic clip and serve it locally")
    where = run.add_mutually_exclusive_group()
    where.add_argument("--batch", action="store_true", help="submit to AWS Batch instead of running locally")
    where.add_argument(
        "--sagemaker-processing", action="store_true", help="run as a SageMaker processing job (one ml.* instance)"
    )
    run.add_argument("--queue", help="Batch queue (default: [launch].queue)")
    run.add_argument("--instance-type", help="processing: ml.* type (default: [launch].processing_instance_type)")
    run.add_argument("--role", help="processing: the SageMaker execution role ARN (default: [launch])")
    run.add_argument("--callback-url", help="AWS targets: where the container reports (default: built-in receiver)")
    run.add_argument("--no-wait", action="store_true", help="AWS targets: print the job id and return")
    run.add_argument("--yes", action="store_true", help="AWS targets: send the plan without asking")
    run.add_argument("--force", action="store_true", help="Batch only: send even if it can never run on the queue")
    run.add_argument("--dry-run", action="store_true", help="AWS targets: print what would be sent; send nothing")
    run.add_argument("--timeout", type=seconds(1, 7 * 24 * 3600), default=3600, help="seconds to wait for the result")
    run.add_argument("--json", action="store_true", help="print the final run as JSON")
    run.add_argument(
        "--allow-private-urls",
        action="store_true",
        help="let --video-url / --callback-url point at loopback or private addresses (the demo does)",
    )
    run.add_argument("container_args", nargs=argparse.REMAINDER, help="after --: extra container flags")
    p.set_defaults(func=guarded("yolo", run_command))
    from hybridml.headless import yolo_compare, yolo_sagemaker

    yolo_sagemaker.register(sub)
    yolo_compare.register(sub)


def _print_run(run: LaunchRun) -> None:
    print(f"run {run.run_id}: {run.status.value} ({run.target.value})", file=sys.stderr)
    if run.message:
        say(f"  {run.message}", file=sys.stderr)
    for line in segments_lines(run):
        say(line)


def _confirm(plan: BatchLaunchPlan, args: argparse.Namespace) -> int | None:
    """Show the plan and ask; None to send it, else the exit code (nothing sent)."""
    if not args.dry_run and not plan.fit.ok and not args.force:
        say("\n".join(plan.lines()), file=sys.stderr, newlines=True)
        say("hybridml yolo: not sent: the job can never run on this queue (--force sends it anyway)", file=sys.stderr)
        return NEVER_FITS
    return confirm(plan.lines(), args, "AWS Batch")


async def _send(args: argparse.Namespace, launcher: Launcher, video: str) -> LaunchRun | int:
    """Plan, confirm and send an AWS launch; the run, or the exit code when nothing was sent."""
    if args.batch:
        plan = await launcher.plan_batch(video, args.queue, args.callback_url)
        code = _confirm(plan, args)
        if code is not None:
            return code
        run = await launcher.send_batch(plan)
        print(f"submitted Batch job {run.job_id} to {run.queue}", file=sys.stderr)
        return run
    processing = await launcher.plan_processing(
        video, instance_type=args.instance_type, role_arn=args.role, callback_url=args.callback_url
    )
    code = confirm(processing.lines(), args, "SageMaker")
    if code is not None:
        return code
    run = await launcher.send_processing(processing)
    print(f"created processing job {run.job_id} on {run.instance_type}", file=sys.stderr)
    return run


async def run_command(args: argparse.Namespace, services: Services) -> int:
    if args.batch:
        services.check_writable(SUBMIT)  # refused before the receiver starts
    if args.sagemaker_processing:
        services.check_writable(CREATE_PROCESSING)
    launcher = Launcher(services)
    try:
        allow = args.allow_private_urls or launcher.allow_private_urls
        await launcher.check_urls(args.video_url, args.callback_url, allow_private=allow)  # before anything runs
        address = await launcher.start()
        print(f"callback receiver listening on {address}", file=sys.stderr)
        video = args.video_url or await launcher.demo_video()
        extra = tuple(a for a in (args.container_args or []) if a != "--")
        if args.batch or args.sagemaker_processing:
            sent = await _send(args, launcher, video)
            if isinstance(sent, int):
                return sent
            run = sent
            if args.no_wait:
                if args.json:
                    print_json(run)
                return 0
        else:
            run = await launcher.launch_local(video, extra)
            print(f"running locally ({run.target.value})", file=sys.stderr)
        shown = 0
        while True:
            current = await launcher.wait(run.run_id, timeout_s=0.5)
            for line in current.output[shown:]:
                say(line, file=sys.stderr)
            shown = len(current.output)
            if current.status.is_final:
                break
            if (current.created_at.timestamp() + args.timeout) < __import__("time").time():
                print(f"gave up waiting after {args.timeout:.0f}s", file=sys.stderr)
                return 124
        final = launcher.registry.runs[run.run_id]
        if args.json:
            print_json(final)
        else:
            _print_run(final)
        if final.status is LaunchStatus.SUCCEEDED:
            return 0
        return final.exit_code if final.exit_code not in (None, 0) else 1
    finally:
        await launcher.close()

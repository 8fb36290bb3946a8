"""One entry point for launching the YOLO container (TUI and `hybridml yolo run` share it)."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from hybridml.config import LaunchSettings
from hybridml.domain.launch import LaunchRun, LaunchStatus, LaunchTarget
from hybridml.launch.batch import BatchLaunchPlan, LaunchError, plan_batch_launch, poll_batch_runs, send_plan
from hybridml.launch.callback import CallbackReceiver
from hybridml.launch.endpoint import DeployPlan, invoke_video, plan_deploy
from hybridml.launch.local import container_dir, container_python, plan_local, run_local
from hybridml.launch.processing import (
    ProcessingLaunchPlan,
    plan_processing_launch,
    poll_processing_runs,
    send_processing,
)
from hybridml.launch.registry import LaunchRegistry, new_run_id
from hybridml.services import Services

DEMO_WEIGHTS = "yolo11n.yaml"  # architecture only: random weights, nothing to download
# The demo fleet's SageMaker execution role (any ARN does there; on AWS, [launch] sagemaker_role_arn or --role).
DEMO_ROLE = "arn:aws:iam::123456789012:role/SageMakerExecution"


class Launcher:
    def __init__(self, services: Services) -> None:
        self.services = services
        settings = services.settings.launch
        if services.demo and not settings.sagemaker_role_arn:
            settings = settings.model_copy(update={"sagemaker_role_arn": DEMO_ROLE})
        self.settings: LaunchSettings = settings
        self.registry = LaunchRegistry()
        self._videos = tempfile.TemporaryDirectory(prefix="hybridml-videos-")
        self.receiver = CallbackReceiver(
            self.registry,
            host=settings.callback_host,
            port=settings.callback_port,
            public_url=settings.callback_public_url,
            video_dir=Path(self._videos.name),
        )
        self._tasks: dict[str, asyncio.Task[int]] = {}  # local runs: run id -> the task running it
        self.last_deployment = ""  # the endpoint deployed last this session (`i` offers it)

    @property
    def allow_private_urls(self) -> bool:
        """The demo serves its videos on loopback; elsewhere only when the config says so."""
        return self.services.demo or self.settings.allow_private_urls

    async def check_urls(self, video_url: str | None, callback_url: str | None = None, *, allow_private: bool) -> None:
        """The URL policy (launch/urls.py) for URLs a person gave; raises LaunchError with the reason."""
        from hybridml.launch.urls import UrlRefused, check_url

        try:
            if video_url:
                await check_url(video_url, "the video URL", allow_private=allow_private)
            if callback_url:
                await check_url(callback_url, "the callback URL", allow_private=allow_private)
        except UrlRefused as exc:
            raise LaunchError(str(exc)) from None

    async def start(self) -> str:
        return await self.receiver.start()

    async def demo_video(self, frames: int = 90) -> str:
        """Make a synthetic clip with the container's own OpenCV and serve it from the receiver."""
        await self.start()
        out = Path(self._videos.name) / f"synthetic-{frames}.mp4"  # one clip: launches of it compare (`C`)
        if out.exists():
            return self.receiver.video_url(out.name)
        code = (
            "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]);"
            "from dogwatch.synthetic import make_video;"
            "make_video(Path(sys.argv[2]), frames=int(sys.argv[3]), width=320, height=240)"
        )
        python = container_python(self.settings)
        if not python.exists():
            python = Path(sys.executable)
        proc = await asyncio.create_subprocess_exec(
            str(python), "-c", code, str(container_dir(self.settings) / "src"), str(out), str(frames),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        output, _ = await asyncio.wait_for(proc.communicate(), 120)
        if proc.returncode != 0:
            tail = output.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
            raise LaunchError(f"cannot make a synthetic video: {tail[0]}")
        return self.receiver.video_url(out.name)

    async def launch_local(self, video_url: str, extra: tuple[str, ...] = ()) -> LaunchRun:
        """Start a local run in the background; returns it at once (status STARTING/RUNNING)."""
        await self.start()
        settings = await self._local_settings()
        run = self.registry.create(LaunchTarget.LOCAL_PROCESS, video_url)
        callback = self.receiver.callback_url(run.run_id)
        plan = await plan_local(settings, video_url, callback, extra)
        run = self.registry.update(run.run_id, callback_url=callback, target=plan.target)
        task = asyncio.ensure_future(run_local(self.registry, run.run_id, plan))
        self._tasks[run.run_id] = task
        task.add_done_callback(lambda _: self._tasks.pop(run.run_id, None))
        return self.registry.runs[run.run_id]

    async def _local_settings(self) -> LaunchSettings:
        """The demo runs the container with the demo weights, the ones its fleet's "image" has (`demo_image`), so
        every target finds the same dogs; elsewhere the configured weights (default: the image's own)."""
        if not self.services.demo or self.settings.weights:
            return self.settings
        from hybridml.launch.demo_image import DemoWeightsError, ensure_demo_weights

        python, source = container_python(self.settings), container_dir(self.settings) / "src"
        try:
            weights = str(await asyncio.to_thread(ensure_demo_weights, python, source))
        except DemoWeightsError:
            weights = DEMO_WEIGHTS  # the run says what is missing (plan_local checks the environment)
        return self.settings.model_copy(update={"weights": weights})

    def stop_local(self, run_id: str) -> bool:
        """Kill a local run's process (the run ends FAILED, "cancelled"); False when it is not running."""
        task = self._tasks.get(run_id)
        if task is None or task.done():
            return False
        task.cancel()
        return True

    async def wait(self, run_id: str, timeout_s: float = 3600) -> LaunchRun:
        """Wait until a run is final (local: process ended; Batch: polled)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while not self.registry.runs[run_id].status.is_final:
            if loop.time() > deadline:
                break
            if not self.registry.runs[run_id].target.is_local:
                await self.poll()
            await asyncio.sleep(0.2)
        return self.registry.runs[run_id]

    async def plan_batch(
        self, video_url: str, queue: str | None = None, callback_url: str | None = None
    ) -> BatchLaunchPlan:
        """What a Batch launch will send (nothing is sent): the caller shows it and asks before `send_batch`."""
        await self.start()
        run_id = new_run_id()
        callback = callback_url or self.receiver.callback_url(run_id)
        return await plan_batch_launch(
            self.services, self.settings, run_id, queue or self.settings.queue, video_url, callback
        )

    async def send_batch(self, plan: BatchLaunchPlan) -> LaunchRun:
        """Send a confirmed plan (each call through `Services.run`); the run is listed from now on."""
        return await send_plan(self.services, self.registry, plan)

    async def poll(self) -> None:
        await poll_batch_runs(self.services, self.registry)
        await poll_processing_runs(self.services, self.registry)

    async def plan_processing(
        self,
        video_url: str,
        *,
        instance_type: str | None = None,
        role_arn: str | None = None,
        callback_url: str | None = None,
    ) -> ProcessingLaunchPlan:
        """What a processing launch will send (nothing is sent): the caller shows it and asks first."""
        await self.start()
        run_id = new_run_id()
        callback = callback_url or self.receiver.callback_url(run_id)
        return plan_processing_launch(
            self.services, self.settings, run_id, video_url, callback, instance_type=instance_type, role_arn=role_arn
        )

    async def send_processing(self, plan: ProcessingLaunchPlan) -> LaunchRun:
        return await send_processing(self.services, self.registry, plan)

    def plan_deploy(
        self,
        deployment: str | None = None,
        *,
        instance_type: str | None = None,
        role_arn: str | None = None,
        asynchronous: bool = False,
        async_output: str | None = None,
    ) -> DeployPlan:
        return plan_deploy(
            self.settings,
            deployment,
            instance_type=instance_type,
            role_arn=role_arn,
            asynchronous=asynchronous,
            async_output=async_output,
        )

    async def invoke(self, endpoint: str, video_url: str) -> LaunchRun:
        """One invocation of a deployed endpoint with `video_url` (a run; its answer is the report)."""
        current = await self.services.sagemaker.endpoint(endpoint)
        if current.status not in ("InService", "Updating"):
            raise LaunchError(f"endpoint {endpoint} is {current.status}: it answers invocations once InService")
        return await invoke_video(self.services, self.registry, current, video_url)

    def runs(self) -> list[LaunchRun]:
        return self.registry.all()

    async def close(self) -> None:
        for task in list(self._tasks.values()):
            task.cancel()
        for task in list(self._tasks.values()):
            try:
                await task
            except BaseException:
                pass
        await self.receiver.stop()
        self._videos.cleanup()


__all__ = ["LaunchError", "LaunchStatus", "Launcher"]

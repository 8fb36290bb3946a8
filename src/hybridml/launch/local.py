"""Run the YOLO container locally: Docker with `--gpus all` when an engine answers, else the container's
entrypoint as a plain process in its own Python environment. Output lines stream into the registry."""

from __future__ import annotations

import asyncio
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from hybridml.config import LaunchSettings
from hybridml.domain.launch import LaunchStatus, LaunchTarget
from hybridml.launch.registry import LaunchRegistry

CHECKOUT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class LocalPlan:
    target: LaunchTarget
    argv: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()
    problem: str = ""  # why it cannot run, when set


def container_dir(settings: LaunchSettings) -> Path:
    return Path(settings.container_dir).expanduser() if settings.container_dir else CHECKOUT / "gpu_container"


def container_python(settings: LaunchSettings) -> Path:
    return Path(settings.python).expanduser() if settings.python else CHECKOUT / ".venv-gpu" / "bin" / "python"


async def docker_engine_available(timeout_s: float = 3.0) -> bool:
    """True when a Docker engine answers (the client alone is not enough)."""
    if shutil.which("docker") is None:
        return False
    try:
        proc = await asyncio.create_subprocess_exec(
            "docker", "info", "--format", "{{.ServerVersion}}",
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        return await asyncio.wait_for(proc.wait(), timeout_s) == 0
    except (OSError, TimeoutError):
        return False


def container_args(video_url: str, callback_url: str, settings: LaunchSettings, extra: tuple[str, ...]) -> list[str]:
    # Local runs fetch the demo video from and report to this machine's loopback receiver, which the
    # container refuses unless told (it blocks loopback/private/metadata addresses by default).
    args = ["--video_url", video_url, "--callback_url", callback_url, "--device", settings.device]
    args.append("--allow-private-urls")
    if settings.weights:
        args += ["--weights", settings.weights]
    return [*args, *extra]


async def plan_local(
    settings: LaunchSettings, video_url: str, callback_url: str, extra: tuple[str, ...] = ()
) -> LocalPlan:
    args = container_args(video_url, callback_url, settings, extra)
    use_docker = settings.use_docker == "always" or (settings.use_docker == "auto" and await docker_engine_available())
    if use_docker:
        argv = ("docker", "run", "--rm", "--gpus", "all", "--network", "host", settings.image_uri, *args)
        return LocalPlan(LaunchTarget.LOCAL_DOCKER, argv)
    python, main = container_python(settings), container_dir(settings) / "src" / "main.py"
    problem = ""
    if not main.exists():
        problem = f"container entrypoint not found: {main}"
    elif not python.exists():
        problem = f"the container's Python environment is missing ({python}); run `make gpu-venv`"
    env = (("YOLO_OFFLINE", "1"), ("PYTHONUNBUFFERED", "1"))
    return LocalPlan(LaunchTarget.LOCAL_PROCESS, (str(python), str(main), *args), env, problem)


async def run_local(registry: LaunchRegistry, run_id: str, plan: LocalPlan, *, timeout_s: float = 3600) -> int:
    """Run the plan to completion, streaming stdout+stderr lines into the run. Returns the exit code."""
    if plan.problem:
        registry.update(run_id, status=LaunchStatus.FAILED, message=plan.problem)
        return 127
    env = {**os.environ, **dict(plan.env)}
    try:
        proc = await asyncio.create_subprocess_exec(
            *plan.argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, env=env
        )
    except OSError as exc:
        registry.update(run_id, status=LaunchStatus.FAILED, message=f"cannot start {plan.argv[0]}: {exc}")
        return 127
    registry.update(run_id, status=LaunchStatus.RUNNING, pid=proc.pid, started_at=datetime.now(UTC))
    assert proc.stdout is not None

    async def pump() -> None:
        assert proc.stdout is not None
        async for raw in proc.stdout:
            registry.add_output(run_id, raw.decode(errors="replace").rstrip())

    try:
        await asyncio.wait_for(pump(), timeout_s)
        code = await proc.wait()
    except TimeoutError:
        proc.kill()
        await proc.wait()
        registry.update(run_id, status=LaunchStatus.FAILED, exit_code=-9, message=f"killed after {timeout_s:.0f}s")
        return -9
    except asyncio.CancelledError:
        proc.kill()
        await proc.wait()
        registry.update(run_id, status=LaunchStatus.FAILED, message="cancelled")
        raise
    run = registry.runs[run_id]
    ok = code == 0 and (run.result is None or run.result.status == "ok")
    message = run.message or ("" if code == 0 else exit_message(code))
    registry.update(
        run_id,
        status=LaunchStatus.SUCCEEDED if ok else LaunchStatus.FAILED,
        exit_code=code,
        message=message,
        stopped_at=datetime.now(UTC),
    )
    return code


EXIT_MESSAGES = {
    1: "unexpected error (see output)",
    2: "bad arguments",
    3: "video download failed",
    4: "not a video",
    5: "video too large",
    6: "callback failed (report printed to stdout)",
}


def exit_message(code: int) -> str:
    return EXIT_MESSAGES.get(code, f"exited with {code}")

"""A Batch launch says what it will send before it sends anything (issue 14.7): the job definition it registers
(image, resources), the SubmitJob, the fit check against the chosen queue; a callback on this machine's loopback
is refused unless `[launch] callback_public_url` says how the instance reaches it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hybridml.cli import main
from hybridml.config import LaunchSettings, Settings
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.launch.batch import LaunchError, is_loopback_url
from hybridml.launch.launcher import Launcher
from hybridml.services import Services
from tests.conftest import TEST_AWS, make_services

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/hybridml/yolo-dogs:plan-test"


def real(fleet: EmbeddedFleet, launch: LaunchSettings) -> Services:
    """Services as against AWS (not the demo): a loopback callback is then refused."""
    return Services.build(
        Settings(aws=TEST_AWS, audit_log="", launch=launch),
        region=fleet.region,
        endpoint_url=fleet.url,
        static_credentials=(fleet.access_key, fleet.secret_key),
    )


async def test_the_plan_names_the_definition_the_call_and_the_fit(fleet: EmbeddedFleet) -> None:
    settings = Settings(aws=TEST_AWS, audit_log="", launch=LaunchSettings(image_uri=IMAGE, job_definition="yolo-plan"))
    services = make_services(fleet, settings)
    launcher = Launcher(services)
    try:
        plan = await launcher.plan_batch("https://v.example.com/park.mp4", "cpu-etl", "https://cb.example.com/r")
        assert plan.register is not None and not plan.fit.ok
        assert "needs 1 GPU but cpu-ondemand has only CPU instance types" in plan.fit.summary
        text = "\n".join(plan.lines())
        assert IMAGE in text and "4 vCPU, 15000 MiB, 1 GPU" in text
        assert "RegisterJobDefinition" in text and "SubmitJob" in text and '"video_url": "https://v.example.com' in text
        meter = services.session.meter.by_operation
        assert "RegisterJobDefinition" not in meter and "SubmitJob" not in meter  # nothing was sent
        assert launcher.runs() == []
    finally:
        await launcher.close()
        await services.close()


def test_loopback_urls() -> None:
    for url in ("http://127.0.0.1:8765/callback/x", "http://localhost:9/", "http://[::1]:80/", "http://127.8.0.1/"):
        assert is_loopback_url(url), url
    for url in ("https://hooks.example.com/cb", "http://10.0.0.5:8765/"):
        assert not is_loopback_url(url), url


async def test_a_loopback_callback_is_refused_for_batch(fleet: EmbeddedFleet) -> None:
    services = real(fleet, LaunchSettings(image_uri=IMAGE))
    launcher = Launcher(services)
    try:
        with pytest.raises(LaunchError, match=r"cannot reach it.*callback_public_url"):
            await launcher.plan_batch("https://v.example.com/a.mp4", "gpu-inference")  # the receiver's own URL
        with pytest.raises(LaunchError, match="loopback"):
            await launcher.plan_batch("https://v.example.com/a.mp4", "gpu-inference", "http://localhost:8765/cb")
        assert launcher.runs() == []
    finally:
        await launcher.close()
        await services.close()
    public = real(fleet, LaunchSettings(image_uri=IMAGE, callback_public_url="https://tunnel.example.com"))
    launcher = Launcher(public)
    try:
        plan = await launcher.plan_batch("https://v.example.com/a.mp4", "gpu-inference")
        assert plan.callback_url.startswith("https://tunnel.example.com/callback/")
    finally:
        await launcher.close()
        await public.close()


def test_yolo_run_batch_confirms_and_checks_the_fit(
    fleet: EmbeddedFleet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    audit = tmp_path / "audit.jsonl"
    config = tmp_path / "config.toml"
    config.write_text(f'audit_log = "{audit}"\n[launch]\nimage_uri = "{IMAGE}"\njob_definition = "yolo-cli-plan"\n')
    args = ["--config", str(config), "--endpoint-url", fleet.url, "--region", "us-east-1"]
    run = ["yolo", "run", "--batch", "--video-url", "https://93.184.216.34/p.mp4", "--callback-url"]
    run += ["https://93.184.216.35/r", "--no-wait"]
    assert main([*args, *run, "--queue", "cpu-etl", "--yes"]) == 3  # never fits: refused
    err = capsys.readouterr().err
    assert "register job definition yolo-cli-plan" in err and IMAGE in err and "will never run" in err
    assert not audit.exists()  # nothing was sent
    assert main([*args, *run, "--queue", "gpu-inference"]) == 2  # no terminal to ask on: needs --yes
    assert "confirm with --yes" in capsys.readouterr().err and not audit.exists()
    assert main([*args, *run, "--queue", "gpu-inference", "--yes"]) == 0
    actions = [json.loads(line)["action"] for line in audit.read_text().splitlines()]
    assert actions == ["launch.batch.register-jobdef", "launch.batch.submit"]

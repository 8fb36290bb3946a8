"""SageMaker targets of the YOLO launch against the embedded fleet: a processing job (what reached the server,
the audit entry, read-only refusal, what SageMaker would refuse), deploy / undeploy, an invocation's answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from hybridml.actions.base import ReadOnlyRefused
from hybridml.aws.errors import InvalidRequest
from hybridml.config import LaunchSettings, Settings
from hybridml.domain.launch import LaunchStatus, LaunchTarget
from hybridml.fleet.backends import sagemaker_backend
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.launch.batch import LaunchError
from hybridml.launch.endpoint import send_deploy, undeploy
from hybridml.launch.launcher import Launcher
from hybridml.services import Services
from tests.conftest import TEST_AWS, make_services
from tests.sagemaker_helpers import ROLE, unique

VIDEO = "https://93.184.216.34/park.mp4"
CALLBACK = "https://93.184.216.34/hooks/dogs"


def services_with_audit(fleet: EmbeddedFleet, tmp_path: Path, **kwargs: object) -> Services:
    settings = Settings(aws=TEST_AWS, audit_log=str(tmp_path / "audit.jsonl"), launch=LaunchSettings())
    return make_services(fleet, settings, **kwargs)


async def test_a_processing_launch_sends_the_container_unchanged(fleet: EmbeddedFleet, tmp_path: Path) -> None:
    services = services_with_audit(fleet, tmp_path)
    launcher = Launcher(services)
    try:
        plan = await launcher.plan_processing(VIDEO, instance_type="ml.g4dn.xlarge", callback_url=CALLBACK)
        assert launcher.runs() == []  # nothing sent or listed before it is confirmed
        run = await launcher.send_processing(plan)
        assert run.target is LaunchTarget.SAGEMAKER_PROCESSING and run.job_id == f"yolo-{run.run_id}"
        job = sagemaker_backend().processing_jobs[run.job_id]
        app = job.app_specification
        assert app["ImageUri"] == services.settings.launch.image_uri
        assert app["ContainerEntrypoint"] == ["python3", "src/main.py"]
        assert app["ContainerArguments"] == ["--video_url", VIDEO, "--callback_url", CALLBACK, "--device", "cuda"]
        assert job.processing_resources["ClusterConfig"]["InstanceType"] == "ml.g4dn.xlarge"
        assert job.role_arn == launcher.settings.sagemaker_role_arn  # the demo's role
        [entry] = services.audit_log.entries()
        assert (entry["action"], entry["target"], entry["result"]) == ("launch.sagemaker.processing", run.job_id, "ok")
        await launcher.poll()  # moto completes a job it does not run at once; the run follows it
        assert launcher.registry.runs[run.run_id].status is LaunchStatus.SUCCEEDED
    finally:
        await launcher.close()
        await services.close()


async def test_a_processing_launch_is_refused_read_only_and_validated_before_sending(
    fleet: EmbeddedFleet, tmp_path: Path
) -> None:
    services = services_with_audit(fleet, tmp_path, read_only=True)
    launcher = Launcher(services)
    try:
        plan = await launcher.plan_processing(VIDEO, callback_url=CALLBACK)
        with pytest.raises(ReadOnlyRefused):
            await launcher.send_processing(plan)
        assert services.session.meter.by_operation.get("CreateProcessingJob") is None
        assert [e["result"] for e in services.audit_log.entries()] == ["refused"]
        long_url = VIDEO + "?X-Amz-Signature=" + "a" * 300  # a presigned URL: over 256 characters
        with pytest.raises(InvalidRequest, match="at most 256 per argument"):
            await launcher.plan_processing(long_url, callback_url=CALLBACK)
        with pytest.raises(InvalidRequest, match=r"processing instance types start with 'ml\.'"):
            await launcher.plan_processing(VIDEO, instance_type="g4dn.xlarge", callback_url=CALLBACK)
    finally:
        await launcher.close()
        await services.close()


async def test_a_processing_launch_needs_a_role_and_a_reachable_callback(fleet: EmbeddedFleet) -> None:
    services = make_services(fleet)
    services.demo = False  # outside the demo: no role is assumed, and loopback cannot be reached from AWS
    launcher = Launcher(services)
    try:
        with pytest.raises(LaunchError, match="execution role is required"):
            await launcher.plan_processing(VIDEO, callback_url=CALLBACK)
        with pytest.raises(LaunchError, match="a processing job runs on an instance in AWS"):
            await launcher.plan_processing(VIDEO, role_arn=ROLE)  # the receiver is on 127.0.0.1
    finally:
        await launcher.close()
        await services.close()


async def test_deploy_creates_model_config_and_endpoint_and_undeploy_deletes_them(
    fleet: EmbeddedFleet, tmp_path: Path
) -> None:
    services = services_with_audit(fleet, tmp_path)
    launcher = Launcher(services)
    name = unique("t-dep")
    try:
        plan = launcher.plan_deploy(name, instance_type="ml.g4dn.xlarge")
        steps: list[str] = []
        await send_deploy(services, plan, on_step=steps.append)
        assert [s.split()[0] for s in steps] == ["CreateModel", "CreateEndpointConfig", "CreateEndpoint"]
        backend = sagemaker_backend()
        assert backend._models[f"{name}-model"].primary_container["Image"] == services.settings.launch.image_uri
        variant = backend.endpoint_configs[f"{name}-config"].production_variants[0]
        assert (variant["ModelName"], variant["InstanceType"]) == (f"{name}-model", "ml.g4dn.xlarge")
        endpoint = await services.sagemaker.endpoint(name)
        assert endpoint.status == "InService" and endpoint.instance_type == "ml.g4dn.xlarge"
        assert await undeploy(services, name) == [f"{name} deleted", f"{name}-config deleted", f"{name}-model deleted"]
        assert name not in backend.endpoints and f"{name}-model" not in backend._models
        again = await undeploy(services, name)
        assert all("already gone" in line for line in again)
        actions = [e["action"] for e in services.audit_log.entries() if e["result"] == "ok"]
        assert actions == [
            "launch.sagemaker.create-model",
            "launch.sagemaker.create-endpoint-config",
            "launch.sagemaker.create-endpoint",
            "launch.sagemaker.delete-endpoint",
            "launch.sagemaker.delete-endpoint-config",
            "launch.sagemaker.delete-model",
        ]
    finally:
        await launcher.close()
        await services.close()


async def test_deploy_refuses_what_sagemaker_would(fleet: EmbeddedFleet) -> None:
    services = make_services(fleet)
    launcher = Launcher(services)
    try:
        with pytest.raises(LaunchError, match="deployment name"):
            launcher.plan_deploy("bad_name!")
        with pytest.raises(LaunchError, match="S3 output location"):
            launcher.plan_deploy("ok-name", asynchronous=True)
        plan = launcher.plan_deploy("ok-name", asynchronous=True, async_output="s3://bucket/answers/")
        config = plan.actions[1].request()
        assert config["AsyncInferenceConfig"]["OutputConfig"] == {"S3OutputPath": "s3://bucket/answers/"}
    finally:
        await launcher.close()
        await services.close()


async def test_an_answer_that_is_not_a_report_fails_the_run(fleet: EmbeddedFleet) -> None:
    """yolo-dogs-prod runs another image (the fleet does not run it): its answer is model-shaped JSON, not a
    dogwatch report, and the run says so instead of inventing a result."""
    services = make_services(fleet)
    launcher = Launcher(services)
    try:
        with pytest.raises(LaunchError, match="did not answer with a dogwatch report"):
            await launcher.invoke("yolo-dogs-prod", VIDEO)
        [run] = launcher.runs()
        assert run.target is LaunchTarget.SAGEMAKER_ENDPOINT and run.status is LaunchStatus.FAILED
        assert run.result is None and run.stopped_at is not None
        with pytest.raises(LaunchError, match="is Failed"):
            await launcher.invoke("llm-summarizer", VIDEO)
    finally:
        await launcher.close()
        await services.close()

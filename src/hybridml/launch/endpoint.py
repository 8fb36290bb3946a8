"""The YOLO container as a SageMaker endpoint: deploy it (model, endpoint config, endpoint), wait for InService,
invoke it with a video URL (each invocation is a run, compared with the other targets), and delete it again.

The same image serves: SageMaker runs `docker run IMAGE serve`, the container answers `/ping` and
`/invocations` (`{"video_url": ...}` -> the dogwatch report). A real-time invocation must answer within 60 s
(InvokeEndpoint); longer videos want an asynchronous endpoint (`--async`: answers are written to S3).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from hybridml.actions.base import Action
from hybridml.actions.deploy import InvokeWithVideo, deploy_actions, undeploy_actions
from hybridml.aws.deploy import deploy_names, video_request_body
from hybridml.aws.errors import AwsError, NotFound, with_message
from hybridml.config import LaunchSettings
from hybridml.domain.launch import LaunchRun, LaunchStatus, LaunchTarget
from hybridml.domain.sagemaker import Endpoint
from hybridml.launch.batch import LaunchError
from hybridml.launch.registry import LaunchRegistry
from hybridml.launch.report import SCHEMA
from hybridml.services import Services

DEPLOY_WAIT_S = 3600.0  # creating an endpoint takes minutes (instances, image pull, the model's /ping)
JSON = "application/json"


@dataclass(frozen=True)
class DeployPlan:
    deployment: str
    instance_type: str
    async_output: str
    actions: list[Action[str]] = field(default_factory=list)

    @property
    def endpoint(self) -> str:
        return deploy_names(self.deployment)[2]

    def lines(self) -> list[str]:
        out = [a.confirm_text() for a in self.actions]
        return [*out, "", *(a.call_text() for a in self.actions)]


def plan_deploy(
    settings: LaunchSettings,
    deployment: str | None = None,
    *,
    instance_type: str | None = None,
    role_arn: str | None = None,
    async_output: str | None = None,
    asynchronous: bool = False,
) -> DeployPlan:
    """The three calls (validated; nothing is sent)."""
    role = role_arn or settings.sagemaker_role_arn or ""
    if not role:
        raise LaunchError(
            "a SageMaker execution role is required: pass --role ARN or set [launch] sagemaker_role_arn "
            "(SageMaker assumes it to pull the image)"
        )
    output = ""
    if asynchronous:
        output = async_output or settings.async_output or ""
        if not output:
            raise LaunchError("an asynchronous endpoint needs an S3 output location: --async-output s3://bucket/prefix")
    name = deployment or settings.deployment
    kind = instance_type or settings.endpoint_instance_type
    try:
        actions = deploy_actions(name, settings.image_uri, role, kind, async_output=output)
    except AwsError as exc:
        raise LaunchError(exc.message) from exc
    return DeployPlan(name, kind, output, actions)


async def send_deploy(services: Services, plan: DeployPlan, on_step: Callable[[str], None] | None = None) -> None:
    """Send the three calls in order; when one fails, its error says which were already created."""
    done: list[str] = []
    for action in plan.actions:
        try:
            await services.run(action)
        except AwsError as exc:
            if not done:
                raise
            raise with_message(exc, f"{exc.message} (already created: {', '.join(done)})") from exc
        done.append(f"{action.operation.removeprefix('Create')} {action.target}")
        if on_step is not None:
            on_step(f"{action.operation} {action.target}: sent")


async def wait_deployed(
    services: Services,
    endpoint: str,
    on_status: Callable[[Endpoint, float], None] | None = None,
    *,
    timeout_s: float = DEPLOY_WAIT_S,
) -> Endpoint:
    """Poll until InService (EndpointWaitFailed when it fails or the deadline passes)."""
    poll = services.settings.sagemaker.endpoint_poll_s
    return await services.sagemaker.wait_in_service(endpoint, timeout_s=timeout_s, poll_s=poll, on_status=on_status)


async def undeploy(services: Services, deployment: str) -> list[str]:
    """DeleteEndpoint, DeleteEndpointConfig, DeleteModel; each one already gone is said, not an error."""
    said = []
    for action in undeploy_actions(deployment):
        try:
            await services.run(action)
            said.append(f"{action.target} deleted")
        except NotFound:
            said.append(f"{action.target} was already gone")
    return said


def _report_in(message: str) -> dict[str, Any] | None:
    """The container's report inside a ModelError message ("... from primary with message "{...}""), if any."""
    start, end = message.find("{"), message.rfind("}")
    if start < 0 or end <= start:
        return None
    try:
        found = json.loads(message[start : end + 1])
    except ValueError:
        return None
    return found if isinstance(found, dict) and "status" in found else None


def invoke_action(endpoint: str, video_url: str) -> InvokeWithVideo:
    """The InvokeEndpoint of one video: `{"video_url": ...}` in, the dogwatch report out."""
    return InvokeWithVideo(endpoint, video_request_body(video_url), JSON, JSON)


async def invoke_video(services: Services, registry: LaunchRegistry, endpoint: Endpoint, video_url: str) -> LaunchRun:
    """One InvokeEndpoint with the video URL, listed as a run; the answer (the report) is its result."""
    run = registry.create(LaunchTarget.SAGEMAKER_ENDPOINT, video_url)
    run = registry.update(run.run_id, job_id=endpoint.name, instance_type=endpoint.instance_type)
    action = invoke_action(endpoint.name, video_url)
    sent = datetime.now(UTC)
    registry.update(run.run_id, status=LaunchStatus.RUNNING, started_at=sent)
    try:
        invocation = await services.run(action)
    except AwsError as exc:
        report = _report_in(exc.message) if exc.code == "ModelError" else None
        if report is not None:
            registry.report(run.run_id, report)
        registry.update(run.run_id, status=LaunchStatus.FAILED, message=exc.message, stopped_at=datetime.now(UTC))
        raise
    except Exception as exc:
        registry.update(run.run_id, status=LaunchStatus.FAILED, message=str(exc), stopped_at=datetime.now(UTC))
        raise
    stopped = sent + timedelta(milliseconds=invocation.latency_ms)
    try:
        report = json.loads(invocation.text())
    except ValueError:
        report = None
    if not isinstance(report, dict) or report.get("schema") != SCHEMA:
        registry.update(
            run.run_id,
            status=LaunchStatus.FAILED,
            stopped_at=stopped,
            message=f"the endpoint answered {invocation.content_type or 'something'} that is not a dogwatch report",
        )
        raise LaunchError(f"endpoint {endpoint.name} did not answer with a dogwatch report")
    try:
        registry.report(run.run_id, report)
    except (ValueError, TypeError) as exc:
        registry.update(run.run_id, status=LaunchStatus.FAILED, stopped_at=stopped, message=f"not a report: {exc}")
        raise LaunchError(f"endpoint {endpoint.name}: not a dogwatch report ({exc})") from exc
    return registry.update(run.run_id, stopped_at=stopped)

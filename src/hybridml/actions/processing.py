"""The YOLO launch's SageMaker Processing calls: CreateProcessingJob running the bundled container unchanged
(its entrypoint, the launch's flags as `ContainerArguments`), and StopProcessingJob. `hybridml.launch.processing`
plans them; the TUI (`n` on :launches) and `hybridml yolo run --sagemaker-processing` confirm them first."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from hybridml.actions.base import Action, ActionSpec, Readers, Update, register
from hybridml.aws.errors import InvalidRequest
from hybridml.aws.processing import (
    SERVICE,
    container_arguments,
    processing_job_kwargs,
    request_problems,
    stop_processing_kwargs,
)
from hybridml.domain.processing import ProcessingJob

CREATE = register(ActionSpec("launch.sagemaker.processing", "CreateProcessingJob of a YOLO run (sent by launch.new)"))
STOP = register(ActionSpec("launch.sagemaker.stop-processing", "StopProcessingJob of a YOLO run (sent by launch.stop)"))


@dataclass(frozen=True)
class CreateProcessingJob(Action[str]):
    """One processing job on one `instance_type` running the image with the launch's flags; outcome: its ARN."""

    name: str
    image: str
    role_arn: str
    instance_type: str
    video_url: str
    callback_url: str
    tags: tuple[tuple[str, str], ...] = field(default=())

    spec: ClassVar[ActionSpec] = CREATE
    service: ClassVar[str] = SERVICE
    operation: ClassVar[str] = "CreateProcessingJob"

    @property
    def target(self) -> str:
        return self.name

    @property
    def arguments(self) -> list[str]:
        return container_arguments(self.video_url, self.callback_url, self.instance_type)

    def request(self) -> dict[str, Any]:
        return processing_job_kwargs(
            self.name, self.image, self.role_arn, self.instance_type, self.arguments, tags=dict(self.tags)
        )

    def validate(self) -> None:
        problems = request_problems(self.name, self.arguments, self.role_arn, self.instance_type)
        if problems:
            raise InvalidRequest("; ".join(problems), service=SERVICE)

    def confirm_text(self) -> str:
        return (
            f"create processing job {self.name}\n"
            f"  image      {self.image}\n"
            f"  instance   1 x {self.instance_type} (billed per second from start to end)\n"
            f"  role       {self.role_arn}\n"
            f"  runs       {' '.join(self.arguments[:2])} … (the container's own flags, unchanged)"
        )

    def outcome(self, response: dict[str, Any]) -> str:
        return str(response.get("ProcessingJobArn", ""))


@dataclass(frozen=True)
class StopProcessingJob(Update):
    """StopProcessingJob: InProgress -> Stopping -> Stopped (re-read at send time: a finished job is not stopped)."""

    job: ProcessingJob

    spec: ClassVar[ActionSpec] = STOP
    service: ClassVar[str] = SERVICE
    operation: ClassVar[str] = "StopProcessingJob"

    @property
    def target(self) -> str:
        return self.job.name

    def request(self) -> dict[str, Any]:
        return stop_processing_kwargs(self.job.name)

    def missing(self) -> str:
        return f"processing job {self.job.name}"

    def validate(self) -> None:
        if self.job.status != "InProgress":
            raise InvalidRequest(
                f"processing job {self.job.name} is {self.job.status}: only an InProgress job can be stopped",
                service=SERVICE,
            )

    async def prepare(self, readers: Readers) -> Action[None]:
        return StopProcessingJob(await readers.training.processing_job(self.job.name))

    def confirm_text(self) -> str:
        return (
            f"processing job {self.job.name}: {self.job.status}  →  Stopping  →  Stopped\n"
            "SageMaker stops the container (SIGTERM, then SIGKILL): no report is sent for this run."
        )

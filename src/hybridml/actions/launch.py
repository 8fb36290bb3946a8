"""The YOLO launch's Batch calls: register the job definition for the configured image (when no ACTIVE revision
runs it) and submit the run with `video_url` / `callback_url` as `Ref::` parameters. `hybridml.launch.batch`
plans them (with the fit check) and the TUI / `hybridml yolo run --batch` confirm them first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from hybridml.actions.base import Action, ActionSpec, register
from hybridml.actions.batch import SubmitJob
from hybridml.aws.batch_actions import container_job_definition_kwargs, registered_from_api
from hybridml.domain.batch import ResourceRequest

NEW = register(
    ActionSpec(
        "launch.new",
        "New launch",
        key="n",
        views=("launches",),
        refused_read_only=False,  # a local run sends nothing to AWS; the Batch calls below are refused
        help="launch the YOLO container locally, on Batch or as a SageMaker processing job (confirm first: the "
        "calls, the fit check, the instance price)",
    )
)
STOP = register(
    ActionSpec(
        "launch.stop",
        "Stop",
        key="ctrl+k",
        views=("launches",),
        refused_read_only=False,  # a local run is killed here; the AWS calls it sends are refused read-only
        help="stop the selected run: a local process, a Batch job (cancel/terminate) or a processing job (confirm)",
    )
)
REGISTER = register(
    ActionSpec("launch.batch.register-jobdef", "RegisterJobDefinition of the YOLO image (sent by launch.new)")
)
SUBMIT = register(ActionSpec("launch.batch.submit", "SubmitJob of a YOLO run (sent by launch.new)"))

# `--device cuda`: on a GPU queue the container fails fast (exit 2) rather than fall back to the CPU.
YOLO_COMMAND = (
    "python3", "src/main.py", "--video_url", "Ref::video_url", "--callback_url", "Ref::callback_url",
    "--device", "cuda",
)  # fmt: skip
YOLO_RESOURCES = ResourceRequest(vcpus=4, memory_mib=15000, gpus=1)
YOLO_ENVIRONMENT = {"YOLO_OFFLINE": "1"}
YOLO_TIMEOUT_S = 3600
YOLO_ATTEMPTS = 2


@dataclass(frozen=True)
class RegisterJobDefinition(Action[str]):
    """A container job definition running `image` with the YOLO command and resources; outcome `name:revision`."""

    name: str
    image: str

    spec: ClassVar[ActionSpec] = REGISTER
    service: ClassVar[str] = "batch"
    operation: ClassVar[str] = "RegisterJobDefinition"

    @property
    def target(self) -> str:
        return self.name

    def request(self) -> dict[str, Any]:
        return container_job_definition_kwargs(
            self.name,
            self.image,
            YOLO_COMMAND,
            parameters={"video_url": "", "callback_url": ""},
            vcpus=int(YOLO_RESOURCES.vcpus),
            memory_mib=YOLO_RESOURCES.memory_mib,
            gpus=YOLO_RESOURCES.gpus,
            environment=YOLO_ENVIRONMENT,
            timeout_s=YOLO_TIMEOUT_S,
            attempts=YOLO_ATTEMPTS,
        )

    def confirm_text(self) -> str:
        r = YOLO_RESOURCES
        return (
            f"register job definition {self.name} (no ACTIVE revision runs this image)\n"
            f"  image      {self.image}\n"
            f"  resources  {r.vcpus:g} vCPU, {r.memory_mib} MiB, {r.gpus} GPU; timeout {YOLO_TIMEOUT_S}s, "
            f"{YOLO_ATTEMPTS} attempts"
        )

    def outcome(self, response: dict[str, Any]) -> str:
        return registered_from_api(response)


@dataclass(frozen=True)
class LaunchSubmit(SubmitJob):
    """The run's SubmitJob (its own audit name: a launch, not an ad hoc submit)."""

    spec: ClassVar[ActionSpec] = SUBMIT

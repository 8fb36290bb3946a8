"""Batch actions: submit, cancel / terminate, compute environment scale and state, queue state and priority."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from hybridml.actions.base import Action, ActionSpec, Readers, Runner, Update, register
from hybridml.aws.batch_actions import (
    ScaleChange,
    SubmittedJob,
    ce_state_kwargs,
    queue_priority_kwargs,
    queue_state_kwargs,
    scale_ce_kwargs,
    stop_job_kwargs,
    stop_verb,
    submit_job_kwargs,
    submitted_from_api,
)
from hybridml.aws.errors import InvalidRequest, NotFound
from hybridml.domain.batch import ComputeEnvironment, Job, JobQueue, JobStatus
from hybridml.domain.submit import SubmitRequest

SUBMIT = register(
    ActionSpec(
        "batch.submit",
        "New Batch job",
        key="n",
        views=("jobs", "queues", "jobdefs"),
        help="new job: queue, definition, Ref:: parameters, overrides, live fit check; ctrl+s submits after a confirm",
    )
)
CLONE = register(
    ActionSpec(
        "batch.clone",
        "Clone",
        key="c",
        views=("jobs", "job-detail"),
        help="clone the selected job into the submit form",
    )
)
RESUBMIT = register(
    ActionSpec(
        "batch.resubmit",
        "Resubmit",
        key="R",
        views=("jobs", "job-detail"),
        help="resubmit the selected FAILED job as it was (one confirm)",
        show=False,
    )
)
STOP = register(
    ActionSpec(
        "batch.stop",
        "Stop jobs",
        key="ctrl+k",
        views=("jobs", "job-detail", "array-children"),
        help="cancel (not started) or terminate (running) the marked or selected jobs, with a reason",
    )
)
CANCEL = register(ActionSpec("batch.cancel", "CancelJob: a job that has not started (sent by batch.stop)"))
TERMINATE = register(ActionSpec("batch.terminate", "TerminateJob: stop a started job (sent by batch.stop)"))
CE_SCALE = register(
    ActionSpec(
        "batch.ce.scale",
        "Scale",
        key="s",
        views=("ce",),
        help="compute environment: min / max vCPUs (before/after, confirm)",
    )
)
CE_STATE = register(
    ActionSpec(
        "batch.ce.state", "Enable/disable", key="e", views=("ce",), help="enable or disable a compute environment"
    )
)
QUEUE_STATE = register(
    ActionSpec("batch.queue.state", "Enable/disable", key="e", views=("queues",), help="enable or disable a job queue")
)
QUEUE_PRIORITY = register(
    ActionSpec("batch.queue.priority", "Priority", key="p", views=("queues",), help="change a job queue's priority")
)

STARTED = (JobStatus.STARTING, JobStatus.RUNNING)


class NothingToStop(InvalidRequest):
    """The job has already finished: there is nothing to cancel or terminate."""


@dataclass(frozen=True)
class SubmitJob(Action[SubmittedJob]):
    submit: SubmitRequest

    spec: ClassVar[ActionSpec] = SUBMIT
    service: ClassVar[str] = "batch"
    operation: ClassVar[str] = "SubmitJob"
    invalidates: ClassVar[tuple[str, ...]] = ("batch.jobs",)

    @property
    def target(self) -> str:
        return self.submit.queue

    def request(self) -> dict[str, Any]:
        return submit_job_kwargs(self.submit)

    def subject(self) -> str:
        return f"job {self.submit.job_name} in queue {self.submit.queue}"

    def validate(self) -> None:
        problems = self.submit.problems()
        if problems:
            raise InvalidRequest("; ".join(problems), service="batch", operation="SubmitJob")

    def confirm_text(self) -> str:
        return f"submit {self.submit.job_name} to queue {self.submit.queue} ({self.submit.job_definition})"

    def outcome(self, response: dict[str, Any]) -> SubmittedJob:
        return submitted_from_api(response, self.submit.job_name, self.submit.queue)


@dataclass(frozen=True)
class _StopJob(Action[str]):
    """CancelJob / TerminateJob of one job; the outcome is the verb actually sent."""

    job: Job
    reason: str

    service: ClassVar[str] = "batch"
    invalidates: ClassVar[tuple[str, ...]] = ("batch.jobs",)
    verb: ClassVar[str] = ""

    @property
    def target(self) -> str:
        return self.job.job_id

    def request(self) -> dict[str, Any]:
        return stop_job_kwargs(self.job.job_id, self.reason)

    def validate(self) -> None:
        self.request()

    def confirm_text(self) -> str:
        return f"{self.verb} {self.job.name} ({self.job.job_id}, {self.job.status.value}) with reason {self.reason!r}"

    def outcome(self, response: dict[str, Any]) -> str:
        return self.verb

    async def _current(self, readers: Readers) -> Job:
        job = await readers.batch.job(self.job.job_id)
        if job is None:
            raise NotFound(f"job {self.job.job_id} not found (no longer listed by Batch)", service="batch")
        if stop_verb(job.status) is None:
            raise NothingToStop(f"job {job.name} is already {job.status.value}: nothing to stop", service="batch")
        return job


@dataclass(frozen=True)
class CancelJob(_StopJob):
    """CancelJob, for a job that has not started. Re-read at send time: "Jobs that progressed to the STARTING or
    RUNNING state aren't cancelled. However, the API operation still succeeds, even if no job is cancelled. These
    jobs must be terminated with the TerminateJob" (Batch service model, CancelJob)."""

    escalate: bool = True  # a job found started is terminated instead (False: refused, e.g. `hybridml cancel`)

    spec: ClassVar[ActionSpec] = CANCEL
    operation: ClassVar[str] = "CancelJob"
    verb: ClassVar[str] = "cancel"

    async def prepare(self, readers: Readers) -> Action[str]:
        job = await self._current(readers)
        if job.status in STARTED:
            if not self.escalate:
                raise InvalidRequest(
                    f"job {job.name} is {job.status.value} now: CancelJob does not stop a started job; use terminate",
                    service="batch",
                )
            return TerminateJob(job, self.reason)
        return CancelJob(job, self.reason, self.escalate)


@dataclass(frozen=True)
class TerminateJob(_StopJob):
    spec: ClassVar[ActionSpec] = TERMINATE
    operation: ClassVar[str] = "TerminateJob"
    verb: ClassVar[str] = "terminate"

    async def prepare(self, readers: Readers) -> Action[str]:
        return TerminateJob(await self._current(readers), self.reason)


def stop_action(job: Job, reason: str) -> CancelJob | TerminateJob:
    """The call `job`'s listed status asks for (re-checked when it is sent); NothingToStop when it has finished."""
    verb = stop_verb(job.status)
    if verb is None:
        raise NothingToStop(f"job {job.name} is already {job.status.value}: nothing to stop", service="batch")
    return CancelJob(job, reason) if verb == "cancel" else TerminateJob(job, reason)


async def stop_job(runner: Runner, job: Job, reason: str, first: CancelJob | TerminateJob | None = None) -> str:
    """Cancel or terminate `job` (`first`, default: what its status asks for) and say what happened, truthfully:
    the job is read back from Batch after the call.

    A job that started while its cancel was on the way is terminated (the same reason): CancelJob succeeds on
    it without stopping anything."""
    action = first if first is not None else stop_action(job, reason)
    verb = await runner.run(action)
    after = await runner.batch.job(job.job_id)
    escalate = not isinstance(action, CancelJob) or action.escalate
    if verb == "cancel" and escalate and after is not None and after.status in STARTED:
        await runner.run(TerminateJob(after, reason))
        verb = "terminate"
        after = await runner.batch.job(job.job_id)
    done = "cancelled" if verb == "cancel" else "terminated"
    if after is None or after.status is JobStatus.FAILED:
        return done
    if after.status is JobStatus.SUCCEEDED:
        return f"not stopped: it finished (SUCCEEDED) before the {verb} landed"
    if verb == "cancel" and after.status in STARTED:
        raise InvalidRequest(
            f"job {job.name} is {after.status.value}: it started before the cancel landed, and CancelJob does not "
            "stop a started job; terminate it",
            service="batch",
        )
    if verb == "cancel":
        return f"cancel requested ({after.status.value}: a PENDING job is cancelled once its dependencies finish)"
    return f"terminate requested ({after.status.value}: FAILED once the container has stopped)"


@dataclass(frozen=True)
class _ComputeEnvironmentUpdate(Update):
    ce: ComputeEnvironment

    service: ClassVar[str] = "batch"
    operation: ClassVar[str] = "UpdateComputeEnvironment"

    @property
    def target(self) -> str:
        return self.ce.name


@dataclass(frozen=True)
class _QueueUpdate(Update):
    queue: JobQueue

    service: ClassVar[str] = "batch"
    operation: ClassVar[str] = "UpdateJobQueue"

    @property
    def target(self) -> str:
        return self.queue.name


@dataclass(frozen=True)
class ScaleComputeEnvironment(_ComputeEnvironmentUpdate):
    change: ScaleChange

    spec: ClassVar[ActionSpec] = CE_SCALE

    def request(self) -> dict[str, Any]:
        return scale_ce_kwargs(self.ce, self.change)

    def validate(self) -> None:
        self.request()

    def confirm_text(self) -> str:
        r = self.ce.resources
        assert r is not None  # validate() refused an unmanaged CE
        rows = [
            ("min vCPUs", r.min_vcpus, self.change.min_vcpus),
            ("desired vCPUs", r.desired_vcpus, self.change.desired_vcpus),
            ("max vCPUs", r.max_vcpus, self.change.max_vcpus),
        ]
        lines = [before_after(label, before, after) for label, before, after in rows]
        lo = r.min_vcpus if self.change.min_vcpus is None else self.change.min_vcpus
        hi = r.max_vcpus if self.change.max_vcpus is None else self.change.max_vcpus
        lines += [
            "",
            f"Batch keeps at least {lo} vCPUs of instances running (even while the environment is DISABLED) and",
            f"launches no more than {hi} vCPUs (On-Demand may exceed it by one instance). desiredvCpus is Batch's",
            "own: it follows the queue's demand between the two and cannot be lowered by an update.",
        ]
        return "\n".join(lines)


@dataclass(frozen=True)
class SetComputeEnvironmentState(_ComputeEnvironmentUpdate):
    enabled: bool

    spec: ClassVar[ActionSpec] = CE_STATE

    def request(self) -> dict[str, Any]:
        return ce_state_kwargs(self.ce.name, self.enabled)

    def confirm_text(self) -> str:
        note = (
            "Batch places jobs on it again."
            if self.enabled
            else "No new jobs are placed on it; running jobs finish; instances scale down to minvCpus."
        )
        return f"{before_after('state', self.ce.state, _state(self.enabled))}\n\n{note}"


@dataclass(frozen=True)
class SetQueueState(_QueueUpdate):
    enabled: bool

    spec: ClassVar[ActionSpec] = QUEUE_STATE

    def request(self) -> dict[str, Any]:
        return queue_state_kwargs(self.queue.name, self.enabled)

    def confirm_text(self) -> str:
        note = "It accepts new jobs again." if self.enabled else "It refuses new jobs; jobs already in it still run."
        return f"{before_after('state', self.queue.state, _state(self.enabled))}\n\n{note}"


@dataclass(frozen=True)
class SetQueuePriority(_QueueUpdate):
    priority: int

    spec: ClassVar[ActionSpec] = QUEUE_PRIORITY

    def request(self) -> dict[str, Any]:
        return queue_priority_kwargs(self.queue.name, self.priority)

    def validate(self) -> None:
        self.request()

    def confirm_text(self) -> str:
        line = before_after("priority", self.queue.priority, self.priority)
        return f"{line}\n\nQueues with a higher priority are scheduled first on the compute environments they share."


def before_after(label: str, before: object, after: object | None) -> str:
    """`label   before  ->  after`, or `(unchanged)`."""
    if after is None or after == before:
        return f"{label:<16}{before!s:>10}  (unchanged)"
    return f"{label:<16}{before!s:>10}  →  {after}"


def _state(enabled: bool) -> str:
    return "ENABLED" if enabled else "DISABLED"

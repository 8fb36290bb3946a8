"""AWS Batch resources as frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class JobStatus(StrEnum):
    SUBMITTED = "SUBMITTED"
    PENDING = "PENDING"
    RUNNABLE = "RUNNABLE"
    STARTING = "STARTING"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"

    @property
    def is_terminal(self) -> bool:
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    @property
    def is_cancellable(self) -> bool:
        """Cancel applies before a job is placed; later states need terminate."""
        return self in (JobStatus.SUBMITTED, JobStatus.PENDING, JobStatus.RUNNABLE)

    @property
    def is_terminatable(self) -> bool:
        return self in (JobStatus.STARTING, JobStatus.RUNNING)


ALL_JOB_STATUSES: tuple[JobStatus, ...] = tuple(JobStatus)


@dataclass(frozen=True, slots=True)
class ComputeResources:
    type: str  # EC2 | SPOT | FARGATE | FARGATE_SPOT
    min_vcpus: int
    max_vcpus: int
    desired_vcpus: int
    instance_types: tuple[str, ...] = ()
    allocation_strategy: str = ""
    bid_percentage: int | None = None


@dataclass(frozen=True, slots=True)
class ComputeEnvironment:
    name: str
    arn: str
    state: str  # ENABLED | DISABLED
    status: str  # CREATING | UPDATING | DELETING | DELETED | VALID | INVALID
    status_reason: str = ""
    type: str = "MANAGED"  # MANAGED | UNMANAGED
    resources: ComputeResources | None = None
    service_role: str = ""
    ecs_cluster_arn: str = ""
    orchestration: str = "ECS"  # containerOrchestrationType: ECS | EKS

    @property
    def usable(self) -> bool:
        return self.state == "ENABLED" and self.status == "VALID"


@dataclass(frozen=True, slots=True)
class JobQueue:
    name: str
    arn: str
    state: str  # ENABLED | DISABLED
    status: str  # VALID | INVALID | ...
    priority: int
    compute_environments: tuple[str, ...] = ()  # CE ARNs in order
    status_reason: str = ""
    scheduling_policy_arn: str = ""


@dataclass(frozen=True, slots=True)
class ResourceRequest:
    vcpus: float = 0.0
    memory_mib: int = 0
    gpus: int = 0


@dataclass(frozen=True, slots=True)
class JobDefinition:
    name: str
    arn: str
    revision: int
    status: str  # ACTIVE | INACTIVE
    type: str  # container | multinode
    image: str = ""
    command: tuple[str, ...] = ()
    resources: ResourceRequest = field(default_factory=ResourceRequest)
    parameters: tuple[tuple[str, str], ...] = ()  # default Ref:: values
    environment: tuple[tuple[str, str], ...] = ()
    job_role_arn: str = ""
    log_driver: str = ""
    log_group: str = ""
    timeout_s: int | None = None
    retry_attempts: int | None = None
    platform: str = "EC2"

    @property
    def name_revision(self) -> str:
        return f"{self.name}:{self.revision}"

    @property
    def ref_parameters(self) -> tuple[str, ...]:
        """Names of `Ref::x` placeholders used in the command, in order of first use."""
        seen: list[str] = []
        for part in self.command:
            if part.startswith("Ref::"):
                key = part[5:]
                if key not in seen:
                    seen.append(key)
        for key, _ in self.parameters:
            if key not in seen:
                seen.append(key)
        return tuple(seen)


@dataclass(frozen=True, slots=True)
class JobAttempt:
    started_at: datetime | None
    stopped_at: datetime | None
    exit_code: int | None
    reason: str
    log_stream: str
    task_arn: str = ""
    instance_arn: str = ""


@dataclass(frozen=True, slots=True)
class ArraySummary:
    size: int
    index: int | None = None  # set on a child
    status_counts: tuple[tuple[str, int], ...] = ()  # parent only


@dataclass(frozen=True, slots=True)
class Job:
    """One Batch job. Fields beyond the summary are filled once the job is described."""

    job_id: str
    name: str
    queue: str  # queue name (not ARN)
    status: JobStatus
    created_at: datetime | None
    started_at: datetime | None = None
    stopped_at: datetime | None = None
    status_reason: str = ""
    job_definition: str = ""  # ARN or name:revision
    arn: str = ""
    array: ArraySummary | None = None
    depends_on: tuple[str, ...] = ()
    attempts: tuple[JobAttempt, ...] = ()
    resources: ResourceRequest = field(default_factory=ResourceRequest)
    parameters: tuple[tuple[str, str], ...] = ()
    command: tuple[str, ...] = ()
    environment: tuple[tuple[str, str], ...] = ()
    image: str = ""
    log_stream: str = ""
    log_group: str = ""
    exit_code: int | None = None
    timeout_s: int | None = None
    retry_attempts: int | None = None
    tags: tuple[tuple[str, str], ...] = ()
    share_identifier: str = ""
    instance_type: str = ""

    @property
    def is_array_parent(self) -> bool:
        return self.array is not None and self.array.index is None and self.array.size > 0

    @property
    def is_array_child(self) -> bool:
        return self.array is not None and self.array.index is not None

    @property
    def job_definition_name(self) -> str:
        """`name` from an ARN `...:job-definition/name:3` or `name:3`."""
        tail = self.job_definition.rsplit("/", 1)[-1]
        return tail.split(":", 1)[0]

    def age_s(self, now: datetime) -> float | None:
        return None if self.created_at is None else (now - self.created_at).total_seconds()

    def duration_s(self, now: datetime) -> float | None:
        if self.started_at is None:
            return None
        end = self.stopped_at or now
        return max(0.0, (end - self.started_at).total_seconds())

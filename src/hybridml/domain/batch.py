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
# statusReason codes with which Batch says a job cannot be placed as things are (nothing changes that but a fix).
DECISIVE_REASON_PREFIXES = ("MISCONFIGURATION:", "ACTION_REQUIRED")


class JobKind(StrEnum):
    """How a job's work is described (Batch API: JobDetail `container` / `ecsProperties` / `eksProperties` /
    `nodeProperties`)."""

    CONTAINER = "container"  # one container (`container`), on EC2 or Fargate
    ECS = "ecs"  # several containers in one ECS task (`ecsProperties.taskProperties[].containers[]`)
    EKS = "eks"  # a Kubernetes pod (`eksProperties.podProperties.containers[]`)
    MULTI_NODE = "multinode"  # a multi-node parallel job (`nodeProperties`); its nodes are `JOBID#N`


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
        """Batch can place jobs here: ENABLED ("the Batch scheduler can attempt to place jobs") and VALID, or
        UPDATING (an update is applied while the environment keeps running jobs)."""
        return self.state == "ENABLED" and self.status in ("VALID", "UPDATING")


@dataclass(frozen=True, slots=True)
class TimeLimitAction:
    """A queue's `jobStateTimeLimitActions` entry: Batch itself acts on a job that stays at the head of the queue
    in `state` with the status reason `reason` for `max_time_s` (600..86,400 s)."""

    reason: str
    state: str  # RUNNABLE (the only supported state)
    max_time_s: int
    action: str  # CANCEL (ECS, Fargate, EKS queues) | TERMINATE (SageMaker Training queues)


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
    time_limit_actions: tuple[TimeLimitAction, ...] = ()


@dataclass(frozen=True, slots=True)
class ResourceRequest:
    vcpus: float = 0.0
    memory_mib: int = 0
    gpus: int = 0

    def __add__(self, other: ResourceRequest) -> ResourceRequest:
        return ResourceRequest(self.vcpus + other.vcpus, self.memory_mib + other.memory_mib, self.gpus + other.gpus)

    @property
    def size(self) -> tuple[int, float, int]:
        """Order of "bigger": GPUs, then vCPUs, then memory."""
        return (self.gpus, self.vcpus, self.memory_mib)


@dataclass(frozen=True, slots=True)
class ContainerInfo:
    """One container: a job's only one, one of an ECS task's (`ecsProperties`), or one of an EKS pod's.

    `log_group`/`log_stream_prefix` come from its `awslogs` log configuration; `log_stream` is set by Batch once
    the container reaches RUNNING (per container for `ecsProperties` jobs)."""

    name: str
    image: str = ""
    command: tuple[str, ...] = ()
    resources: ResourceRequest = field(default_factory=ResourceRequest)
    environment: tuple[tuple[str, str], ...] = ()
    essential: bool = True
    log_driver: str = ""
    log_group: str = ""
    log_stream_prefix: str = ""
    log_stream: str = ""
    exit_code: int | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class NodeRange:
    """One `nodeRangeProperties` entry of a multi-node parallel job: nodes `target_nodes` ("0:3", "4:") run this."""

    target_nodes: str
    image: str = ""
    command: tuple[str, ...] = ()
    resources: ResourceRequest = field(default_factory=ResourceRequest)
    instance_types: tuple[str, ...] = ()
    containers: tuple[ContainerInfo, ...] = ()  # its `container` (named "default"), or its ecsProperties ones

    def covers(self, index: int, num_nodes: int) -> bool:
        start, colon, end = self.target_nodes.partition(":")
        try:
            lo = int(start) if start.strip() else 0
            hi = int(end) if end.strip() else num_nodes - 1
        except ValueError:
            return False
        if not colon:  # "3" without a colon: that node only
            hi = lo
        return lo <= index <= hi


@dataclass(frozen=True, slots=True)
class MultiNode:
    """A multi-node parallel job (`nodeProperties`) or one of its nodes (`nodeDetails`, job id `JOBID#N`)."""

    num_nodes: int
    main_node: int = 0
    node_index: int | None = None  # set on a node
    is_main: bool = False
    ranges: tuple[NodeRange, ...] = ()

    def range_of(self, index: int) -> NodeRange | None:
        """The range that configures node `index` (a later, nested range overrides an earlier one)."""
        found = [r for r in self.ranges if r.covers(index, self.num_nodes)]
        return found[-1] if found else None


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
    kind: JobKind = JobKind.CONTAINER
    containers: tuple[ContainerInfo, ...] = ()  # ECS task / EKS pod containers (empty for a plain container)
    multinode: MultiNode | None = None
    log_stream_prefix: str = ""

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
    containers: tuple[ContainerInfo, ...] = ()  # an ecsProperties attempt: each container's stream

    @property
    def log_streams(self) -> tuple[tuple[str, str], ...]:
        """(container name, stream) of this attempt: one per container of an ECS task, else the one stream."""
        per_container = tuple((c.name, c.log_stream) for c in self.containers if c.log_stream)
        if per_container:
            return per_container
        return (("", self.log_stream),) if self.log_stream else ()


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
    kind: JobKind = JobKind.CONTAINER
    containers: tuple[ContainerInfo, ...] = ()  # ECS task / EKS pod containers (empty for a plain container job)
    multinode: MultiNode | None = None
    platform: str = "EC2"  # EC2 | FARGATE (platformCapabilities)
    log_driver: str = ""
    log_stream_prefix: str = ""
    pod: str = ""  # EKS: "pod on node"
    task_arn: str = ""  # the running attempt's ECS task
    is_cancelled: bool = False
    is_terminated: bool = False

    @property
    def is_array_parent(self) -> bool:
        return self.array is not None and self.array.index is None and self.array.size > 0

    @property
    def held_by_batch(self) -> bool:
        """RUNNABLE with a statusReason that says Batch cannot place it (MISCONFIGURATION:*, ACTION_REQUIRED)."""
        return self.status is JobStatus.RUNNABLE and self.status_reason.strip().startswith(DECISIVE_REASON_PREFIXES)

    @property
    def is_multinode_parent(self) -> bool:
        return self.multinode is not None and self.multinode.node_index is None

    @property
    def is_node(self) -> bool:
        """One node of a multi-node parallel job (job id `JOBID#N`)."""
        return self.multinode is not None and self.multinode.node_index is not None

    @property
    def parent_id(self) -> str:
        """The array parent of a child (`JOBID:N`) or the multi-node job of a node (`JOBID#N`); '' otherwise."""
        if self.is_node:
            return self.job_id.split("#", 1)[0]
        if self.is_array_child and ":" in self.job_id:
            return self.job_id.rsplit(":", 1)[0]
        return ""

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

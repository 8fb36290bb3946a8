"""What the demo fleet holds: compute environments, queues, job definitions and stuck-job scenarios.

Data only; `seed.py` turns it into resources. Stuck reasons are the ones AWS Batch documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field

YOLO_COMMAND = (
    "python3",
    "src/main.py",
    "--video_url",
    "Ref::video_url",
    "--callback_url",
    "Ref::callback_url",
    "--device",
    "cuda",
)


@dataclass(frozen=True)
class CESpec:
    name: str
    type: str  # EC2 | SPOT
    instance_types: tuple[str, ...]
    max_vcpus: int
    min_vcpus: int = 0
    desired_vcpus: int = 0
    state: str = "ENABLED"
    status: str = "VALID"
    status_reason: str = ""


@dataclass(frozen=True)
class QueueSpec:
    name: str
    priority: int
    compute_environments: tuple[str, ...]
    state: str = "ENABLED"
    cancel_after: tuple[tuple[str, int], ...] = ()  # jobStateTimeLimitActions: (RUNNABLE reason, seconds) -> CANCEL


@dataclass(frozen=True)
class JobDefSpec:
    name: str
    image: str
    command: tuple[str, ...]
    vcpus: int
    memory_mib: int
    gpus: int = 0
    parameters: dict[str, str] = field(default_factory=dict)
    timeout_s: int | None = None
    retry_attempts: int | None = None


@dataclass(frozen=True)
class StuckSpec:
    """A job kept in `status` with `reason`, submitted to `queue` with optional overrides."""

    name: str
    queue: str
    job_definition: str
    status: str
    reason: str
    age_min: int
    vcpus: int | None = None
    memory_mib: int | None = None
    gpus: int | None = None
    depends_on_failed: bool = False


COMPUTE_ENVIRONMENTS: tuple[CESpec, ...] = (
    CESpec("gpu-ondemand", "EC2", ("g5.xlarge", "g5.2xlarge", "g5.12xlarge"), max_vcpus=256, desired_vcpus=24),
    CESpec("gpu-spot", "SPOT", ("g4dn.xlarge", "g5.xlarge"), max_vcpus=64, desired_vcpus=4),
    CESpec("cpu-ondemand", "EC2", ("c6i.large", "c6i.2xlarge", "m6i.4xlarge"), max_vcpus=512, desired_vcpus=48),
    CESpec(
        "gpu-p4-legacy",
        "EC2",
        ("p4d.24xlarge",),
        max_vcpus=96,
        status="INVALID",
        status_reason=(
            "CLIENT_ERROR - The instance profile arn:aws:iam::123456789012:instance-profile/ecsInstanceRoleOld "
            "does not exist"
        ),
    ),
    CESpec("cpu-spot-archive", "SPOT", ("m5.large",), max_vcpus=32, state="DISABLED"),
)

QUEUES: tuple[QueueSpec, ...] = (
    QueueSpec("gpu-inference", 100, ("gpu-ondemand", "gpu-spot")),
    QueueSpec(
        "gpu-training",
        50,
        ("gpu-ondemand",),
        cancel_after=(("MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE", 6 * 3600),),
    ),
    QueueSpec("cpu-etl", 10, ("cpu-ondemand",)),
    QueueSpec("gpu-legacy", 5, ("gpu-p4-legacy",)),
    QueueSpec("spot-archive", 1, ("cpu-spot-archive",), state="DISABLED"),
)

JOB_DEFINITIONS: tuple[JobDefSpec, ...] = (
    JobDefSpec(
        "yolo-dog-detect",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/hybridml/yolo-dogs:latest",
        YOLO_COMMAND,
        vcpus=4,
        memory_mib=15000,
        gpus=1,
        parameters={
            "video_url": "https://example.com/videos/dogs.mp4",
            "callback_url": "http://127.0.0.1:8765/",
        },
        timeout_s=3600,
        retry_attempts=2,
    ),
    JobDefSpec(
        "train-resnet50",
        "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3-gpu",
        ("python", "train.py", "--epochs", "Ref::epochs", "--lr", "Ref::lr"),
        vcpus=8,
        memory_mib=60000,
        gpus=1,
        parameters={"epochs": "10", "lr": "0.001"},
        timeout_s=6 * 3600,
    ),
    JobDefSpec(
        "etl-parquet",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/hybridml/etl:1.4",
        ("python", "-m", "etl", "--date", "Ref::date"),
        vcpus=2,
        memory_mib=4096,
        parameters={"date": "2026-11-23"},
        retry_attempts=3,
    ),
    JobDefSpec(
        "embed-text",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/hybridml/embed:0.9",
        ("python", "embed.py", "--shard", "Ref::shard"),
        vcpus=4,
        memory_mib=16000,
        gpus=1,
        parameters={"shard": "0"},
    ),
    JobDefSpec(
        "feature-backfill",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/hybridml/features:2.1",
        ("python", "backfill.py"),
        vcpus=16,
        memory_mib=60000,  # fits m6i.4xlarge (64 GiB less the ECS overhead)
    ),
)

# Queue -> job definitions that normally run there.
WORKLOADS: dict[str, tuple[str, ...]] = {
    "gpu-inference": ("yolo-dog-detect", "embed-text"),
    "gpu-training": ("train-resnet50",),
    "cpu-etl": ("etl-parquet", "feature-backfill"),
}

STUCK_JOBS: tuple[StuckSpec, ...] = (
    StuckSpec(
        "yolo-spot-burst-7",
        "gpu-inference",
        "yolo-dog-detect",
        "RUNNABLE",
        "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - Service cannot fulfill the capacity requested for "
        "instance type [g5.xlarge]",
        age_min=47,
    ),
    StuckSpec(
        "train-llm-8gpu",
        "gpu-training",
        "train-resnet50",
        "RUNNABLE",
        "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE - CE maxvCpus is lower than the job's vCPU requirement",
        age_min=95,
        vcpus=384,
        memory_mib=1_100_000,
        gpus=8,
    ),
    StuckSpec(
        "etl-huge-memory",
        "cpu-etl",
        "etl-parquet",
        "RUNNABLE",
        "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - The job resource requirement (vCPU/memory/GPU) is higher "
        "than that can be met by the CE(s) attached to the job queue.",
        age_min=180,
        memory_mib=900_000,
    ),
    StuckSpec(
        "embed-no-role",
        "gpu-inference",
        "embed-text",
        "RUNNABLE",
        "MISCONFIGURATION:SERVICE_ROLE_PERMISSIONS - Batch service role has a permission issue",
        age_min=32,
    ),
    StuckSpec("p4-benchmark", "gpu-legacy", "train-resnet50", "RUNNABLE", "", age_min=240),
    StuckSpec("etl-after-failed", "cpu-etl", "etl-parquet", "PENDING", "", age_min=70, depends_on_failed=True),
    StuckSpec("yolo-cpu-queue", "cpu-etl", "yolo-dog-detect", "RUNNABLE", "", age_min=55),
)

ENDPOINTS: tuple[tuple[str, str, int, str, str], ...] = (
    # name, instance type, instances, status, failure reason
    ("yolo-dogs-prod", "ml.g5.xlarge", 2, "InService", ""),
    ("yolo-dogs-canary", "ml.g4dn.xlarge", 1, "Updating", ""),
    ("text-embed", "ml.c5.2xlarge", 3, "InService", ""),
    ("resnet-shadow", "ml.g5.2xlarge", 1, "Creating", ""),
    (
        "llm-summarizer",
        "ml.g5.12xlarge",
        1,
        "Failed",
        "The primary container for production variant AllTraffic did not pass the ping health check.",
    ),
)

# InService for days with no invocations at all (a forgotten staging endpoint): the idle-endpoint watch's case. The
# demo sends it no traffic (no CloudWatch points, none from the simulator).
IDLE_ENDPOINTS: tuple[tuple[str, str, int, float], ...] = (
    # name, instance type, instances, age hours
    ("yolo-dogs-staging", "ml.g4dn.xlarge", 1, 72.0),
)
IDLE_ENDPOINT_NAMES = frozenset(name for name, *_ in IDLE_ENDPOINTS)

TRAINING_JOBS: tuple[tuple[str, str, str, str, int, str], ...] = (
    # name, status, secondary status, instance type, age minutes, failure reason
    ("dogs-yolo11n-ft-1121", "Completed", "Completed", "ml.g5.2xlarge", 60 * 26, ""),
    ("dogs-yolo11s-ft-1124", "InProgress", "Training", "ml.g5.xlarge", 42, ""),
    ("resnet50-sweep-03", "InProgress", "Downloading", "ml.p3.2xlarge", 75, ""),
    ("embed-distill-v2", "InProgress", "Starting", "ml.g5.12xlarge", 58, ""),
    ("resnet50-sweep-01", "Failed", "Failed", "ml.p3.2xlarge", 60 * 5, "AlgorithmError: CUDA out of memory"),
    ("dogs-yolo11m-ft-1120", "Stopped", "MaxRuntimeExceeded", "ml.g5.xlarge", 60 * 30, ""),
)

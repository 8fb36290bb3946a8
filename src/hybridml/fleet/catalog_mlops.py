"""What the demo fleet holds beyond endpoints and training jobs: pipelines and their runs, tuning jobs, Model
Monitor schedules, the model registry, an A/B endpoint and notebooks. Data only; `seed_mlops.py` creates it.

Ages are minutes before the seed's anchor time. Failure reasons are the ones SageMaker reports for these causes.
"""

from __future__ import annotations

from dataclasses import dataclass

OOM = (
    'AlgorithmError: ExecuteUserScriptError: ExitCode 1 ErrorMessage "torch.OutOfMemoryError: CUDA out of memory. '
    'Tried to allocate 2.00 GiB (GPU 0; 22.05 GiB total capacity; 19.87 GiB already allocated)"'
)
NULLS = "AlgorithmError: data validation failed: 12.4% of rows have a null customer_id (allowed: 1%)"
NO_MODULE = (
    'AlgorithmError: ExecuteUserScriptError: ExitCode 1 ErrorMessage "ModuleNotFoundError: No module named '
    "'sentence_transformers'\""
)
NAN_LOSS = 'AlgorithmError: ExecuteUserScriptError: ExitCode 1 ErrorMessage "ValueError: loss is NaN at step 412"'


@dataclass(frozen=True)
class StepSpec:
    name: str
    kind: str  # Processing | Training | Condition | RegisterModel
    status: str = "Succeeded"
    minutes: float = 5.0
    failure: str = ""


@dataclass(frozen=True)
class RunSpec:
    display: str
    age_min: float
    status: str  # Executing | Succeeded | Failed | Stopped
    steps: tuple[StepSpec, ...]
    failure: str = ""


def _ok(*names_kinds: tuple[str, str, float]) -> tuple[StepSpec, ...]:
    return tuple(StepSpec(n, k, minutes=m) for n, k, m in names_kinds)


TRAIN_STEPS = (
    ("Preprocess", "Processing", 6.0),
    ("Train", "Training", 34.0),
    ("Evaluate", "Processing", 4.0),
    ("CheckMAP", "Condition", 0.1),
    ("RegisterModel", "RegisterModel", 0.2),
)

PIPELINES: dict[str, tuple[str, tuple[RunSpec, ...]]] = {
    "dogs-detector-train": (
        "Fine-tune the dog detector on the week's labelled frames and register it",
        (
            RunSpec(
                "scheduled-run-1125",
                age_min=52,
                status="Failed",
                steps=(
                    StepSpec("Preprocess", "Processing", minutes=6),
                    StepSpec("Train", "Training", "Failed", 31, OOM),
                ),
                failure="Step failure: One or multiple steps failed.",
            ),
            RunSpec("scheduled-run-1124", 60 * 24 + 50, "Succeeded", _ok(*TRAIN_STEPS)),
            RunSpec("manual-lr-0005", 60 * 47, "Succeeded", _ok(*TRAIN_STEPS)),
        ),
    ),
    "text-embed-nightly": (
        "Distil the text embedder and register a candidate",
        (
            RunSpec(
                "nightly-1125",
                age_min=25,
                status="Executing",
                steps=(StepSpec("Preprocess", "Processing", minutes=7), StepSpec("Train", "Training", "Executing", 0)),
            ),
            RunSpec(
                "nightly-1124",
                60 * 24 + 25,
                "Succeeded",
                _ok(
                    ("Preprocess", "Processing", 7), ("Train", "Training", 48), ("RegisterModel", "RegisterModel", 0.2)
                ),
            ),
        ),
    ),
    "churn-features-daily": (
        "Extract and validate churn features for the feature store",
        (
            RunSpec(
                "daily-1125",
                age_min=190,
                status="Failed",
                steps=(
                    StepSpec("Extract", "Processing", minutes=12),
                    StepSpec("Validate", "Processing", "Failed", 3, NULLS),
                ),
                failure="Step failure: One or multiple steps failed.",
            ),
            RunSpec(
                "daily-1124", 60 * 27, "Succeeded", _ok(("Extract", "Processing", 11), ("Validate", "Processing", 3))
            ),
        ),
    ),
    "yolo-eval-weekly": (
        "Evaluate the production detector on the hold-out set",
        (RunSpec("weekly-47", 60 * 96, "Stopped", (StepSpec("Evaluate", "Processing", "Stopped", 9),)),),
    ),
}


@dataclass(frozen=True)
class TuningSpec:
    name: str
    status: str
    strategy: str
    objective: str
    objective_type: str
    instance_type: str
    age_min: float
    max_jobs: int
    max_parallel: int
    # per launched training job: status, objective value (None: none reported), failure reason
    jobs: tuple[tuple[str, float | None, str], ...]


TUNING_JOBS: tuple[TuningSpec, ...] = (
    TuningSpec(
        "dogs-yolo-hpo-1125",
        "InProgress",
        "Bayesian",
        "validation:mAP50",
        "Maximize",
        "ml.g5.2xlarge",
        300,
        20,
        3,
        (
            ("Completed", 0.612, ""),
            ("Completed", 0.655, ""),
            ("Completed", 0.701, ""),
            ("Failed", None, NAN_LOSS),
            ("Completed", 0.688, ""),
            ("Completed", 0.742, ""),
            ("Completed", 0.719, ""),
            ("InProgress", None, ""),
            ("InProgress", None, ""),
            ("InProgress", None, ""),
        ),
    ),
    TuningSpec(
        "embed-lr-sweep-1124",
        "InProgress",
        "Random",
        "validation:loss",
        "Minimize",
        "ml.g5.xlarge",
        130,
        12,
        2,
        (
            ("Failed", None, NO_MODULE),
            ("Failed", None, NO_MODULE),
            ("Failed", None, NO_MODULE),
            ("Failed", None, NO_MODULE),
            ("InProgress", None, ""),
        ),
    ),
    TuningSpec(
        "resnet-hpo-1120",
        "Completed",
        "Hyperband",
        "validation:loss",
        "Minimize",
        "ml.p3.2xlarge",
        60 * 24 * 5,
        8,
        4,
        tuple(("Completed", v, "") for v in (0.412, 0.388, 0.351, 0.366, 0.402, 0.344, 0.371, 0.359)),
    ),
)

TUNED = {"lr": ("0.0005", "0.001", "0.002", "0.004"), "batch_size": ("16", "32", "64"), "warmup_steps": ("100", "500")}


@dataclass(frozen=True)
class MonitorSpec:
    name: str
    endpoint: str
    monitoring_type: str
    # newest first: (hours ago, status, violations, failure reason)
    runs: tuple[tuple[int, str, int, str], ...]


MONITORS: tuple[MonitorSpec, ...] = (
    MonitorSpec(
        "yolo-dogs-prod-data-quality",
        "yolo-dogs-prod",
        "DataQuality",
        ((1, "CompletedWithViolations", 3, ""), (2, "Completed", 0, ""), (3, "Completed", 0, "")),
    ),
    MonitorSpec(
        "text-embed-data-quality", "text-embed", "DataQuality", ((1, "Completed", 0, ""), (2, "Completed", 0, ""))
    ),
    MonitorSpec(
        "yolo-dogs-canary-model-quality",
        "yolo-dogs-canary",
        "ModelQuality",
        ((1, "Failed", 0, "Job inputs had no data"), (2, "Failed", 0, "Job inputs had no data")),
    ),
    MonitorSpec("fraud-scorer-data-quality", "fraud-scorer", "DataQuality", ((1, "Completed", 0, ""),)),
)

VIOLATIONS: tuple[tuple[str, str, str], ...] = (
    ("brightness_mean", "baseline_drift_check", "Baseline drift distance: 0.41 exceeds threshold: 0.1"),
    (
        "image_width",
        "data_type_check",
        "Data type match requirement is not met. Expected data type: Integral, Expected match: 100.0%. "
        "Observed: Only 91.2% of data is Integral.",
    ),
    (
        "camera_id",
        "completeness_check",
        "Data completeness requirement is not met. Expected: 100.0%. Observed: Only 87.5% of data is present.",
    ),
)

# model package group -> versions oldest first: (approval, age minutes, description)
REGISTRY: dict[str, tuple[tuple[str, float, str], ...]] = {
    "dogs-detector": (
        ("Approved", 60 * 24 * 30, "yolo11n baseline"),
        ("Rejected", 60 * 24 * 9, "mAP50 regressed on night frames"),
        ("Approved", 60 * 47 - 45, "manual-lr-0005"),
        ("PendingManualApproval", 60 * 24 + 10, "scheduled-run-1124"),
    ),
    "text-embedder": (
        ("Approved", 60 * 24 * 14, "distil v1"),
        ("Approved", 60 * 24 * 6, "distil v2"),
        ("PendingManualApproval", 60 * 23, "nightly-1124"),
    ),
    "churn-classifier": (("Rejected", 60 * 24 * 20, "leaky feature"), ("Approved", 60 * 24 * 19, "")),
}

# A/B endpoints: name -> variants (name, instance type, instances, weight)
AB_ENDPOINTS: dict[str, tuple[tuple[str, str, int, float], ...]] = {
    "fraud-scorer": (("Champion", "ml.c5.xlarge", 2, 0.9), ("Challenger", "ml.c5.xlarge", 1, 0.1)),
    "reco-ranker": (("v7", "ml.m5.xlarge", 2, 1.0), ("v8-shadow", "ml.m5.xlarge", 2, 0.0)),
}

# notebook instances: name, instance type, status, minutes in that status
NOTEBOOK_INSTANCES: tuple[tuple[str, str, str, float], ...] = (
    ("gpu-bob-finetune", "ml.p3.2xlarge", "InService", 61 * 60),
    ("ds-alice-exploration", "ml.t3.medium", "InService", 26 * 60),
    ("team-shared", "ml.m5.xlarge", "InService", 95),
    ("carol-eda", "ml.t3.large", "Stopped", 60 * 24 * 3),
)
STUDIO_DOMAIN = "ml-studio"
MONITOR_BUCKET = "hybridml-monitoring"
# Studio apps: user, app type, app name, instance type, status, minutes since created
STUDIO_APPS: tuple[tuple[str, str, str, str, str, float], ...] = (
    ("dave", "JupyterLab", "default", "ml.g5.2xlarge", "InService", 70 * 60),
    ("alice", "JupyterLab", "default", "ml.t3.medium", "InService", 300),
    ("erin", "CodeEditor", "default", "ml.m5.large", "InService", 35),
    ("frank", "JupyterLab", "default", "ml.g4dn.xlarge", "Deleted", 60 * 20),
)

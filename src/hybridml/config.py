"""Settings: TOML file -> validated, frozen settings.

Precedence: command-line flags > config file > AWS environment (AWS_PROFILE, AWS_REGION, ...) > defaults.
Unknown keys are errors, so a typo is reported instead of silently ignored. Numbers are finite (no nan/inf).
A config file is read with a size cap (MAX_CONFIG_BYTES); bad encoding or absurd nesting is a clean error.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

DEFAULT_CONFIG_NAME = "config.toml"
MAX_CONFIG_BYTES = 1024 * 1024  # a real config is a few KB; /dev/zero or a mistaken path is not read whole


class ConfigError(Exception):
    """A config file that cannot be used; the message names the file and the key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class AwsSettings(_Section):
    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    connect_timeout_s: float = Field(default=5.0, gt=0, le=120)
    read_timeout_s: float = Field(default=20.0, gt=0, le=600)
    max_attempts: int = Field(default=5, ge=1, le=20)
    retry_mode: Literal["standard", "adaptive", "legacy"] = "adaptive"
    max_concurrency: int = Field(default=8, ge=1, le=64)
    # requests a minute the automatic refreshes may send (the account's API limits are shared with everything
    # else on it); throttling lowers it for a while
    max_calls_per_min: int = Field(default=300, ge=10, le=100_000)

    @field_validator("endpoint_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value or None


class UiSettings(_Section):
    refresh_s: float = Field(default=5.0, ge=0.5, le=3600)
    theme: str = "textual-dark"
    log_max_lines: int = Field(default=50_000, ge=100, le=5_000_000)
    log_poll_s: float = Field(default=1.0, ge=0.2, le=60)
    log_flush_ms: int = Field(default=100, ge=10, le=5000)  # log view repaints at most this often
    log_live_tail: bool = True  # use CloudWatch StartLiveTail on real AWS when permitted (else poll)
    log_save_dir: str = "."  # where `S` in a log view writes files


class BatchSettings(_Section):
    queues: tuple[str, ...] = ()  # empty: every queue
    terminal_window_h: float = Field(default=24.0, gt=0, le=24 * 14)  # finished jobs older than this are dropped
    # every status of every queue is listed again this often (between: new jobs and active ones only)
    resync_s: float = Field(default=300.0, ge=0, le=3600)
    terminal_refresh_s: float | None = Field(default=None, ge=0, le=3600)  # old name of resync_s

    @property
    def resync_every_s(self) -> float:
        return self.terminal_refresh_s if self.terminal_refresh_s is not None else self.resync_s

    stuck_after_min: float = Field(default=15.0, gt=0)


class TriageSettings(_Section):
    """SageMaker thresholds (Batch jobs use [batch].stuck_after_min)."""

    endpoint_transition_after_min: float = Field(default=30.0, gt=0)  # Creating/Updating longer is stuck
    training_starting_after_min: float = Field(default=20.0, gt=0)
    training_downloading_after_min: float = Field(default=30.0, gt=0)


class WatchSettings(_Section):
    """Alerts in the header (and a bell), evaluated on refresh. 0 turns a watch off."""

    enabled: bool = True
    runnable_after_min: float = Field(default=30.0, ge=0)
    queue_blocked: bool = True
    failed_in_a_row: int = Field(default=3, ge=0, le=100)
    endpoint_not_in_service_after_min: float = Field(default=15.0, ge=0)
    pipeline_failed: bool = True  # a pipeline's newest run failed (once per run)
    monitor_violations: bool = True  # a monitoring run completed with violations, or failed (once per run)
    notebook_idle_h: float = Field(default=12.0, ge=0)  # a notebook / Studio app running longer (0: off)
    idle_endpoint_h: float = Field(default=24.0, ge=0, le=24 * 63)  # InService, no invocations this long (0: off)
    bell: bool = True
    interval_s: float = Field(default=30.0, ge=5, le=3600)


class SubmitTemplate(_Section):
    queue: str | None = None
    job_definition: str | None = None
    job_name: str | None = None
    parameters: dict[str, str] = {}
    vcpus: float | None = None
    memory_mib: int | None = None
    gpus: int | None = None
    command: list[str] | None = None
    environment: dict[str, str] = {}
    timeout_s: int | None = None
    retry_attempts: int | None = None
    array_size: int | None = None


class TrainingTemplate(_Section):
    """`[sagemaker.training_templates.NAME]`: overrides applied when cloning a training job."""

    instance_type: str | None = None
    instance_count: int | None = Field(default=None, ge=1, le=100)
    volume_gb: int | None = Field(default=None, ge=1, le=16384)
    image: str | None = None
    hyperparameters: dict[str, str] = {}
    max_runtime_s: int | None = Field(default=None, ge=1, le=28 * 24 * 3600)
    output_path: str | None = None
    spot: bool | None = None


class SageMakerSettings(_Section):
    endpoint_wait_s: float = Field(default=900.0, gt=0, le=6 * 3600)  # how long `s` waits for InService
    endpoint_poll_s: float = Field(default=5.0, ge=0.05, le=300)
    metrics_window: Literal["1h", "6h", "24h"] = "6h"
    list_window_h: float = Field(default=7 * 24.0, gt=0, le=24 * 365)  # training/processing jobs created since
    invoke_content_type: str = "application/json"
    training_templates: dict[str, TrainingTemplate] = {}


class LaunchSettings(_Section):
    """The bundled YOLO container: where it lives locally, and how it runs on Batch."""

    image_uri: str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/hybridml/yolo-dogs:latest"
    job_definition: str = "yolo-dog-detect"
    queue: str = "gpu-inference"
    container_dir: str | None = None  # default: gpu_container/ of this checkout
    python: str | None = None  # the container's own environment; default: <checkout>/.venv-gpu/bin/python
    weights: str | None = None  # default: the weights baked into the image (demo: yolo11n.yaml)
    device: str = "auto"
    use_docker: Literal["auto", "always", "never"] = "auto"
    callback_host: str = "127.0.0.1"
    callback_port: int = Field(default=0, ge=0, le=65535)
    # What a Batch instance can reach (e.g. a tunnel to the receiver): without it, a Batch launch whose callback
    # would be this machine's loopback address is refused (the job could never report back).
    callback_public_url: str | None = None
    allow_private_urls: bool = False  # let video/callback URLs point at loopback / private addresses (launch/urls.py)
    # SageMaker targets (processing jobs, endpoints): the execution role SageMaker assumes to pull the image and write
    # logs, and the instance types. `deployment` names the endpoint `D` deploys (its model/config add a suffix).
    sagemaker_role_arn: str | None = None
    processing_instance_type: str = "ml.g4dn.xlarge"
    endpoint_instance_type: str = "ml.g4dn.xlarge"
    deployment: str = "yolo-dogs-live"
    async_output: str | None = None  # s3://bucket/prefix: where an asynchronous endpoint writes its answers
    # The comparison's verdict (`C` on :launches, `yolo compare`): your volume and latency need, when you know them.
    videos_per_day: float | None = Field(default=None, ge=0)
    answer_within_s: float | None = Field(default=None, gt=0)


class Settings(_Section):
    aws: AwsSettings = AwsSettings()
    ui: UiSettings = UiSettings()
    batch: BatchSettings = BatchSettings()
    launch: LaunchSettings = LaunchSettings()
    triage: TriageSettings = TriageSettings()
    watches: WatchSettings = WatchSettings()
    templates: dict[str, SubmitTemplate] = {}
    sagemaker: SageMakerSettings = SageMakerSettings()
    keymap: dict[str, str] = {}
    read_only: bool = False
    audit_log: str = "~/.local/state/hybridml/audit.jsonl"
    debug_log: str = "~/.local/state/hybridml/debug.log"  # tracebacks of internal errors ("" turns it off)

    @field_validator("keymap")
    @classmethod
    def _keys(cls, value: dict[str, str]) -> dict[str, str]:
        for binding_id, keys in value.items():
            if not keys.strip():
                raise ValueError(f"{binding_id}: key must not be empty")
        return value


def default_config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "hybridml" / DEFAULT_CONFIG_NAME


def _describe(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"]) or "(top level)"
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = "unknown key"
        lines.append(f"  {key}: {message}")
    return "\n".join(lines)


def parse_settings(data: dict[str, Any], source: str = "<config>") -> Settings:
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"invalid config {source}:\n{_describe(exc)}") from None
    except RecursionError:
        raise ConfigError(f"invalid config {source}: values nest too deeply") from None


def load_settings(path: Path | None = None) -> Settings:
    """Load the given file, or the default one if it exists, else defaults.

    An explicitly given path that does not exist is an error; a missing default file is not.
    """
    explicit = path is not None
    target = path if path is not None else default_config_path()
    if not target.exists():
        if explicit:
            raise ConfigError(f"config file not found: {target}")
        return Settings()
    try:
        with target.open("rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"cannot read config {target}: {exc.strerror or exc}") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(f"config {target} is larger than {MAX_CONFIG_BYTES // 1024} KiB: not a config file?")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"config {target} is not UTF-8 text (byte {exc.start}: {raw[exc.start]:#04x})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config {target} is not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"config {target} nests tables or arrays too deeply") from None
    return parse_settings(data, str(target))

"""Amazon SageMaker resources as frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hybridml.domain.prices import hourly


@dataclass(frozen=True, slots=True)
class EndpointVariant:
    name: str
    instance_type: str
    current_instance_count: int | None
    desired_instance_count: int | None
    current_weight: float | None = None
    model_name: str = ""
    autoscaling_min: int | None = None
    autoscaling_max: int | None = None
    desired_weight: float | None = None
    volume_gb: int | None = None
    autoscaling_known: bool = True  # False when the bounds could not be read (e.g. no permission)

    @property
    def serverless(self) -> bool:
        """A serverless variant has no instances to count (ProductionVariant.ServerlessConfig)."""
        return self.instance_type == "serverless"

    @property
    def autoscaling(self) -> str:
        if not self.autoscaling_known:
            return "?"
        if self.autoscaling_min is None and self.autoscaling_max is None:
            return "-"
        return f"{self.autoscaling_min if self.autoscaling_min is not None else '?'}..{self.autoscaling_max or '?'}"


@dataclass(frozen=True, slots=True)
class Endpoint:
    name: str
    arn: str
    status: str  # OutOfService | Creating | Updating | SystemUpdating | RollingBack | InService | Deleting | Failed
    created_at: datetime | None
    modified_at: datetime | None
    config_name: str = ""
    failure_reason: str = ""
    variants: tuple[EndpointVariant, ...] = ()

    @property
    def instance_type(self) -> str:
        return ",".join(sorted({v.instance_type for v in self.variants if v.instance_type}))

    def variant(self, name: str | None = None) -> EndpointVariant | None:
        """The named variant, or the first one when no name is given."""
        for v in self.variants:
            if name is None or v.name == name:
                return v
        return None

    @property
    def current_instances(self) -> int | None:
        counts = [v.current_instance_count for v in self.variants if v.current_instance_count is not None]
        return sum(counts) if counts else None

    @property
    def desired_instances(self) -> int | None:
        counts = [v.desired_instance_count for v in self.variants if v.desired_instance_count is not None]
        return sum(counts) if counts else None

    @property
    def log_group(self) -> str:
        """Where the endpoint's containers log (one stream per instance: `<variant>/<instance id>`)."""
        return f"/aws/sagemaker/Endpoints/{self.name}"

    @property
    def busy(self) -> bool:
        """A change is in progress: AWS refuses another update until it is InService again."""
        return self.status in ("Creating", "Updating", "SystemUpdating", "RollingBack", "Deleting")

    @property
    def price_per_hour(self) -> float | None:
        """USD per hour for the instances it runs now (`domain.prices`): every instance hour is billed, invoked or
        not. None when an instance type has no catalogue price or nothing runs; serverless variants bill per
        request and are left out."""
        total, priced = 0.0, False
        for v in self.variants:
            if v.serverless or not v.current_instance_count:
                continue
            price = hourly(v.instance_type)
            if price is None:
                return None
            total += price * v.current_instance_count
            priced = True
        return total if priced else None


MAX_INSTANCES = 1000  # far above any account quota; catches a stray extra digit


@dataclass(frozen=True, slots=True)
class ScaleRequest:
    """What `s` asks for on one variant: a desired count and/or autoscaling bounds."""

    endpoint: str
    variant: str
    desired: int | None = None
    min_capacity: int | None = None
    max_capacity: int | None = None

    def problems(self, current: EndpointVariant | None = None) -> list[str]:
        """Human messages for what AWS would reject (empty: fine to send)."""
        out: list[str] = []
        for label, value in (("instances", self.desired), ("min", self.min_capacity), ("max", self.max_capacity)):
            if value is not None and not 0 <= value <= MAX_INSTANCES:
                out.append(f"{label} must be between 0 and {MAX_INSTANCES} (got {value})")
        if self.desired is None and self.min_capacity is None and self.max_capacity is None:
            out.append("nothing to change: give an instance count and/or autoscaling min/max")
        lo = self.min_capacity if self.min_capacity is not None else (current.autoscaling_min if current else None)
        hi = self.max_capacity if self.max_capacity is not None else (current.autoscaling_max if current else None)
        if (self.min_capacity is None) != (self.max_capacity is None) and (lo is None or hi is None):
            out.append("autoscaling needs both min and max the first time it is set")
        if lo is not None and hi is not None and lo > hi:
            out.append(f"autoscaling min ({lo}) is greater than max ({hi})")
        if self.max_capacity == 0 or self.desired == 0:
            out.append("an endpoint variant needs at least 1 instance")
        return out

    def warnings(self, current: EndpointVariant | None = None) -> list[str]:
        """Accepted by AWS but probably not what was meant."""
        lo = self.min_capacity if self.min_capacity is not None else (current.autoscaling_min if current else None)
        hi = self.max_capacity if self.max_capacity is not None else (current.autoscaling_max if current else None)
        if self.desired is not None and lo is not None and hi is not None and not lo <= self.desired <= hi:
            return [f"{self.desired} instances is outside the autoscaling range {lo}..{hi}: autoscaling will undo it"]
        return []


def parse_count(text: str, label: str) -> int | None:
    """'' -> None (leave unchanged); '3' -> 3; anything else -> ValueError with a message for the form."""
    text = text.strip()
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{label}: '{text}' is not a whole number") from None
    if value < 0:
        raise ValueError(f"{label}: must not be negative (got {value})")
    return value


@dataclass(frozen=True, slots=True)
class Invocation:
    """The answer of InvokeEndpoint."""

    endpoint: str
    body: bytes
    content_type: str
    latency_ms: float
    invoked_variant: str = ""
    custom_attributes: str = ""

    def text(self, limit: int = 100_000) -> str:
        return self.body[:limit].decode("utf-8", errors="replace")


@dataclass(frozen=True, slots=True)
class StatusTransition:
    status: str
    start: datetime | None
    end: datetime | None
    message: str = ""


@dataclass(frozen=True, slots=True)
class TrainingJob:
    name: str
    arn: str
    status: str  # InProgress | Completed | Failed | Stopping | Stopped
    secondary_status: str
    created_at: datetime | None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    modified_at: datetime | None = None
    instance_type: str = ""
    instance_count: int = 0
    billable_seconds: int | None = None
    failure_reason: str = ""
    max_runtime_s: int | None = None
    transitions: tuple[StatusTransition, ...] = ()
    final_metrics: tuple[tuple[str, float], ...] = ()
    image: str = ""
    role_arn: str = ""
    hyperparameters: tuple[tuple[str, str], ...] = ()
    volume_gb: int | None = None
    output_path: str = ""
    spot: bool = False
    tuning_job: str = ""  # the hyperparameter tuning job that launched it (name), if any

    @property
    def log_group(self) -> str:
        return "/aws/sagemaker/TrainingJobs"

    @property
    def log_stream_prefix(self) -> str:
        """The job's streams in `log_group`: `<job name>/algo-<n>-<epoch>`."""
        return f"{self.name}/"

    def duration_s(self, now: datetime) -> float | None:
        if self.started_at is None:
            return None
        end = self.ended_at or now
        return max(0.0, (end - self.started_at).total_seconds())


@dataclass(frozen=True, slots=True)
class BatchJobSummary:
    """A processing or transform job (read-only listing)."""

    kind: str  # "processing" | "transform"
    name: str
    arn: str
    status: str
    created_at: datetime | None
    ended_at: datetime | None = None
    modified_at: datetime | None = None
    failure_reason: str = ""

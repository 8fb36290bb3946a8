"""The comparison of one video's runs across targets (local, Batch, SageMaker processing, an endpoint) and the
"which service" verdict built from it (`hybridml.triage.compare` computes both)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DogsFound:
    """What a run's report found, in the terms two runs must agree on."""

    segments: int
    frames: int
    seconds: float  # time with a dog in view
    spans: tuple[tuple[float, float], ...] = ()  # each segment's start and end, seconds (2 decimals)

    def __str__(self) -> str:
        return f"{self.segments} seg {self.frames}f {self.seconds:.1f}s"


@dataclass(frozen=True, slots=True)
class TargetRow:
    """One run of the video on one target."""

    run_id: str
    target: str  # what ran it, in words: "local", "batch", "sagemaker-processing", "sagemaker-endpoint"
    status: str
    queue_wait_s: float | None  # submitted -> the container started
    run_s: float | None  # the container's start -> its end (an invocation: its round trip)
    billable_s: float | None  # what the instance is billed for (None: not billed per run)
    instance_type: str
    spot: bool
    price_h: float | None  # USD per hour for the instance
    cost: float | None  # USD for this run (an endpoint invocation: its share of the always-on hour)
    cost_note: str  # how the cost was estimated
    dogs: DogsFound | None
    agrees: bool | None = None  # with the other targets' results (None: nothing to compare with)


@dataclass(frozen=True, slots=True)
class Verdict:
    """Which service this workload should use, from the measured numbers and the seed's criteria."""

    choice: str  # "batch" | "sagemaker-processing" | "sagemaker-endpoint" | "" (not enough numbers)
    lines: tuple[str, ...]
    flip_per_day: float | None = None  # videos a day above which an always-on endpoint costs less than per-video jobs
    endpoint_per_day: float | None = None  # USD a day for the endpoint, always on
    per_video: float | None = None  # USD per video on the cheapest per-video target


@dataclass(frozen=True, slots=True)
class Comparison:
    video_url: str
    rows: tuple[TargetRow, ...]
    agree: bool | None  # every run with a result found the same dogs (None: fewer than two results)
    disagreement: str  # which targets differ, when they do
    verdict: Verdict
    prices_as_of: str
    prices_source: str
    notes: tuple[str, ...] = ()

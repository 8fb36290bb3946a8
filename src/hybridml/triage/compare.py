"""Batch or SageMaker? One video's runs on each target, side by side, and what this workload should use. Pure.

Per run: the queue wait (submitted -> the container started), the run time (start -> end; an invocation: its
round trip), the billable seconds, the instance type and its price (`domain.prices`), the estimated cost, and what
the container found (every target runs the same image on the same video: the dogs must agree).

How each target bills (the estimates say so in their note):
- Batch: no service fee; the EC2 instance is billed per second with a 60 s minimum (Linux), on-demand or spot.
  The job's share is counted; starting the instance and its idle time before scale-down are not.
- SageMaker processing: the job's instance, per second, from its start to its end.
- An endpoint: every instance hour while it is InService, whether invoked or not; an invocation's share is its
  round trip, the real cost is the day of instance hours.

The verdict follows the seed's criteria: latency need (an answer in seconds needs an endpoint: Batch and
processing start a container per video), volume (above `flip_per_day` videos a day the always-on endpoint costs
less than per-video jobs), cost, and ops effort.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from hybridml.domain.compare import Comparison, DogsFound, TargetRow, Verdict
from hybridml.domain.launch import LaunchRun, LaunchStatus, LaunchTarget
from hybridml.domain.prices import PriceBook
from hybridml.domain.units import short_duration as duration
from hybridml.domain.units import usd

EC2_MINIMUM_S = 60.0  # EC2 per-second billing (Linux) has a one-minute minimum
REAL_TIME_LIMIT_S = 60.0  # InvokeEndpoint: the container must answer within 60 seconds
DAY_S = 86400.0
ORDER = ("local", "batch", "sagemaker-processing", "sagemaker-endpoint")
OPS = (
    "Ops: Batch needs a compute environment, a queue and a job definition (spot cuts the price); processing "
    "needs nothing standing; an endpoint is always on and wants autoscaling and monitoring."
)


def target_kind(run: LaunchRun) -> str:
    return "local" if run.target.is_local else run.target.value


def dogs_found(run: LaunchRun) -> DogsFound | None:
    result = run.result
    if result is None or result.status != "ok":
        return None
    spans = tuple((round(s.start_s, 2), round(s.end_s, 2)) for s in result.segments)
    frames = sum(s.frames for s in result.segments)
    return DogsFound(len(result.segments), frames, result.dog_seconds, spans)


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds())


def target_row(run: LaunchRun, book: PriceBook) -> TargetRow:
    kind = target_kind(run)
    wait = _seconds(run.created_at, run.started_at)
    took = _seconds(run.started_at, run.stopped_at)
    price = book.hourly(run.instance_type, spot=run.spot) if run.instance_type else None
    billable: float | None = None
    cost: float | None = None
    if run.target.is_local:
        note = "this machine: not billed by AWS"
    elif not run.instance_type:
        note = "instance type not known yet"
    elif price is None:
        note = f"{run.instance_type}: no catalogue price"
    elif run.target is LaunchTarget.BATCH:
        billable = max(took, EC2_MINIMUM_S) if took is not None else None
        note = f"EC2 {'spot' if run.spot else 'on-demand'} per second (60 s minimum) while the job ran"
    elif run.target is LaunchTarget.SAGEMAKER_PROCESSING:
        billable = took
        note = "the job's instance, per second from start to end"
    else:
        note = f"share of an always-on hour (the endpoint bills {usd(price * 24)} a day, invoked or not)"
        cost = price * took / 3600.0 if took is not None else None
    if billable is not None and price is not None:
        cost = price * billable / 3600.0
    return TargetRow(
        run_id=run.run_id,
        target=kind,
        status=run.status.value,
        queue_wait_s=wait,
        run_s=took,
        billable_s=billable,
        instance_type=run.instance_type or ("this machine" if run.target.is_local else ""),
        spot=run.spot,
        price_h=price,
        cost=cost,
        cost_note=note,
        dogs=dogs_found(run),
    )


def _agreement(rows: list[TargetRow]) -> tuple[list[TargetRow], bool | None, str]:
    found = [r for r in rows if r.dogs is not None]
    if len(found) < 2:
        return rows, None, ""
    keys = {(r.dogs.segments, r.dogs.frames, r.dogs.spans) for r in found if r.dogs is not None}
    if len(keys) == 1:
        return [replace(r, agrees=True) if r.dogs is not None else r for r in rows], True, ""
    # the most common answer is the reference; the others disagree with it
    counts: dict[tuple[int, int, tuple[tuple[float, float], ...]], int] = {}
    for r in found:
        assert r.dogs is not None
        key = (r.dogs.segments, r.dogs.frames, r.dogs.spans)
        counts[key] = counts.get(key, 0) + 1
    reference = max(counts, key=lambda k: counts[k])
    out = []
    differ = []
    for r in rows:
        if r.dogs is None:
            out.append(r)
            continue
        same = (r.dogs.segments, r.dogs.frames, r.dogs.spans) == reference
        out.append(replace(r, agrees=same))
        if not same:
            differ.append(f"{r.target} ({r.run_id}: {r.dogs})")
    return out, False, "found different dogs: " + "; ".join(differ)


def _latest(rows: list[TargetRow], kind: str) -> TargetRow | None:
    done = [r for r in rows if r.target == kind and r.status == LaunchStatus.SUCCEEDED.value and r.run_s is not None]
    return done[0] if done else None  # rows are newest first within a target


def verdict(
    rows: list[TargetRow], *, videos_per_day: float | None = None, answer_within_s: float | None = None
) -> Verdict:
    batch, processing = _latest(rows, "batch"), _latest(rows, "sagemaker-processing")
    endpoint = _latest(rows, "sagemaker-endpoint")
    lines: list[str] = []
    per_video = [(r.cost, r) for r in (batch, processing) if r is not None and r.cost is not None]
    for r in (batch, processing):
        if r is None:
            continue
        name = "Batch" + (" (spot)" if r.spot else "") if r.target == "batch" else "SageMaker processing"
        lines.append(
            f"{name}: {usd(r.cost)} a video on {r.instance_type or '?'}; the container started "
            f"{duration(r.queue_wait_s)} after submit and ran {duration(r.run_s)}"
        )
    day = endpoint.price_h * 24 if endpoint is not None and endpoint.price_h is not None else None
    capacity = DAY_S / endpoint.run_s if endpoint is not None and endpoint.run_s else None
    if endpoint is not None:
        most = f"; one instance serves at most {capacity:,.0f} videos a day" if capacity else ""
        lines.append(
            f"Endpoint: {usd(day)} a day on {endpoint.instance_type or '?'}, invoked or not; it answered in "
            f"{duration(endpoint.run_s)}{most}"
        )
        if endpoint.run_s is not None and endpoint.run_s > REAL_TIME_LIMIT_S:
            lines.append(
                f"An invocation took {duration(endpoint.run_s)}: a real-time endpoint must answer within 60 s; "
                "use an asynchronous endpoint for videos like this"
            )
    cheapest = min(per_video, key=lambda pair: pair[0]) if per_video else None
    flip = day / cheapest[0] if day is not None and cheapest is not None and cheapest[0] > 0 else None
    if flip is not None and cheapest is not None:
        lines.append(
            f"The answer flips at {flip:,.0f} videos a day: below it, per-video {cheapest[1].target} jobs cost less; "
            "above it, the always-on endpoint does"
        )
    choice = ""
    slowest_start = max(
        ((r.queue_wait_s or 0.0) + (r.run_s or 0.0) for r in (batch, processing) if r is not None), default=None
    )
    if answer_within_s and endpoint is not None and slowest_start is not None and slowest_start > answer_within_s:
        choice = "sagemaker-endpoint"
        lines.append(
            f"→ An answer is needed within {duration(answer_within_s)}: only the endpoint answers that fast "
            f"(a per-video job took up to {duration(slowest_start)} to submit, start and run)"
        )
    elif videos_per_day is not None and flip is not None and cheapest is not None:
        choice = "sagemaker-endpoint" if videos_per_day > flip else cheapest[1].target
        lines.append(
            f"→ At {videos_per_day:,.0f} videos a day: "
            + ("the always-on endpoint" if choice == "sagemaker-endpoint" else f"per-video {choice} jobs")
        )
    elif cheapest is not None:
        choice = cheapest[1].target
        lines.append(
            f"→ Videos that can wait minutes: per-video {choice} jobs (no cost between videos); an endpoint when "
            "answers are needed in seconds or the volume passes the flip point"
        )
    lines.append(OPS)
    return Verdict(
        choice=choice,
        lines=tuple(lines),
        flip_per_day=flip,
        endpoint_per_day=day,
        per_video=cheapest[0] if cheapest is not None else None,
    )


def runs_of(runs: Sequence[LaunchRun], video_url: str) -> list[LaunchRun]:
    """The runs of one video, by target (local, Batch, processing, endpoint), newest first within each."""
    same = [r for r in runs if r.video_url == video_url]
    return sorted(same, key=lambda r: (ORDER.index(target_kind(r)), -r.created_at.timestamp()))


def compare(
    runs: Sequence[LaunchRun],
    video_url: str,
    book: PriceBook,
    *,
    videos_per_day: float | None = None,
    answer_within_s: float | None = None,
    demo: bool = False,
) -> Comparison:
    rows, agree, disagreement = _agreement([target_row(r, book) for r in runs_of(runs, video_url)])
    notes = []
    if demo:
        notes.append(
            "demo fleet: every target ran the container on this machine's CPU, and the queue waits are the fleet's "
            "(scaled down); on AWS, a cold compute environment or a processing instance takes minutes to start"
        )
    return Comparison(
        video_url=video_url,
        rows=tuple(rows),
        agree=agree,
        disagreement=disagreement,
        verdict=verdict(rows, videos_per_day=videos_per_day, answer_within_s=answer_within_s),
        prices_as_of=book.as_of,
        prices_source=book.source,
        notes=tuple(notes),
    )

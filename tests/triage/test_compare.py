"""The comparison of targets and its verdict (pure): time, billing, agreement, flip point, latency need."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hybridml.domain.launch import DogSegment, LaunchResult, LaunchRun, LaunchStatus, LaunchTarget
from hybridml.domain.prices import SHIPPED, PriceBook
from hybridml.triage.compare import compare, target_row

T0 = datetime(2026, 1, 1, tzinfo=UTC)
VIDEO = "https://videos.example.com/park.mp4"
FOUND = LaunchResult("ok", VIDEO, segments=(DogSegment("dog", 0.0, 2.97, 42, 0.93),))


def run(
    run_id: str,
    target: LaunchTarget,
    wait: float,
    took: float,
    instance_type: str = "",
    *,
    spot: bool = False,
    result: LaunchResult | None = FOUND,
    status: LaunchStatus = LaunchStatus.SUCCEEDED,
    video: str = VIDEO,
) -> LaunchRun:
    return LaunchRun(
        run_id,
        target,
        video,
        "",
        status,
        T0,
        started_at=T0 + timedelta(seconds=wait),
        stopped_at=T0 + timedelta(seconds=wait + took),
        instance_type=instance_type,
        spot=spot,
        result=result,
    )


BOOK = PriceBook(sagemaker={"ml.g4dn.xlarge": 0.72}, ec2={"g4dn.xlarge": 0.52}, spot={"g4dn.xlarge": 0.18})


def four() -> list[LaunchRun]:
    return [
        run("local1", LaunchTarget.LOCAL_PROCESS, 0.2, 15),
        run("batch1", LaunchTarget.BATCH, 180, 30, "g4dn.xlarge", spot=True),
        run("proc1", LaunchTarget.SAGEMAKER_PROCESSING, 200, 36, "ml.g4dn.xlarge"),
        run("ep1", LaunchTarget.SAGEMAKER_ENDPOINT, 0, 4.0, "ml.g4dn.xlarge"),
    ]


def test_each_target_is_billed_as_aws_bills_it() -> None:
    rows = {r.target: r for r in compare(four(), VIDEO, BOOK).rows}
    local, batch, proc, ep = rows["local"], rows["batch"], rows["sagemaker-processing"], rows["sagemaker-endpoint"]
    assert (local.cost, local.billable_s) == (None, None) and "not billed" in local.cost_note
    assert batch.queue_wait_s == 180 and batch.run_s == 30
    assert batch.billable_s == 60 and batch.price_h == 0.18  # the 60 s minimum, at the spot price
    assert batch.cost == pytest.approx(0.18 * 60 / 3600)
    assert proc.billable_s == 36 and proc.cost == pytest.approx(0.72 * 36 / 3600)
    assert ep.billable_s is None and ep.cost == pytest.approx(0.72 * 4 / 3600) and "always-on" in ep.cost_note


def test_same_dogs_everywhere_agree_and_a_different_answer_is_named() -> None:
    comparison = compare(four(), VIDEO, BOOK)
    assert comparison.agree is True and all(r.agrees for r in comparison.rows)
    other = LaunchResult("ok", VIDEO, segments=(DogSegment("dog", 1.0, 2.0, 30, 0.8),))
    runs = [*four()[:3], run("ep2", LaunchTarget.SAGEMAKER_ENDPOINT, 0, 4.0, "ml.g4dn.xlarge", result=other)]
    comparison = compare(runs, VIDEO, BOOK)
    assert comparison.agree is False
    assert [r.run_id for r in comparison.rows if r.agrees is False] == ["ep2"]
    assert "sagemaker-endpoint (ep2" in comparison.disagreement


def test_only_runs_of_the_video_are_compared_and_one_result_agrees_with_nothing() -> None:
    runs = [run("a", LaunchTarget.BATCH, 5, 30, "g4dn.xlarge"), run("b", LaunchTarget.BATCH, 5, 30, video="x")]
    comparison = compare(runs, VIDEO, BOOK)
    assert [r.run_id for r in comparison.rows] == ["a"] and comparison.agree is None


def test_the_answer_flips_at_the_endpoint_day_over_the_cheapest_video() -> None:
    verdict = compare(four(), VIDEO, BOOK).verdict
    per_video = 0.18 * 60 / 3600  # spot Batch is the cheapest per video here
    assert verdict.endpoint_per_day == pytest.approx(0.72 * 24)
    assert verdict.flip_per_day == pytest.approx(0.72 * 24 / per_video)
    assert verdict.choice == "batch"  # no volume given: per-video jobs, with the flip point said
    busy = compare(four(), VIDEO, BOOK, videos_per_day=verdict.flip_per_day * 2).verdict  # type: ignore[operator]
    assert busy.choice == "sagemaker-endpoint"
    quiet = compare(four(), VIDEO, BOOK, videos_per_day=10).verdict
    assert quiet.choice == "batch" and any(line.startswith("→ At 10 videos a day") for line in quiet.lines)


def test_a_latency_need_only_the_endpoint_meets_decides() -> None:
    verdict = compare(four(), VIDEO, BOOK, answer_within_s=30, videos_per_day=10).verdict
    assert verdict.choice == "sagemaker-endpoint"
    assert any("within 30s" in line for line in verdict.lines)


def test_a_slow_invocation_is_told_to_go_async() -> None:
    runs = [*four()[:3], run("ep", LaunchTarget.SAGEMAKER_ENDPOINT, 0, 75, "ml.g4dn.xlarge")]
    assert any("asynchronous endpoint" in line for line in compare(runs, VIDEO, BOOK).verdict.lines)


def test_unknown_prices_and_instances_are_said_not_guessed() -> None:
    assert "no catalogue price" in target_row(run("a", LaunchTarget.BATCH, 1, 30, "x9.huge"), BOOK).cost_note
    unknown = target_row(run("b", LaunchTarget.BATCH, 1, 30), BOOK)
    assert unknown.cost is None and "not known" in unknown.cost_note


def test_the_shipped_catalogue_prices_batch_and_sagemaker_types() -> None:
    assert SHIPPED.hourly("ml.g4dn.xlarge") and SHIPPED.hourly("g4dn.xlarge")
    assert SHIPPED.hourly("g4dn.xlarge", spot=True) < SHIPPED.hourly("g4dn.xlarge")  # type: ignore[operator]
    assert SHIPPED.hourly("z1.unknown") is None
    refreshed = SHIPPED.over(PriceBook(ec2={"g4dn.xlarge": 0.6}, sagemaker={}, spot={}, as_of="2026-01-01"))
    assert refreshed.hourly("g4dn.xlarge") == 0.6 and refreshed.hourly("ml.g4dn.xlarge") == SHIPPED.hourly(
        "ml.g4dn.xlarge"
    )
    assert refreshed.as_of == "2026-01-01" and "shipped catalogue of" in refreshed.source

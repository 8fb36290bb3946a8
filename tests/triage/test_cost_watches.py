"""Cost per hour of what runs now (endpoints, `:all` rows) and the idle-endpoint watch (pure)."""

from __future__ import annotations

import dataclasses

import pytest

from hybridml.aws.metrics import totals_period
from hybridml.config import WatchSettings
from hybridml.domain import prices
from hybridml.domain.batch import JobStatus
from hybridml.domain.sagemaker import EndpointVariant
from hybridml.render.fmt import per_hour
from hybridml.render.triage import WORKLOAD_COLUMNS, workload_row, workload_sort_key
from hybridml.triage.watches import evaluate, idle_candidates, idle_endpoint_alerts, per_day
from hybridml.triage.workloads import endpoint_workload, job_workload, training_workload, workloads
from tests.triage.factories import NOW, ago, ce, context, endpoint, job, queue, training

G5 = prices.hourly("ml.g5.xlarge")
G4 = prices.hourly("ml.g4dn.xlarge")


def variant(name: str, instance_type: str, current: int | None) -> EndpointVariant:
    return EndpointVariant(name, instance_type, current, current)


def test_endpoint_cost_is_every_production_variant_instances_times_price() -> None:
    assert G5 == 1.408 and G4 == 0.736  # the catalogue's dated figures (domain/prices.py, AS_OF)
    ab = endpoint(variants=(variant("A", "ml.g5.xlarge", 2), variant("B", "ml.g4dn.xlarge", 1)))
    assert ab.price_per_hour == pytest.approx(2 * 1.408 + 0.736)
    # a serverless variant bills per request: it adds nothing per hour, and alone it has no hourly figure
    mixed = endpoint(variants=(variant("A", "ml.g5.xlarge", 1), variant("S", "serverless", None)))
    assert mixed.price_per_hour == pytest.approx(1.408)
    assert endpoint(variants=(variant("S", "serverless", None),)).price_per_hour is None
    # no instances running yet (Creating, Failed): nothing billed, shown as "-"
    assert endpoint(status="Creating", variants=(variant("A", "ml.g5.xlarge", 0),)).price_per_hour is None
    # a type the catalogue does not list: no figure, never a partial sum that looks complete
    unknown = endpoint(variants=(variant("A", "ml.g5.xlarge", 1), variant("B", "ml.z9.mystery", 1)))
    assert unknown.price_per_hour is None


def test_per_hour_and_per_day_text() -> None:
    assert per_hour(2.816) == "$2.82" and per_hour(0.736) == "$0.736" and per_hour(None) == "-"
    assert per_hour(1234.5) == "$1,234.50"
    assert per_day(0.736) == "$17.66/day" and per_day(None) == "cost unknown"


def test_all_rows_cost_what_runs_now() -> None:
    spot_ce = ce("spot", type="SPOT")
    ctx = context(
        (
            job("run-od", JobStatus.RUNNING, instance_type="g5.xlarge"),
            job("run-spot", JobStatus.RUNNING, instance_type="g5.xlarge", queue="sq"),
            job("waiting", JobStatus.RUNNABLE),  # no instance yet: nothing billed
            job("done", JobStatus.SUCCEEDED, instance_type="g5.xlarge"),
        ),
        ces=(ce(), spot_ce),
        queues=(queue(), queue("sq", ces=("spot",))),
    )
    hourly = {w.name: w.hourly for w in workloads(ctx)}
    assert hourly["run-od"] == prices.hourly("g5.xlarge") == 1.006
    assert hourly["run-spot"] == prices.hourly("g5.xlarge", spot=True) == 0.40  # the queue's CE is SPOT
    assert hourly["waiting"] is None and hourly["done"] is None
    assert job_workload(job("r", JobStatus.RUNNING, instance_type="x9.mystery"), ctx).hourly is None
    # SageMaker: an InService endpoint bills its instances; a training job its instance count while it runs
    assert endpoint_workload(endpoint()).hourly == G5
    assert endpoint_workload(endpoint(status="Failed")).hourly is None
    assert training_workload(training(instance_count=4)).hourly == pytest.approx(4 * 1.408)
    assert training_workload(training(status="Completed")).hourly is None
    # managed spot training bills a spot price the catalogue does not hold: no figure rather than on-demand's
    assert training_workload(training(spot=True)).hourly is None
    assert prices.hourly("ml.g5.xlarge", spot=True) is None and prices.cost("ml.g5.xlarge", 60, spot=True) is None


def test_all_cost_column_renders_and_sorts_dearest_first() -> None:
    rows = [
        endpoint_workload(endpoint("cheap", variants=(variant("A", "ml.t3.medium", 1),))),
        endpoint_workload(endpoint("dear")),
    ]
    column = WORKLOAD_COLUMNS.index("COST/H")
    assert [str(workload_row(w, NOW)[column]) for w in rows] == ["$0.050", "$1.41"]
    ordered = sorted(rows, key=lambda w: workload_sort_key("COST/H", w, NOW))  # type: ignore[arg-type,return-value]
    assert [w.name for w in ordered] == ["dear", "cheap"]


def test_idle_endpoint_watch() -> None:
    """InService, created before the window, and zero Invocations over it: an alert that says the daily cost."""
    rules = WatchSettings(idle_endpoint_h=24)
    old = dataclasses.replace(endpoint("forgotten"), created_at=ago(30 * 60))
    busy = dataclasses.replace(endpoint("busy"), created_at=ago(30 * 60))
    new = dataclasses.replace(endpoint("new"), created_at=ago(60))  # an hour old: not idle for 24 h yet
    updating = dataclasses.replace(endpoint("updating", status="Updating"), created_at=ago(30 * 60))
    unread = dataclasses.replace(endpoint("unread"), created_at=ago(30 * 60))  # metrics not readable
    serverless = dataclasses.replace(
        endpoint("serverless", variants=(variant("S", "serverless", None),)), created_at=ago(30 * 60)
    )
    eps = (old, busy, new, updating, unread, serverless)
    assert [e.name for e in idle_candidates(eps, 24, NOW)] == ["forgotten", "busy", "unread"]
    ctx = context(endpoints=eps, invocations=(("busy", 3.0), ("forgotten", 0.0), ("new", 0.0)))
    alerts = [a for a in evaluate(ctx, rules, NOW) if a.key.startswith("idle/")]
    assert [(a.key, a.text) for a in alerts] == [
        ("idle/forgotten", "endpoint forgotten idle (no invocations in 24h): $33.79/day")  # 1.408 x 24
    ]
    assert idle_endpoint_alerts(ctx, 48, NOW) == []  # 30 h old: cannot have been idle 48 h
    assert [a for a in evaluate(ctx, WatchSettings(idle_endpoint_h=0), NOW) if a.key.startswith("idle/")] == []
    nameless = dataclasses.replace(
        endpoint("odd", variants=(variant("A", "ml.z9.mystery", 1),)), created_at=ago(30 * 60)
    )
    [alert] = idle_endpoint_alerts(context(endpoints=(nameless,), invocations=(("odd", 0.0),)), 24, NOW)
    assert alert.text.endswith(": cost unknown")


def test_totals_period_fits_getmetricdata() -> None:
    """GetMetricData: Period is 1, 5, 10, 20, 30 or any multiple of 60 seconds; data older than 15 days is kept at
    1-hour (3600 s) resolution (CloudWatch API reference, MetricStat.Period)."""
    assert totals_period(24 * 3600) == 3600 and totals_period(63 * 24 * 3600) == 3600
    assert totals_period(1800) == 1800 and totals_period(61) == 120 and totals_period(10) == 60


def test_all_rows_cost_running_trials_and_notebooks() -> None:
    """Issue 16's workloads in `:all`: a tuning job costs its running training jobs, a notebook while it runs."""
    from hybridml.triage.workloads import notebook_workload, tuning_workload
    from tests.triage.test_sagemaker_ops_rules import notebook, tuning

    assert tuning_workload(tuning(running=2)).hourly == pytest.approx(2 * 1.408)
    assert tuning_workload(tuning(running=0)).hourly is None  # nothing running: nothing billed, not "$0.000"
    assert tuning_workload(tuning(status="Completed", running=0)).hourly is None
    assert notebook_workload(notebook(3)).hourly == prices.hourly("ml.p3.2xlarge") == 3.825
    assert notebook_workload(notebook(3, status="Stopped")).hourly is None

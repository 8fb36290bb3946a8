"""CloudWatch GetMetricData: a few series over a window, for sparklines. Boto keys stay here."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from hybridml import clock
from hybridml.aws._util import as_utc
from hybridml.aws.errors import aws_call
from hybridml.aws.session import AwsSession
from hybridml.domain.metrics import MetricSeries, MetricSpec, period_for

SERVICE = "cloudwatch"
MAX_QUERIES = 500  # GetMetricData limit per request

TOTALS_MAX_AGE_S = 600.0  # how long an idle-watch total is reused

SAGEMAKER_NS = "AWS/SageMaker"
TRAINING_NS = "/aws/sagemaker/TrainingJobs"


def endpoint_metric_specs(endpoint: str, variant: str) -> list[MetricSpec]:
    dims = (("EndpointName", endpoint), ("VariantName", variant))
    return [
        MetricSpec("Invocations", SAGEMAKER_NS, "Invocations", dims, "Sum", "count"),
        MetricSpec("ModelLatency avg", SAGEMAKER_NS, "ModelLatency", dims, "Average", "us"),
        MetricSpec("4xx errors", SAGEMAKER_NS, "Invocation4XXErrors", dims, "Sum", "count"),
        MetricSpec("5xx errors", SAGEMAKER_NS, "Invocation5XXErrors", dims, "Sum", "count"),
    ]


def traffic_specs(endpoints: Sequence[tuple[str, str]]) -> list[MetricSpec]:
    """Invocations and 5xx of each (endpoint, variant): the list view's traffic column, in one request."""
    specs: list[MetricSpec] = []
    for endpoint, variant in endpoints:
        dims = (("EndpointName", endpoint), ("VariantName", variant))
        specs.append(MetricSpec(f"{endpoint}|inv", SAGEMAKER_NS, "Invocations", dims, "Sum"))
        specs.append(MetricSpec(f"{endpoint}|5xx", SAGEMAKER_NS, "Invocation5XXErrors", dims, "Sum"))
    return specs


def invocation_specs(endpoints: Sequence[tuple[str, str]]) -> list[MetricSpec]:
    """Invocations (Sum) of each (endpoint, variant): SageMaker publishes them per production variant."""
    return [
        MetricSpec(
            f"{endpoint}|{variant}",
            SAGEMAKER_NS,
            "Invocations",
            (("EndpointName", endpoint), ("VariantName", variant)),
            "Sum",
        )
        for endpoint, variant in endpoints
    ]


def training_metric_specs(job: str, metric_names: Sequence[str] = ("train:loss",)) -> list[MetricSpec]:
    """Algorithm metrics (a training job's MetricDefinitions) as SageMaker publishes them: namespace
    /aws/sagemaker/TrainingJobs, dimension TrainingJobName (SageMaker Developer Guide, "SageMaker AI metrics in
    Amazon CloudWatch" / "Define training metrics"). `Host` ("[training-job-name]/algo-[instance-number-in-cluster]")
    is the dimension of the instance metrics (CPUUtilization, GPUUtilization...), not of algorithm metrics."""
    dims = (("TrainingJobName", job),)
    return [MetricSpec(name, TRAINING_NS, name, dims, "Average") for name in metric_names]


def totals_period(window_s: int) -> int:
    """A period for a window's total: an hour (GetMetricData accepts any multiple of 60; data older than 15 days is
    kept at 1-hour resolution), or the window itself rounded up to a minute when it is shorter."""
    return 3600 if window_s >= 3600 else max(60, -(-window_s // 60) * 60)


def _query(index: int, spec: MetricSpec, period: int) -> dict[str, Any]:
    return {
        "Id": f"m{index}",
        "Label": spec.label,
        "ReturnData": True,
        "MetricStat": {
            "Metric": {
                "Namespace": spec.namespace,
                "MetricName": spec.name,
                "Dimensions": [{"Name": k, "Value": v} for k, v in spec.dimensions],
            },
            "Period": period,
            "Stat": spec.stat,
        },
    }


class MetricsService:
    def __init__(self, session: AwsSession) -> None:
        self.session = session
        self._totals: dict[tuple[str, str, int], tuple[float, float]] = {}  # (endpoint, variant, window) -> (at, sum)

    async def invocation_totals(
        self, endpoints: Sequence[tuple[str, str]], window_s: int, *, max_age_s: float = TOTALS_MAX_AGE_S
    ) -> dict[str, float]:
        """Endpoint -> Invocations summed over its variants and the last `window_s` seconds (no data points: 0).

        For the idle-endpoint watch, which runs every few seconds over a window of hours: a total read less than
        `max_age_s` ago is reused (GetMetricData is billed per metric read), the rest go in one request."""
        now = time.monotonic()
        stale = [
            (e, v)
            for e, v in endpoints
            if (hit := self._totals.get((e, v, window_s))) is None or now - hit[0] > max_age_s
        ]
        for start in range(0, len(stale), MAX_QUERIES):
            chunk = stale[start : start + MAX_QUERIES]
            found = await self.series(invocation_specs(chunk), window_s, period=totals_period(window_s))
            for (e, v), series in zip(chunk, found, strict=True):
                self._totals[(e, v, window_s)] = (now, series.total)
        out: dict[str, float] = {}
        for e, v in endpoints:
            out[e] = out.get(e, 0.0) + self._totals[(e, v, window_s)][1]
        return out

    async def series(
        self, specs: Sequence[MetricSpec], window_s: int, *, end: datetime | None = None, period: int | None = None
    ) -> list[MetricSeries]:
        """One series per spec (same order), oldest point first, over the last `window_s` seconds.

        All specs go in one GetMetricData request (up to 500), however many endpoints they cover."""
        if not specs:
            return []
        period = period or period_for(window_s)
        end = (end or clock.utcnow()).replace(microsecond=0)
        start = end - timedelta(seconds=window_s)
        queries = [_query(i, spec, period) for i, spec in enumerate(specs[:MAX_QUERIES])]
        client = await self.session.client(SERVICE)
        found: dict[str, tuple[list[datetime], list[float]]] = {q["Id"]: ([], []) for q in queries}
        async with aws_call(SERVICE, "GetMetricData"):
            paginator = client.get_paginator("get_metric_data")
            async for page in paginator.paginate(
                MetricDataQueries=queries, StartTime=start, EndTime=end, ScanBy="TimestampAscending"
            ):
                for result in page.get("MetricDataResults", []) or []:
                    stamps, values = found.setdefault(str(result["Id"]), ([], []))
                    stamps += [t for t in (as_utc(x) for x in result.get("Timestamps", []) or []) if t is not None]
                    values += [float(v) for v in result.get("Values", []) or []]
        out = []
        for query, spec in zip(queries, specs, strict=False):
            stamps, values = found[query["Id"]]
            points = sorted(zip(stamps, values, strict=False))
            out.append(
                MetricSeries(
                    label=spec.label,
                    timestamps=tuple(p[0] for p in points),
                    values=tuple(p[1] for p in points),
                    stat=spec.stat,
                    unit_hint=spec.unit_hint,
                )
            )
        return out

"""Start-up permission check: one cheap read per pane, so a denied pane says so instead of failing later.

A pane is what a view reads; most are a whole service, the SageMaker ones beyond endpoints each need their own
List permission (a role may read endpoints but not the model registry)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from hybridml.aws.errors import AccessDenied, aws_call, translate
from hybridml.aws.session import AwsSession
from hybridml.domain.triage import PaneAccess


def _one_minute_of_invocations(client: Any) -> Awaitable[Any]:
    """GetMetricData (what the endpoint curves use) for one metric over one minute: an answer costs the service
    next to nothing, unlike ListMetrics, which walks every metric in the namespace."""
    end = datetime.now(UTC).replace(second=0, microsecond=0)
    query = {
        "Id": "probe",
        "MetricStat": {
            "Metric": {"Namespace": "AWS/SageMaker", "MetricName": "Invocations"},
            "Period": 60,
            "Stat": "Sum",
        },
    }
    return client.get_metric_data(MetricDataQueries=[query], StartTime=end - timedelta(minutes=1), EndTime=end)  # type: ignore[no-any-return]


# pane -> (IAM action, probe); the probe's client is the pane's service (CLIENTS, or the pane's own name)
PROBES: dict[str, tuple[str, Callable[[Any], Awaitable[Any]]]] = {
    "batch": ("batch:DescribeJobQueues", lambda c: c.describe_job_queues(maxResults=1)),
    "sagemaker": ("sagemaker:ListEndpoints", lambda c: c.list_endpoints(MaxResults=1)),
    "sagemaker-pipelines": ("sagemaker:ListPipelines", lambda c: c.list_pipelines(MaxResults=1)),
    "sagemaker-tuning": (
        "sagemaker:ListHyperParameterTuningJobs",
        lambda c: c.list_hyper_parameter_tuning_jobs(MaxResults=1),
    ),
    "sagemaker-monitoring": (
        "sagemaker:ListMonitoringSchedules",
        lambda c: c.list_monitoring_schedules(MaxResults=1),
    ),
    "sagemaker-registry": (
        "sagemaker:ListModelPackageGroups",
        lambda c: c.list_model_package_groups(MaxResults=1),
    ),
    "sagemaker-notebooks": (
        "sagemaker:ListNotebookInstances",
        lambda c: c.list_notebook_instances(MaxResults=1),
    ),
    "logs": ("logs:DescribeLogGroups", lambda c: c.describe_log_groups(limit=1)),
    "cloudwatch": ("cloudwatch:GetMetricData", _one_minute_of_invocations),
    "application-autoscaling": (
        "application-autoscaling:DescribeScalableTargets",
        lambda c: c.describe_scalable_targets(ServiceNamespace="sagemaker", MaxResults=1),
    ),
    "service-quotas": (  # the call triage makes (aws/quotas.py), so a denial here is the one that matters
        "servicequotas:GetServiceQuota",
        lambda c: c.get_service_quota(ServiceCode="ec2", QuotaCode="L-1216C47A"),
    ),
}


CLIENTS: dict[str, str] = {
    pane: "sagemaker"
    for pane in (
        "sagemaker-pipelines",
        "sagemaker-tuning",
        "sagemaker-monitoring",
        "sagemaker-registry",
        "sagemaker-notebooks",
    )
}


async def probe(session: AwsSession, pane: str) -> PaneAccess:
    permission, call = PROBES[pane]
    service = CLIENTS.get(pane, pane)
    try:
        client = await session.mutation_client(service)  # no retries: a probe answers once, fast
        async with aws_call(service, permission.split(":", 1)[1]):
            await call(client)
    except AccessDenied as exc:
        return PaneAccess(pane, False, permission, exc.message)
    except Exception as exc:  # unreachable, not implemented...: unknown, not denied
        return PaneAccess(pane, None, permission, str(translate(exc, service)))
    return PaneAccess(pane, True, permission)


async def check_permissions(session: AwsSession, panes: tuple[str, ...] = tuple(PROBES)) -> dict[str, PaneAccess]:
    """Every probe at once; never raises."""
    results = await asyncio.gather(*(probe(session, p) for p in panes))
    return {r.service: r for r in results}

"""SageMaker reads (minimal: what triage and `:all` need). Mappers are the only place SageMaker keys appear."""

from __future__ import annotations

from typing import Any

from hybridml.aws._util import as_utc, bounded_gather
from hybridml.aws.errors import NotFound, aws_call
from hybridml.aws.session import AwsSession
from hybridml.domain.sagemaker import Endpoint, EndpointVariant, StatusTransition, TrainingJob

SERVICE = "sagemaker"
FINISHED = ("Completed", "Failed", "Stopped")


def _variant_from_api(d: dict[str, Any], config: dict[str, dict[str, Any]]) -> EndpointVariant:
    name = str(d.get("VariantName", ""))
    cfg = config.get(name, {})
    return EndpointVariant(
        name=name,
        instance_type=str(d.get("InstanceType") or cfg.get("InstanceType", "") or ""),
        current_instance_count=d.get("CurrentInstanceCount"),
        desired_instance_count=d.get("DesiredInstanceCount", cfg.get("InitialInstanceCount")),
        current_weight=d.get("CurrentWeight"),
        model_name=str(cfg.get("ModelName", "") or ""),
    )


def _endpoint_from_api(d: dict[str, Any], config: dict[str, Any] | None = None) -> Endpoint:
    """DescribeEndpoint (or a ListEndpoints summary), with its DescribeEndpointConfig for instance types."""
    variants_cfg = {str(v.get("VariantName", "")): v for v in (config or {}).get("ProductionVariants", []) or []}
    variants = d.get("ProductionVariants") or list(variants_cfg.values())
    return Endpoint(
        name=str(d["EndpointName"]),
        arn=str(d.get("EndpointArn", "") or ""),
        status=str(d.get("EndpointStatus", "") or ""),
        created_at=as_utc(d.get("CreationTime")),
        modified_at=as_utc(d.get("LastModifiedTime")),
        config_name=str(d.get("EndpointConfigName", "") or ""),
        failure_reason=str(d.get("FailureReason", "") or ""),
        variants=tuple(_variant_from_api(v, variants_cfg) for v in variants),
    )


def _training_from_api(d: dict[str, Any]) -> TrainingJob:
    """DescribeTrainingJob (or a ListTrainingJobs summary)."""
    rc = d.get("ResourceConfig") or {}
    stopping = d.get("StoppingCondition") or {}
    return TrainingJob(
        name=str(d["TrainingJobName"]),
        arn=str(d.get("TrainingJobArn", "") or ""),
        status=str(d.get("TrainingJobStatus", "") or ""),
        secondary_status=str(d.get("SecondaryStatus", "") or ""),
        created_at=as_utc(d.get("CreationTime")),
        started_at=as_utc(d.get("TrainingStartTime")),
        ended_at=as_utc(d.get("TrainingEndTime")),
        modified_at=as_utc(d.get("LastModifiedTime")),
        instance_type=str(rc.get("InstanceType", "") or ""),
        instance_count=int(rc.get("InstanceCount", 0) or 0),
        billable_seconds=d.get("BillableTimeInSeconds"),
        failure_reason=str(d.get("FailureReason", "") or ""),
        max_runtime_s=stopping.get("MaxRuntimeInSeconds"),
        transitions=tuple(
            StatusTransition(
                status=str(t.get("Status", "")),
                start=as_utc(t.get("StartTime")),
                end=as_utc(t.get("EndTime")),
                message=str(t.get("StatusMessage", "") or ""),
            )
            for t in d.get("SecondaryStatusTransitions", []) or []
        ),
        final_metrics=tuple(
            (str(m.get("MetricName", "")), float(m.get("Value", 0.0))) for m in d.get("FinalMetricDataList", []) or []
        ),
        image=str((d.get("AlgorithmSpecification") or {}).get("TrainingImage", "") or ""),
        role_arn=str(d.get("RoleArn", "") or ""),
    )


class SageMakerService:
    """Endpoint and training-job reads: list, then describe each (concurrently, bounded)."""

    def __init__(self, session: AwsSession) -> None:
        self.session = session
        self._configs: dict[str, dict[str, Any]] = {}  # endpoint configs are immutable: cached by name
        self._finished: dict[str, TrainingJob] = {}  # a finished training job no longer changes

    async def _paginate(self, operation: str, key: str, **kwargs: Any) -> list[dict[str, Any]]:
        client = await self.session.client(SERVICE)
        items: list[dict[str, Any]] = []
        async with aws_call(SERVICE, operation):
            async for page in client.get_paginator(operation).paginate(**kwargs):
                items.extend(page.get(key, []) or [])
        return items

    async def _describe_endpoint(self, name: str) -> Endpoint | None:
        client = await self.session.client(SERVICE)
        try:
            async with aws_call(SERVICE, "DescribeEndpoint"):
                d = await client.describe_endpoint(EndpointName=name)
        except NotFound:
            return None  # deleted between list and describe
        config_name = str(d.get("EndpointConfigName", "") or "")
        config = self._configs.get(config_name, {})
        if config_name and not config:
            try:
                async with aws_call(SERVICE, "DescribeEndpointConfig"):
                    config = await client.describe_endpoint_config(EndpointConfigName=config_name)
                self._configs[config_name] = config
            except NotFound:
                config = {}
        return _endpoint_from_api(d, config)

    async def list_endpoints(self) -> list[Endpoint]:
        """Every endpoint, described (status, FailureReason, variants with instance types)."""
        names = [str(s["EndpointName"]) for s in await self._paginate("list_endpoints", "Endpoints")]
        found = await bounded_gather(self.session.settings.max_concurrency, self._describe_endpoint, names)
        return sorted((e for e in found if e is not None), key=lambda e: e.name)

    async def _describe_training(self, name: str) -> TrainingJob | None:
        if name in self._finished:
            return self._finished[name]
        client = await self.session.client(SERVICE)
        try:
            async with aws_call(SERVICE, "DescribeTrainingJob"):
                d = await client.describe_training_job(TrainingJobName=name)
        except NotFound:
            return None
        job = _training_from_api(d)
        if job.status in FINISHED:
            self._finished[name] = job
        return job

    async def list_training_jobs(self, max_jobs: int = 200) -> list[TrainingJob]:
        """The newest `max_jobs` training jobs, described (instance type, MaxRuntime, FailureReason)."""
        summaries = await self._paginate(
            "list_training_jobs", "TrainingJobSummaries", SortBy="CreationTime", SortOrder="Descending"
        )
        names = [str(s["TrainingJobName"]) for s in summaries[:max_jobs]]
        found = await bounded_gather(self.session.settings.max_concurrency, self._describe_training, names)
        return [t for t in found if t is not None]

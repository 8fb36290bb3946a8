"""SageMaker training jobs (list, describe, stop, clone) and processing / transform jobs (read-only).

Mappers are the only place these SageMaker keys appear."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from hybridml import clock
from hybridml.aws._util import as_utc, bounded_gather, pairs
from hybridml.aws.errors import AccessDenied, AwsError, NotFound, as_not_found, aws_call
from hybridml.aws.processing import processing_from_api
from hybridml.aws.sagemaker import LIST_PAGE
from hybridml.aws.session import AwsSession
from hybridml.domain.processing import ProcessingJob
from hybridml.domain.sagemaker import BatchJobSummary, StatusTransition, TrainingJob

if TYPE_CHECKING:
    from hybridml.config import TrainingTemplate

SERVICE = "sagemaker"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DESCRIBE_LIMIT = 200
DESCRIBE_TTL_S = 60.0  # a running job's describe is reused at most this long even if its summary is unchanged
FINISHED = ("Completed", "Failed", "Stopped")  # full details for the newest jobs; older ones show their summary
_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
# What CreateTrainingJob accepts from a DescribeTrainingJob answer.
_CLONE_KEYS = (
    "HyperParameters",
    "AlgorithmSpecification",
    "RoleArn",
    "InputDataConfig",
    "OutputDataConfig",
    "ResourceConfig",
    "VpcConfig",
    "StoppingCondition",
    "EnableNetworkIsolation",
    "EnableInterContainerTrafficEncryption",
    "EnableManagedSpotTraining",
    "CheckpointConfig",
    "Environment",
    "RetryStrategy",
)


def valid_job_name(name: str) -> str | None:
    """None when fine, else why SageMaker would reject it."""
    if not name:
        return "a name is required"
    if not _NAME.match(name):
        return "1-63 letters, digits and hyphens; starting with a letter or digit"
    return None


def _training_from_api(d: dict[str, Any]) -> TrainingJob:
    """Map a DescribeTrainingJob answer (or a ListTrainingJobs summary) to a TrainingJob."""
    rc = d.get("ResourceConfig") or {}
    algo = d.get("AlgorithmSpecification") or {}
    stop = d.get("StoppingCondition") or {}
    billable = d.get("BillableTimeInSeconds")
    return TrainingJob(
        name=str(d["TrainingJobName"]),
        arn=str(d.get("TrainingJobArn", "")),
        status=str(d.get("TrainingJobStatus", "")),
        secondary_status=str(d.get("SecondaryStatus", "") or ""),
        created_at=as_utc(d.get("CreationTime")),
        started_at=as_utc(d.get("TrainingStartTime")),
        ended_at=as_utc(d.get("TrainingEndTime")),
        modified_at=as_utc(d.get("LastModifiedTime")),
        instance_type=str(rc.get("InstanceType", "") or ""),
        instance_count=int(rc.get("InstanceCount", 0) or 0),
        billable_seconds=int(billable) if billable is not None else None,
        failure_reason=str(d.get("FailureReason", "") or ""),
        max_runtime_s=int(stop["MaxRuntimeInSeconds"]) if stop.get("MaxRuntimeInSeconds") else None,
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
        image=str(algo.get("TrainingImage", "") or algo.get("AlgorithmName", "") or ""),
        role_arn=str(d.get("RoleArn", "") or ""),
        hyperparameters=pairs(d.get("HyperParameters")),
        volume_gb=int(rc["VolumeSizeInGB"]) if rc.get("VolumeSizeInGB") else None,
        output_path=str((d.get("OutputDataConfig") or {}).get("S3OutputPath", "") or ""),
        spot=bool(d.get("EnableManagedSpotTraining", False)),
        tuning_job=str(d.get("TuningJobArn", "") or "").rsplit("/", 1)[-1],
    )


def _summary_from_api(kind: str, d: dict[str, Any]) -> BatchJobSummary:
    prefix = "ProcessingJob" if kind == "processing" else "TransformJob"
    return BatchJobSummary(
        kind=kind,
        name=str(d.get(f"{prefix}Name", "")),
        arn=str(d.get(f"{prefix}Arn", "")),
        status=str(d.get(f"{prefix}Status", "")),
        created_at=as_utc(d.get("CreationTime")),
        ended_at=as_utc(d.get(f"{prefix.replace('Job', '')}EndTime") or d.get("TransformEndTime")),
        modified_at=as_utc(d.get("LastModifiedTime")),
        failure_reason=str(d.get("FailureReason", "") or ""),
    )


def clone_request(source: dict[str, Any], new_name: str, template: TrainingTemplate | None) -> dict[str, Any]:
    """A CreateTrainingJob request copying `source` (a DescribeTrainingJob answer), with template overrides."""
    request: dict[str, Any] = {k: json.loads(json.dumps(source[k], default=str)) for k in _CLONE_KEYS if k in source}
    request["TrainingJobName"] = new_name
    algo = request.setdefault("AlgorithmSpecification", {})
    if algo.get("AlgorithmName"):
        algo.pop("MetricDefinitions", None)  # built-in algorithms bring their own; AWS rejects extra ones
    if template is not None:
        rc = request.setdefault("ResourceConfig", {})
        if template.instance_type:
            rc["InstanceType"] = template.instance_type
        if template.instance_count is not None:
            rc["InstanceCount"] = template.instance_count
        if template.volume_gb is not None:
            rc["VolumeSizeInGB"] = template.volume_gb
        if template.image:
            algo["TrainingImage"] = template.image
        if template.hyperparameters:
            request["HyperParameters"] = {**request.get("HyperParameters", {}), **template.hyperparameters}
        if template.max_runtime_s is not None:
            request.setdefault("StoppingCondition", {})["MaxRuntimeInSeconds"] = template.max_runtime_s
        if template.output_path:
            request["OutputDataConfig"] = {**request.get("OutputDataConfig", {}), "S3OutputPath": template.output_path}
        if template.spot is not None:
            request["EnableManagedSpotTraining"] = template.spot
    return request


class TrainingService:
    def __init__(self, session: AwsSession, window_h: float = 7 * 24.0) -> None:
        self.session = session
        self.window_h = window_h  # lists show jobs created this recently
        self._described: dict[str, tuple[tuple[str, str], float, TrainingJob]] = {}

    async def _list(self, operation: str, key: str) -> list[dict[str, Any]]:
        """Newest first, 100 a page, created within the window; stops at the first older job (a service that
        ignored CreationTimeAfter would otherwise be paged to the end)."""
        client = await self.session.client(SERVICE)
        since = clock.utcnow() - timedelta(hours=self.window_h)
        items: list[dict[str, Any]] = []
        async with aws_call(SERVICE, operation):
            pages = client.get_paginator(operation).paginate(
                SortBy="CreationTime",
                SortOrder="Descending",
                CreationTimeAfter=since,
                PaginationConfig={"PageSize": LIST_PAGE},
            )
            async for page in pages:
                found = page.get(key, []) or []
                recent = [d for d in found if (as_utc(d.get("CreationTime")) or since) >= since]
                items.extend(recent)
                if len(recent) < len(found):
                    break
        return items

    async def _describe(self, name: str) -> dict[str, Any]:
        client = await self.session.client(SERVICE)
        try:
            async with aws_call(SERVICE, "DescribeTrainingJob"):
                raw = dict(await client.describe_training_job(TrainingJobName=name))
        except AwsError as exc:
            raise as_not_found(exc, f"training job {name}") from exc
        raw.pop("ResponseMetadata", None)
        return raw

    async def training_jobs(self, *, max_age_s: float = 0.0) -> list[TrainingJob]:
        """Training jobs of the window, newest first; the newest DESCRIBE_LIMIT with full details. An answer
        younger than `max_age_s` is shared.

        A finished job's DescribeTrainingJob is never asked again; a running one's is reused while its status
        and LastModifiedTime are unchanged (up to DESCRIBE_TTL_S), so a refresh costs the listing's pages plus
        the jobs that moved.
        """
        return await self.session.cache.get((SERVICE, "training_jobs"), max_age_s, self._training_jobs)

    async def _training_jobs(self) -> list[TrainingJob]:
        summaries = await self._list("list_training_jobs", "TrainingJobSummaries")
        now = time.monotonic()

        async def one(summary: dict[str, Any]) -> TrainingJob:
            name = str(summary["TrainingJobName"])
            stamp = (str(summary.get("TrainingJobStatus")), str(summary.get("LastModifiedTime")))
            cached = self._described.get(name)
            if cached is not None and (
                cached[2].status in FINISHED  # finished jobs never change
                or (cached[0] == stamp and now - cached[1] < DESCRIBE_TTL_S)
            ):
                return cached[2]
            try:
                job = _training_from_api(await self._describe(name))
            except (NotFound, AccessDenied):
                return _training_from_api(summary)  # gone meanwhile, or describe not allowed: the summary
            self._described[name] = (stamp, now, job)
            return job

        summaries.sort(key=lambda d: as_utc(d.get("CreationTime")) or _EPOCH, reverse=True)  # newest first
        detailed = await bounded_gather(self.session.settings.max_concurrency, one, summaries[:DESCRIBE_LIMIT])
        return detailed + [_training_from_api(s) for s in summaries[DESCRIBE_LIMIT:]]

    async def training_job(self, name: str) -> TrainingJob:
        return _training_from_api(await self._describe(name))

    async def training_job_json(self, name: str) -> str:
        return json.dumps(await self._describe(name), indent=2, sort_keys=True, default=str)

    async def processing_jobs(self) -> list[BatchJobSummary]:
        return [
            _summary_from_api("processing", d)
            for d in await self._list("list_processing_jobs", "ProcessingJobSummaries")
        ]

    async def transform_jobs(self) -> list[BatchJobSummary]:
        return [
            _summary_from_api("transform", d) for d in await self._list("list_transform_jobs", "TransformJobSummaries")
        ]

    async def processing_job(self, name: str) -> ProcessingJob:
        """One processing job (DescribeProcessingJob); NotFound when it does not exist."""
        client = await self.session.client(SERVICE)
        try:
            async with aws_call(SERVICE, "DescribeProcessingJob"):
                raw = dict(await client.describe_processing_job(ProcessingJobName=name))
        except AwsError as exc:
            raise as_not_found(exc, f"processing job {name}") from exc
        return processing_from_api(raw)

    async def job_json(self, kind: str, name: str) -> str:
        """DescribeProcessingJob / DescribeTransformJob as pretty JSON (for the `d` view)."""
        operation, param = (
            ("describe_processing_job", "ProcessingJobName")
            if kind == "processing"
            else ("describe_transform_job", "TransformJobName")
        )
        client = await self.session.client(SERVICE)
        try:
            async with aws_call(SERVICE, operation):
                raw = dict(await getattr(client, operation)(**{param: name}))
        except AwsError as exc:
            raise as_not_found(exc, f"{kind} job {name}") from exc
        raw.pop("ResponseMetadata", None)
        return json.dumps(raw, indent=2, sort_keys=True, default=str)

    async def source_spec(self, name: str) -> dict[str, Any]:
        """DescribeTrainingJob of a job to clone (its full spec)."""
        return await self._describe(name)

    def forget(self, name: str) -> None:
        """Drop the cached DescribeTrainingJob of `name` (it was just changed)."""
        self._described.pop(name, None)


def stop_training_kwargs(name: str) -> dict[str, Any]:
    return {"TrainingJobName": name}


def clone_summary(request: dict[str, Any], source: str) -> dict[str, Any]:
    """The part of a CreateTrainingJob request worth showing (and auditing): name, resources, hyperparameters."""
    shown = {k: v for k, v in request.items() if k in ("TrainingJobName", "ResourceConfig", "HyperParameters")}
    return {"from": source, **shown}

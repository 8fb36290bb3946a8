"""SageMaker automatic model tuning: tuning jobs (list + describe), the training jobs one launched; the
StopHyperParameterTuningJob request (`stop_tuning_kwargs`, sent by `hybridml.actions.mlops`).

A finished tuning job never changes: its describe is kept. A running one is described again when its summary
(status, LastModifiedTime, counters) changed or after DESCRIBE_TTL_S."""

from __future__ import annotations

import time
from typing import Any

from hybridml.aws._util import as_utc, bounded_gather, pairs
from hybridml.aws.errors import AccessDenied, NotFound
from hybridml.aws.sagemaker_common import describe, list_items, pretty
from hybridml.aws.session import AwsSession
from hybridml.domain.tuning import TUNING_FINISHED, TuningJob, TuningTrainingJob

LIST_CAP = 500  # tuning jobs listed, newest first
DESCRIBE_LIMIT = 100  # the newest this many get full details (objective, best job); older ones their summary
TRAINING_CAP = 500  # HPO jobs are capped by MaxNumberOfTrainingJobs (at most 750 per tuning job)
DESCRIBE_TTL_S = 60.0


def _tuning_from_api(d: dict[str, Any], *, detailed: bool = True) -> TuningJob:
    """A DescribeHyperParameterTuningJob answer (or, `detailed=False`, a ListHyperParameterTuningJobs summary)."""
    config = d.get("HyperParameterTuningJobConfig") or {}
    objective = config.get("HyperParameterTuningJobObjective") or {}
    limits = d.get("ResourceLimits") or config.get("ResourceLimits") or {}
    counters = d.get("TrainingJobStatusCounters") or {}
    best = d.get("BestTrainingJob") or {}
    best_metric = best.get("FinalHyperParameterTuningJobObjectiveMetric") or {}
    definition: dict[str, Any] = (
        d.get("TrainingJobDefinition") or next(iter(d.get("TrainingJobDefinitions") or []), {}) or {}
    )
    resources = definition.get("ResourceConfig") or {}
    runtime = (d.get("ConsumedResources") or {}).get("RuntimeInSeconds")
    return TuningJob(
        name=str(d["HyperParameterTuningJobName"]),
        arn=str(d.get("HyperParameterTuningJobArn", "")),
        status=str(d.get("HyperParameterTuningJobStatus", "")),
        created_at=as_utc(d.get("CreationTime")),
        strategy=str(d.get("Strategy") or config.get("Strategy") or ""),
        ended_at=as_utc(d.get("HyperParameterTuningEndTime")),
        modified_at=as_utc(d.get("LastModifiedTime")),
        objective_metric=str(objective.get("MetricName", "") or ""),
        objective_type=str(objective.get("Type", "") or ""),
        best_training_job=str(best.get("TrainingJobName", "") or ""),
        best_value=float(best_metric["Value"]) if best_metric.get("Value") is not None else None,
        completed=int(counters.get("Completed", 0) or 0),
        in_progress=int(counters.get("InProgress", 0) or 0),
        retryable_errors=int(counters.get("RetryableError", 0) or 0),
        non_retryable_errors=int(counters.get("NonRetryableError", 0) or 0),
        stopped=int(counters.get("Stopped", 0) or 0),
        max_jobs=int(limits["MaxNumberOfTrainingJobs"]) if limits.get("MaxNumberOfTrainingJobs") else None,
        max_parallel=int(limits["MaxParallelTrainingJobs"]) if limits.get("MaxParallelTrainingJobs") else None,
        runtime_s=int(runtime) if runtime is not None else None,
        failure_reason=str(d.get("FailureReason", "") or ""),
        instance_type=str(resources.get("InstanceType", "") or ""),
        instance_count=int(resources.get("InstanceCount", 0) or 0),
        detailed=detailed,
    )


def _training_from_api(d: dict[str, Any]) -> TuningTrainingJob:
    """A HyperParameterTrainingJobSummary."""
    metric = d.get("FinalHyperParameterTuningJobObjectiveMetric") or {}
    return TuningTrainingJob(
        name=str(d["TrainingJobName"]),
        arn=str(d.get("TrainingJobArn", "")),
        status=str(d.get("TrainingJobStatus", "")),
        created_at=as_utc(d.get("CreationTime")),
        started_at=as_utc(d.get("TrainingStartTime")),
        ended_at=as_utc(d.get("TrainingEndTime")),
        objective_metric=str(metric.get("MetricName", "") or ""),
        objective_value=float(metric["Value"]) if metric.get("Value") is not None else None,
        objective_status=str(d.get("ObjectiveStatus", "") or ""),
        tuned=pairs(d.get("TunedHyperParameters")),
        failure_reason=str(d.get("FailureReason", "") or ""),
        tuning_job=str(d.get("TuningJobName", "") or ""),
    )


def created(d: dict[str, Any]) -> float:
    when = as_utc(d.get("CreationTime"))
    return when.timestamp() if when else 0.0


def _stamp(d: dict[str, Any]) -> str:
    return f"{d.get('HyperParameterTuningJobStatus')}|{d.get('LastModifiedTime')}|{d.get('TrainingJobStatusCounters')}"


class TuningService:
    def __init__(self, session: AwsSession) -> None:
        self.session = session
        self._described: dict[str, tuple[str, float, TuningJob]] = {}

    async def tuning_jobs(self, *, max_age_s: float = 0.0) -> list[TuningJob]:
        """`_tuning_jobs`, or its answer younger than `max_age_s` (a view and the watches refreshing together share
        one read)."""
        return await self.session.cache.get(("sagemaker", "tuning_jobs"), max_age_s, self._tuning_jobs)

    async def _tuning_jobs(self) -> list[TuningJob]:
        """The newest LIST_CAP tuning jobs, newest first; the newest DESCRIBE_LIMIT described (objective, best
        training job, consumed resources), reusing a describe while the job's summary is unchanged."""
        summaries = await list_items(
            self.session,
            "list_hyper_parameter_tuning_jobs",
            "HyperParameterTuningJobSummaries",
            cap=LIST_CAP,
            SortBy="CreationTime",
            SortOrder="Descending",
        )
        summaries.sort(key=lambda d: created(d), reverse=True)
        now = time.monotonic()

        async def one(d: dict[str, Any]) -> TuningJob:
            name, stamp = str(d["HyperParameterTuningJobName"]), _stamp(d)
            cached = self._described.get(name)
            finished = str(d.get("HyperParameterTuningJobStatus")) in TUNING_FINISHED
            if cached is not None and cached[0] == stamp and (finished or now - cached[1] < DESCRIBE_TTL_S):
                return cached[2]
            try:
                job = await self.tuning_job(name)
            except (NotFound, AccessDenied):
                return _tuning_from_api(d, detailed=False)
            self._described[name] = (stamp, now, job)
            return job

        detailed = await bounded_gather(self.session.settings.max_concurrency, one, summaries[:DESCRIBE_LIMIT])
        return detailed + [_tuning_from_api(d, detailed=False) for d in summaries[DESCRIBE_LIMIT:]]

    async def tuning_job(self, name: str) -> TuningJob:
        return _tuning_from_api(await self._describe(name))

    def forget(self, name: str) -> None:
        """Drop the kept describe of `name` (it was just changed)."""
        self._described.pop(name, None)

    async def _describe(self, name: str) -> dict[str, Any]:
        return await describe(
            self.session, "describe_hyper_parameter_tuning_job", f"tuning job {name}", HyperParameterTuningJobName=name
        )

    async def tuning_job_json(self, name: str) -> str:
        return pretty(await self._describe(name))

    async def training_jobs(self, name: str) -> list[TuningTrainingJob]:
        """Every training job the tuning job launched (100 a page), in the API's name order."""
        raw = await list_items(
            self.session,
            "list_training_jobs_for_hyper_parameter_tuning_job",
            "TrainingJobSummaries",
            cap=TRAINING_CAP,
            HyperParameterTuningJobName=name,
        )
        return [_training_from_api(d) for d in raw]


def stop_tuning_kwargs(name: str) -> dict[str, Any]:
    """StopHyperParameterTuningJob: "Stops a running hyperparameter tuning job and all running training jobs
    that the tuning job launched." """
    return {"HyperParameterTuningJobName": name}

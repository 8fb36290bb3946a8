"""SageMaker Pipelines: pipelines, executions and steps; diagnosing a failed execution; waiting on one.

A finished execution never changes: its describe (end time, failure reason) and its steps are read once and
kept. A pipeline's newest execution is listed again only when the pipeline's LastExecutionTime moved or that
execution was still running, so refreshing an idle account costs one ListPipelines.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hybridml import clock
from hybridml.aws._util import as_utc, bounded_gather
from hybridml.aws.errors import NotFound
from hybridml.aws.sagemaker_common import describe, list_items, name_of, pretty
from hybridml.aws.session import AwsSession
from hybridml.domain.pipelines import (
    ExecutionDiagnosis,
    Pipeline,
    PipelineExecution,
    PipelineStep,
    StepJob,
    first_failed,
)

EXECUTION_WINDOW_D = 14.0  # executions listed: those started in the last two weeks ...
EXECUTION_CAP = 200  # ... at most this many per pipeline, newest first
STEP_CAP = 500
_METADATA_JOBS = {
    "TrainingJob": "training",
    "ProcessingJob": "processing",
    "TransformJob": "transform",
    "TuningJob": "tuning",
    "Model": "model",
    "RegisterModel": "registermodel",
    "AutoMLJob": "automl",
    "Lambda": "lambda",
    "EMR": "emr",
}


def pipeline_of(execution_arn: str) -> str:
    """`arn:...:pipeline/NAME/execution/ID` -> NAME."""
    parts = execution_arn.split(":", 5)[-1].split("/")
    return parts[1] if len(parts) >= 4 and parts[0] == "pipeline" else ""


def _pipeline_from_api(d: dict[str, Any], latest: PipelineExecution | None = None) -> Pipeline:
    return Pipeline(
        name=str(d["PipelineName"]),
        arn=str(d.get("PipelineArn", "")),
        created_at=as_utc(d.get("CreationTime")),
        modified_at=as_utc(d.get("LastModifiedTime")),
        last_run_at=as_utc(d.get("LastExecutionTime") or d.get("LastRunTime")),
        display_name=str(d.get("PipelineDisplayName", "") or ""),
        description=str(d.get("PipelineDescription", "") or ""),
        latest=latest,
    )


def _execution_from_api(d: dict[str, Any], failed_step: str = "") -> PipelineExecution:
    """A ListPipelineExecutions summary or a DescribePipelineExecution answer."""
    arn = str(d["PipelineExecutionArn"])
    status = str(d.get("PipelineExecutionStatus", ""))
    finished = status in ("Stopped", "Failed", "Succeeded", "CompletedWithFailures")
    return PipelineExecution(
        arn=arn,
        pipeline=pipeline_of(arn) or name_of(str(d.get("PipelineArn", ""))),
        status=status,
        started_at=as_utc(d.get("StartTime") or d.get("CreationTime")),
        display_name=str(d.get("PipelineExecutionDisplayName", "") or ""),
        failure_reason=str(d.get("PipelineExecutionFailureReason") or d.get("FailureReason") or ""),
        ended_at=as_utc(d.get("LastModifiedTime")) if finished else None,
        failed_step=failed_step,
    )


def _step_job(metadata: dict[str, Any]) -> tuple[StepJob | None, str]:
    """The job a step ran (from its Metadata) and a one-line detail for steps that ran none."""
    for key, kind in _METADATA_JOBS.items():
        arn = str((metadata.get(key) or {}).get("Arn", "") or "")
        if arn:
            return StepJob(kind, name_of(arn), arn), ""
    if "Condition" in metadata:
        return None, f"condition outcome: {(metadata['Condition'] or {}).get('Outcome', '?')}"
    if "Fail" in metadata:
        return None, str((metadata["Fail"] or {}).get("ErrorMessage", "") or "")
    return None, ""


def _step_from_api(d: dict[str, Any]) -> PipelineStep:
    job, detail = _step_job(dict(d.get("Metadata") or {}))
    attempts = d.get("AttemptCount")
    return PipelineStep(
        name=str(d.get("StepName", "")),
        status=str(d.get("StepStatus", "")),
        started_at=as_utc(d.get("StartTime")),
        ended_at=as_utc(d.get("EndTime")),
        display_name=str(d.get("StepDisplayName", "") or ""),
        failure_reason=str(d.get("FailureReason", "") or ""),
        attempts=int(attempts) if attempts is not None else None,
        job=job,
        cache_hit=bool(d.get("CacheHitResult")),
        detail=detail,
    )


class PipelinesService:
    def __init__(self, session: AwsSession) -> None:
        self.session = session
        self._finished: dict[str, PipelineExecution] = {}  # ARN -> finished execution (immutable)
        self._steps: dict[str, tuple[PipelineStep, ...]] = {}  # ARN -> steps of a finished execution
        self._latest: dict[str, tuple[str, PipelineExecution | None]] = {}  # pipeline -> (LastExecutionTime, newest)

    @property
    def _limit(self) -> int:
        return self.session.settings.max_concurrency

    async def _summaries(self) -> list[dict[str, Any]]:
        return await list_items(
            self.session, "list_pipelines", "PipelineSummaries", SortBy="CreationTime", SortOrder="Descending"
        )

    async def pipelines(self, *, max_age_s: float = 0.0) -> list[Pipeline]:
        """`_pipelines`, or its answer younger than `max_age_s` (a view and the watches refreshing together share
        one read)."""
        return await self.session.cache.get(("sagemaker", "pipelines"), max_age_s, self._pipelines)

    async def _pipelines(self) -> list[Pipeline]:
        """Every pipeline with its newest execution (status, start, duration, failed step)."""
        summaries = await self._summaries()

        async def one(d: dict[str, Any]) -> Pipeline:
            name = str(d["PipelineName"])
            stamp = str(d.get("LastExecutionTime") or "")
            cached = self._latest.get(name)
            if not stamp:
                latest = None
            elif cached is not None and cached[0] == stamp and cached[1] is not None and cached[1].finished:
                latest = cached[1]
            else:
                found = await list_items(
                    self.session,
                    "list_pipeline_executions",
                    "PipelineExecutionSummaries",
                    cap=1,
                    PipelineName=name,
                    SortBy="CreationTime",
                    SortOrder="Descending",
                )
                latest = await self._complete(found[0]) if found else None
            self._latest[name] = (stamp, latest)
            return _pipeline_from_api(d, latest)

        return await bounded_gather(self._limit, one, summaries)

    async def executions(
        self, pipeline: str | None = None, *, window_d: float = EXECUTION_WINDOW_D
    ) -> list[PipelineExecution]:
        """Executions started in the last `window_d` days (at most EXECUTION_CAP per pipeline), newest first;
        of one pipeline, or of all."""
        names = [pipeline] if pipeline else [str(d["PipelineName"]) for d in await self._summaries()]
        since = clock.utcnow() - timedelta(days=window_d)

        async def of(name: str) -> list[PipelineExecution]:
            try:
                found = await list_items(
                    self.session,
                    "list_pipeline_executions",
                    "PipelineExecutionSummaries",
                    cap=EXECUTION_CAP,
                    PipelineName=name,
                    CreatedAfter=since,
                    SortBy="CreationTime",
                    SortOrder="Descending",
                )
            except NotFound:
                return []
            return list(await bounded_gather(self._limit, self._complete, found))

        lists = await bounded_gather(self._limit, of, names)
        found = [e for group in lists for e in group]
        return sorted(found, key=lambda e: e.started_at.timestamp() if e.started_at else 0.0, reverse=True)

    async def _complete(self, summary: dict[str, Any]) -> PipelineExecution:
        """A summary made whole: a finished execution gets its end time and, when it failed, its first failed
        step; both read once."""
        execution = _execution_from_api(summary)
        if not execution.finished:
            return execution
        cached = self._finished.get(execution.arn)
        if cached is not None:
            return cached
        return await self.execution(execution.arn)

    async def execution(self, arn: str) -> PipelineExecution:
        cached = self._finished.get(arn)
        if cached is not None:
            return cached
        raw = await describe(
            self.session, "describe_pipeline_execution", f"pipeline execution {arn}", PipelineExecutionArn=arn
        )
        execution = _execution_from_api(raw)
        if execution.failed:
            steps = await self._list_steps(arn)
            step = first_failed(steps)
            execution = _execution_from_api(raw, step.name if step else "")
            self._steps[arn] = steps  # a finished execution's steps never change
        if execution.finished:
            self._finished[arn] = execution
        return execution

    async def _list_steps(self, arn: str) -> tuple[PipelineStep, ...]:
        raw = await list_items(
            self.session,
            "list_pipeline_execution_steps",
            "PipelineExecutionSteps",
            cap=STEP_CAP,
            PipelineExecutionArn=arn,
            SortOrder="Descending",
        )
        return tuple(_step_from_api(d) for d in raw)

    async def steps(self, arn: str) -> tuple[PipelineStep, ...]:
        """The steps that ran, newest first (a finished execution's are read once)."""
        cached = self._steps.get(arn)
        if cached is not None:
            return cached
        steps = await self._list_steps(arn)
        if arn in self._finished:
            self._steps[arn] = steps
        return steps

    async def diagnose(self, arn: str) -> ExecutionDiagnosis:
        """The execution, its steps and its first failed step (by start time)."""
        execution = await self.execution(arn)
        steps = await self.steps(arn)
        return ExecutionDiagnosis(execution, steps, first_failed(steps))

    async def execution_json(self, arn: str) -> str:
        return pretty(
            await describe(
                self.session, "describe_pipeline_execution", f"pipeline execution {arn}", PipelineExecutionArn=arn
            )
        )

    async def pipeline_json(self, name: str) -> str:
        return pretty(await describe(self.session, "describe_pipeline", f"pipeline {name}", PipelineName=name))

"""Keeps the demo's pipelines moving: a running step finishes when the job it ran does, and the run with it.

Called by the simulator on every tick (`advance_pipelines(backend)`); the training job itself is advanced by
`sagemaker_extras.LiveMetrics` like every other InProgress training job."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

STEP_OF_JOB = {"Completed": "Succeeded", "Failed": "Failed", "Stopped": "Stopped"}
RUN_OF_STEP = {"Succeeded": "Succeeded", "Failed": "Failed", "Stopped": "Stopped"}
STEP_FAILURE = "Step failure: One or multiple steps failed."


def _job(backend: Any, metadata: dict[str, Any]) -> tuple[Any, str] | None:
    for key, table, status in (
        ("TrainingJob", "training_jobs", "training_job_status"),
        ("ProcessingJob", "processing_jobs", "processing_job_status"),
    ):
        arn = str((metadata.get(key) or {}).get("Arn", "") or "")
        if arn:
            job = getattr(backend, table).get(arn.rsplit("/", 1)[-1])
            return (job, str(getattr(job, status))) if job is not None else None
    return None


def advance_pipelines(backend: Any, now: datetime | None = None) -> int:
    """Finish running steps whose job finished (and their run, when that was its last step). Returns how many
    steps changed."""
    now = now or datetime.now(UTC).replace(tzinfo=None)
    changed = 0
    for pipeline in list(backend.pipelines.values()):
        for execution in list(pipeline.pipeline_executions.values()):
            if execution.pipeline_execution_status != "Executing":
                continue
            for step in getattr(execution, "hybridml_steps", None) or []:
                if step.get("StepStatus") != "Executing":
                    continue
                found = _job(backend, dict(step.get("Metadata") or {}))
                if found is None or found[1] not in STEP_OF_JOB:
                    continue
                job, status = found
                step["StepStatus"], step["EndTime"] = STEP_OF_JOB[status], now
                if status == "Failed":
                    step["FailureReason"] = getattr(job, "failure_reason", None) or "the step's job failed"
                execution.pipeline_execution_status = RUN_OF_STEP[step["StepStatus"]]
                execution.pipeline_execution_failure_reason = STEP_FAILURE if status == "Failed" else None
                execution.last_modified_time = now
                changed += 1
    return changed

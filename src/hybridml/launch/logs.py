"""Where a launch's logs are: a local run's captured output; a Batch or processing run's CloudWatch streams (once
its container started); an endpoint run's endpoint log group. None where there are none yet, with the reason."""

from __future__ import annotations

from hybridml.domain.launch import LaunchRun, LaunchTarget
from hybridml.domain.logs import LogSource


def launch_log_source(run: LaunchRun) -> LogSource | None:
    if not run.has_logs:
        return None
    if run.target.is_local:
        return LogSource.launch_output(run.run_id)
    if run.target is LaunchTarget.SAGEMAKER_PROCESSING:
        return LogSource.processing_job(run.job_id)
    if run.target is LaunchTarget.SAGEMAKER_ENDPOINT:
        return LogSource.endpoint(run.job_id)
    return LogSource.batch_job(run.job_id)


def launch_no_logs_reason(run: LaunchRun) -> str:
    if run.target.is_local:
        if run.status.is_final:
            return f"launch {run.run_id} wrote no output ({run.message or run.status.value})"
        return f"launch {run.run_id} has not started: no output yet"
    if not run.job_id:
        return f"launch {run.run_id} was never submitted: no logs ({run.message or 'see enter'})"
    return f"launch {run.run_id} is {run.status.value}: its container has not started, no logs yet (t: why)"

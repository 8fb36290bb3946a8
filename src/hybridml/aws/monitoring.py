"""SageMaker Model Monitor: schedules with their latest execution and its violation count; an execution's
constraint violations report (S3).

A refresh costs one ListMonitoringSchedules and one ListMonitoringExecutions (the last EXECUTION_WINDOW_H hours,
every schedule at once). A schedule is described (its cron expression) once per LastModifiedTime; a schedule with
no execution in the window gets its last one from that describe, re-read at most every DESCRIBE_TTL_S. The
violation count of a finished execution (its processing job's ExitMessage) is read once.
"""

from __future__ import annotations

import json
import re
import time
from datetime import timedelta
from typing import Any

from hybridml import clock
from hybridml.aws._util import as_utc, bounded_gather
from hybridml.aws.errors import AccessDenied, AwsError, NotFound, aws_call, translate
from hybridml.aws.sagemaker_common import describe, list_items, name_of, pretty
from hybridml.aws.session import AwsSession
from hybridml.domain.monitoring import (
    VIOLATIONS_FILE,
    MonitoringExecution,
    MonitoringSchedule,
    Violation,
    ViolationReport,
)

SCHEDULE_CAP = 1000
EXECUTION_WINDOW_H = 48.0
EXECUTION_CAP = 1000
DESCRIBE_TTL_S = 600.0
REPORT_LIMIT = 20  # violations kept from a report (the first ones)
REPORT_MAX_BYTES = 2_000_000
_VIOLATIONS = re.compile(r"with (\d+) violations?", re.IGNORECASE)


def violations_in(exit_message: str) -> int | None:
    """The count in the Model Monitor container's exit message ("CompletedWithViolations: Job completed
    successfully with 3 violations." / "... with no violations.")."""
    found = _VIOLATIONS.search(exit_message or "")
    if found:
        return int(found.group(1))
    return 0 if "no violations" in (exit_message or "").lower() else None


def _execution_from_api(d: dict[str, Any], violations: int | None = None) -> MonitoringExecution:
    return MonitoringExecution(
        schedule=str(d.get("MonitoringScheduleName", "")),
        status=str(d.get("MonitoringExecutionStatus", "")),
        scheduled_at=as_utc(d.get("ScheduledTime")),
        created_at=as_utc(d.get("CreationTime")),
        modified_at=as_utc(d.get("LastModifiedTime")),
        processing_job_arn=str(d.get("ProcessingJobArn", "") or ""),
        endpoint=str(d.get("EndpointName", "") or ""),
        monitoring_type=str(d.get("MonitoringType", "") or ""),
        failure_reason=str(d.get("FailureReason", "") or ""),
        violations=violations,
    )


def _schedule_from_api(d: dict[str, Any], last: MonitoringExecution | None) -> MonitoringSchedule:
    """A ListMonitoringSchedules summary merged with its DescribeMonitoringSchedule answer (when read)."""
    config = d.get("MonitoringScheduleConfig") or {}
    return MonitoringSchedule(
        name=str(d["MonitoringScheduleName"]),
        arn=str(d.get("MonitoringScheduleArn", "")),
        status=str(d.get("MonitoringScheduleStatus", "")),
        endpoint=str(d.get("EndpointName", "") or ""),
        monitoring_type=str(d.get("MonitoringType") or config.get("MonitoringType") or ""),
        created_at=as_utc(d.get("CreationTime")),
        modified_at=as_utc(d.get("LastModifiedTime")),
        schedule_expression=str((config.get("ScheduleConfig") or {}).get("ScheduleExpression", "") or ""),
        job_definition=str(d.get("MonitoringJobDefinitionName") or config.get("MonitoringJobDefinitionName") or ""),
        failure_reason=str(d.get("FailureReason", "") or ""),
        last=last,
    )


def split_s3(uri: str) -> tuple[str, str]:
    """`s3://bucket/a/b` -> ("bucket", "a/b")."""
    rest = uri.removeprefix("s3://")
    bucket, _, key = rest.partition("/")
    return bucket, key.strip("/")


def parse_report(location: str, body: bytes, limit: int = REPORT_LIMIT) -> ViolationReport:
    """constraint_violations.json: {"violations": [{"feature_name", "constraint_check_type", "description"}]}."""
    try:
        raw = json.loads(body.decode("utf-8", errors="replace"))
        items = raw.get("violations") or [] if isinstance(raw, dict) else []
    except ValueError as exc:
        return ViolationReport(location, error=f"the report is not JSON ({exc})")
    found = tuple(
        Violation(
            str(v.get("feature_name", "")), str(v.get("constraint_check_type", "")), str(v.get("description", ""))
        )
        for v in items[:limit]
        if isinstance(v, dict)
    )
    return ViolationReport(location, found, total=len(items))


class MonitoringService:
    def __init__(self, session: AwsSession) -> None:
        self.session = session
        self._described: dict[str, tuple[str, float, dict[str, Any]]] = {}
        self._violations: dict[str, int | None] = {}  # processing job ARN -> count (finished executions)

    @property
    def _limit(self) -> int:
        return self.session.settings.max_concurrency

    async def _describe(self, name: str) -> dict[str, Any]:
        return await describe(
            self.session, "describe_monitoring_schedule", f"monitoring schedule {name}", MonitoringScheduleName=name
        )

    async def _recent(self, **params: Any) -> list[dict[str, Any]]:
        since = clock.utcnow() - timedelta(hours=EXECUTION_WINDOW_H)
        return await list_items(
            self.session,
            "list_monitoring_executions",
            "MonitoringExecutionSummaries",
            cap=EXECUTION_CAP,
            CreationTimeAfter=since,
            SortBy="CreationTime",
            SortOrder="Descending",
            **params,
        )

    async def schedules(self, *, max_age_s: float = 0.0) -> list[MonitoringSchedule]:
        """`_schedules`, or its answer younger than `max_age_s` (a view and the watches refreshing together share
        one read)."""
        return await self.session.cache.get(("sagemaker", "schedules"), max_age_s, self._schedules)

    async def _schedules(self) -> list[MonitoringSchedule]:
        summaries = await list_items(
            self.session,
            "list_monitoring_schedules",
            "MonitoringScheduleSummaries",
            cap=SCHEDULE_CAP,
            SortBy="CreationTime",
            SortOrder="Descending",
        )
        newest: dict[str, dict[str, Any]] = {}
        for e in await self._recent():
            newest.setdefault(str(e.get("MonitoringScheduleName", "")), e)
        now = time.monotonic()

        async def one(d: dict[str, Any]) -> MonitoringSchedule:
            name = str(d["MonitoringScheduleName"])
            stamp = str(d.get("LastModifiedTime"))
            cached = self._described.get(name)
            if cached is not None and cached[0] == stamp and (name in newest or now - cached[1] < DESCRIBE_TTL_S):
                raw = cached[2]
            else:
                try:
                    raw = await self._describe(name)
                except (NotFound, AccessDenied):
                    raw = {}
                self._described[name] = (stamp, now, raw)
            last_raw = newest.get(name) or raw.get("LastMonitoringExecutionSummary")
            last = await self._with_violations(last_raw) if last_raw else None
            return _schedule_from_api({**raw, **d}, last)

        return await bounded_gather(self._limit, one, summaries)

    async def executions(self, schedule: str) -> list[MonitoringExecution]:
        """The schedule's executions of the last EXECUTION_WINDOW_H hours, newest first."""
        found = await self._recent(MonitoringScheduleName=schedule)
        return await bounded_gather(self._limit, self._with_violations, found)

    async def _with_violations(self, d: dict[str, Any]) -> MonitoringExecution:
        execution = _execution_from_api(d)
        arn = execution.processing_job_arn
        if not arn or execution.status not in ("Completed", "CompletedWithViolations"):
            return execution
        if arn not in self._violations:
            try:
                job = await self._processing_job(name_of(arn))
            except (NotFound, AccessDenied):
                return execution
            self._violations[arn] = violations_in(str(job.get("ExitMessage", "") or ""))
        return _execution_from_api(d, self._violations[arn])

    async def _processing_job(self, name: str) -> dict[str, Any]:
        return await describe(self.session, "describe_processing_job", f"processing job {name}", ProcessingJobName=name)

    async def report(self, execution: MonitoringExecution) -> ViolationReport:
        """The execution's violations report: `constraint_violations.json` in its processing job's output."""
        if not execution.processing_job_arn:
            return ViolationReport("", error="the execution ran no processing job (it may not have started)")
        try:
            job = await self._processing_job(execution.processing_job)
        except AwsError as exc:
            return ViolationReport("", error=f"cannot read processing job {execution.processing_job}: {exc}")
        outputs = (job.get("ProcessingOutputConfig") or {}).get("Outputs") or []
        uri = next((str((o.get("S3Output") or {}).get("S3Uri", "")) for o in outputs if o.get("S3Output")), "")
        if not uri:
            return ViolationReport("", error="the processing job has no S3 output")
        bucket, prefix = split_s3(uri)
        key = f"{prefix}/{VIOLATIONS_FILE}" if prefix else VIOLATIONS_FILE
        location = f"s3://{bucket}/{key}"
        try:
            client = await self.session.client("s3")
            async with aws_call("s3", "GetObject"):
                response = await client.get_object(Bucket=bucket, Key=key, Range=f"bytes=0-{REPORT_MAX_BYTES - 1}")
                async with response["Body"] as stream:
                    body = await stream.read()
        except Exception as exc:
            return ViolationReport(location, error=str(translate(exc, "s3", "GetObject")))
        return parse_report(location, body)

    async def schedule_json(self, name: str) -> str:
        return pretty(await self._describe(name))

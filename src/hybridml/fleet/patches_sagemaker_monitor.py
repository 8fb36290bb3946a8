"""Named patch for what moto 5.2 lacks entirely: Model Monitor schedules and executions.

They are kept on moto's SageMaker backend (`hybridml_monitoring_schedules`, `hybridml_monitoring_executions`), so
a moto reset clears them with everything else. Monitoring executions are started by SageMaker on the schedule,
never through the API: the fleet appends them (API-shaped MonitoringExecutionSummary dicts) with
`add_monitoring_execution`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hybridml.fleet.patches import patch
from hybridml.fleet.patches_sagemaker_ops import _utcnow, as_naive, page


def _schedules(backend: Any) -> dict[str, dict[str, Any]]:
    if not hasattr(backend, "hybridml_monitoring_schedules"):
        backend.hybridml_monitoring_schedules = {}
        backend.hybridml_monitoring_executions = []
    return backend.hybridml_monitoring_schedules  # type: ignore[no-any-return]


def add_monitoring_execution(backend: Any, execution: dict[str, Any]) -> None:
    """Record one execution SageMaker ran for a schedule (what the fleet shows as history)."""
    _schedules(backend)
    backend.hybridml_monitoring_executions.append(execution)


def _endpoint_of(config: dict[str, Any]) -> str:
    definition = config.get("MonitoringJobDefinition") or {}
    for item in definition.get("MonitoringInputs") or []:
        name = (item.get("EndpointInput") or {}).get("EndpointName")
        if name:
            return str(name)
    return ""


def _executions_of(backend: Any, schedule: str) -> list[dict[str, Any]]:
    return [e for e in backend.hybridml_monitoring_executions if e["MonitoringScheduleName"] == schedule]


def _newest(executions: list[dict[str, Any]]) -> dict[str, Any] | None:
    return max(executions, key=lambda e: e.get("ScheduledTime") or datetime.min, default=None)


def _sorted_page(
    self: Any, items: list[dict[str, Any]], fields: dict[str, str], default_sort: str
) -> tuple[list[Any], str | None]:
    field = fields.get(str(self._get_param("SortBy", default_sort)), fields[default_sort])
    items.sort(key=lambda d: d.get(field) or datetime.min if field.endswith("Time") else str(d.get(field, "")))
    if self._get_param("SortOrder", "Descending") == "Descending":
        items.reverse()
    return page(items, self._get_param("NextToken"), self._get_param("MaxResults"))


def _in_window(self: Any, d: dict[str, Any], field: str, param: str) -> bool:
    after, before = as_naive(self._get_param(f"{param}After")), as_naive(self._get_param(f"{param}Before"))
    when = d.get(field)
    return (after is None or (when is not None and when > after)) and (
        before is None or (when is not None and when < before)
    )


@patch
def sagemaker_monitoring_schedules_are_implemented() -> None:
    """moto has no Model Monitor API (CreateMonitoringSchedule, DescribeMonitoringSchedule,
    ListMonitoringSchedules, ListMonitoringExecutions: HTTP 500). The API reference: CreateMonitoringSchedule
    "Creates a schedule that regularly starts Amazon SageMaker AI Processing Jobs to monitor the data captured
    for an Amazon SageMaker AI Endpoint" (the name "must be unique within an Amazon Web Services Region within an
    Amazon Web Services account"); DescribeMonitoringSchedule returns LastMonitoringExecutionSummary, "metadata on
    the last execution to run, if there was one"; both lists take MaxResults ("The default value is 10"),
    SortBy ("The default is CreationTime"), SortOrder ("The default is Descending") and time/status filters."""
    from moto.core.responses import ActionResult
    from moto.sagemaker.exceptions import ResourceInUseException, ResourceNotFound
    from moto.sagemaker.responses import SageMakerResponse
    from moto.sagemaker.utils import arn_formatter

    def create_monitoring_schedule(self: Any) -> Any:
        backend = self.sagemaker_backend
        name = str(self._get_param("MonitoringScheduleName"))
        if name in _schedules(backend):
            raise ResourceInUseException(message=f"Monitoring schedule {name} already exists.")
        config = dict(self._get_param("MonitoringScheduleConfig") or {})
        now = _utcnow()
        arn = arn_formatter("monitoring-schedule", name, backend.account_id, backend.region_name)
        schedule: dict[str, Any] = {
            "MonitoringScheduleArn": arn,
            "MonitoringScheduleName": name,
            "MonitoringScheduleStatus": "Scheduled",
            "MonitoringType": config.get("MonitoringType") or "DataQuality",
            "CreationTime": now,
            "LastModifiedTime": now,
            "MonitoringScheduleConfig": config,
            "EndpointName": _endpoint_of(config),
        }
        if config.get("MonitoringJobDefinitionName"):
            schedule["MonitoringJobDefinitionName"] = config["MonitoringJobDefinitionName"]
        backend.hybridml_monitoring_schedules[name] = schedule
        return ActionResult({"MonitoringScheduleArn": arn})

    def describe_monitoring_schedule(self: Any) -> Any:
        backend = self.sagemaker_backend
        name = str(self._get_param("MonitoringScheduleName"))
        schedule = _schedules(backend).get(name)
        if schedule is None:
            raise ResourceNotFound(message=f"Monitoring schedule {name} not found.")
        body = {k: v for k, v in schedule.items() if v not in (None, "")}
        last = _newest(_executions_of(backend, name))
        if last is not None:
            body["LastMonitoringExecutionSummary"] = last
        return ActionResult(body)

    def list_monitoring_schedules(self: Any) -> Any:
        items = list(_schedules(self.sagemaker_backend).values())
        filters = {
            "EndpointName": "EndpointName",
            "StatusEquals": "MonitoringScheduleStatus",
            "MonitoringTypeEquals": "MonitoringType",
            "MonitoringJobDefinitionName": "MonitoringJobDefinitionName",
        }
        for param, field in filters.items():
            wanted = self._get_param(param)
            if wanted:
                items = [s for s in items if s.get(field) == wanted]
        contains = self._get_param("NameContains")
        if contains:
            items = [s for s in items if contains in s["MonitoringScheduleName"]]
        items = [s for s in items if _in_window(self, s, "CreationTime", "CreationTime")]
        items = [s for s in items if _in_window(self, s, "LastModifiedTime", "LastModifiedTime")]
        fields = {
            "Name": "MonitoringScheduleName",
            "CreationTime": "CreationTime",
            "Status": "MonitoringScheduleStatus",
        }
        shown, token = _sorted_page(self, items, fields, "CreationTime")
        keys = (
            "MonitoringScheduleName",
            "MonitoringScheduleArn",
            "CreationTime",
            "LastModifiedTime",
            "MonitoringScheduleStatus",
            "EndpointName",
            "MonitoringJobDefinitionName",
            "MonitoringType",
        )
        result: dict[str, Any] = {
            "MonitoringScheduleSummaries": [{k: s[k] for k in keys if s.get(k) not in (None, "")} for s in shown]
        }
        if token:
            result["NextToken"] = token
        return ActionResult(result)

    def list_monitoring_executions(self: Any) -> Any:
        _schedules(self.sagemaker_backend)
        items = list(self.sagemaker_backend.hybridml_monitoring_executions)
        filters = {
            "MonitoringScheduleName": "MonitoringScheduleName",
            "EndpointName": "EndpointName",
            "StatusEquals": "MonitoringExecutionStatus",
            "MonitoringTypeEquals": "MonitoringType",
            "MonitoringJobDefinitionName": "MonitoringJobDefinitionName",
        }
        for param, field in filters.items():
            wanted = self._get_param(param)
            if wanted:
                items = [e for e in items if e.get(field) == wanted]
        for field in ("ScheduledTime", "CreationTime", "LastModifiedTime"):
            items = [e for e in items if _in_window(self, e, field, field)]
        fields = {
            "CreationTime": "CreationTime",
            "ScheduledTime": "ScheduledTime",
            "Status": "MonitoringExecutionStatus",
        }
        shown, token = _sorted_page(self, items, fields, "CreationTime")
        result: dict[str, Any] = {"MonitoringExecutionSummaries": shown}
        if token:
            result["NextToken"] = token
        return ActionResult(result)

    SageMakerResponse.create_monitoring_schedule = create_monitoring_schedule  # type: ignore[attr-defined]
    SageMakerResponse.describe_monitoring_schedule = describe_monitoring_schedule  # type: ignore[attr-defined]
    SageMakerResponse.list_monitoring_schedules = list_monitoring_schedules  # type: ignore[attr-defined]
    SageMakerResponse.list_monitoring_executions = list_monitoring_executions  # type: ignore[attr-defined]

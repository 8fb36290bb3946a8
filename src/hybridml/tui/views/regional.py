"""`:jobs` and `:all` with several regions side by side (`:ctx *`, `--all-regions`): the same rows as the
one-region views, each with its REGION, read from every region at once (each with its own clients and API
budget). A region that cannot be read is named in the title and the header; the others' rows stay.

Reading only: enter, `d`, `l` and `t` work on the row's own region; to act on a job (cancel, submit...),
switch to its region with `:ctx REGION`."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, ClassVar

from hybridml.domain.batch import Job
from hybridml.domain.context import Regional
from hybridml.domain.logs import LogSource
from hybridml.domain.triage import ResourceKind, Workload
from hybridml.headless.output import to_jsonable
from hybridml.regions import RegionSet
from hybridml.render.batch import JOB_COLUMNS, job_row, job_sort_key
from hybridml.render.triage import WORKLOAD_COLUMNS, workload_row, workload_sort_key
from hybridml.services import Services
from hybridml.snapshot import gather_context
from hybridml.triage.workloads import workloads
from hybridml.tui.console import console
from hybridml.tui.widgets.resource_view import Cell, ResourceView


class _Regional(ResourceView[Regional[Any]]):
    default_sort: ClassVar[str] = "AGE"

    @property
    def region_set(self) -> RegionSet:
        found: RegionSet | None = getattr(console(self), "region_set", None)
        assert found is not None, "a regional view exists only while regions are shown"
        return found

    def services_of(self, row: Regional[Any]) -> Services:
        return self.region_set.services[row.region]

    def services_for(self, item: Regional[Any]) -> Services:
        return self.services_of(item)

    def explain_item(self, item: Regional[Any]) -> Any:
        return item.item

    def partial_problem(self) -> tuple[str, str] | None:
        failed = self.region_set.failed
        if not failed:
            return None
        detail = "; ".join(f"{region}: {why}" for region, why in failed.items())
        return f"not read: {', '.join(failed)}", f"{self.kind} did not read {detail}"

    def region_of(self, row: Regional[Any]) -> str:
        return row.region


class RegionJobsView(_Regional):
    kind: ClassVar[str] = "jobs"
    title: ClassVar[str] = "Jobs (regions side by side; :ctx REGION to act)"
    columns: ClassVar[tuple[str, ...]] = ("REGION", *JOB_COLUMNS)
    column_min: ClassVar[dict[str, int]] = {"REGION": 9, "NAME": 16, "STATUS": 9, "AGE": 6}
    drop_order: ClassVar[tuple[str, ...]] = ("JOB ID", "DEFINITION", "ARRAY", "DURATION")

    async def fetch(self) -> list[Regional[Any]]:
        async def jobs(services: Services) -> list[Job]:
            return await services.batch.all_jobs(services.settings.batch.queues)

        return await self.region_set.read(jobs)

    def row_key(self, item: Regional[Any]) -> str:
        return f"{item.region}/{item.item.job_id}"

    def render_row(self, item: Regional[Any], now: datetime) -> tuple[Cell, ...]:
        return (item.region, *job_row(item.item, now))

    def sort_value(self, column: str, item: Regional[Any], cells: tuple[Cell, ...], now: datetime) -> Any:
        if column == "REGION":
            return (item.region, -(item.item.age_s(now) or 0.0))
        return job_sort_key(column, item.item, now)

    def display_name(self, item: Regional[Any]) -> str:
        return f"{item.item.name} ({item.region})"

    def chosen_keys(self) -> list[str]:
        """`y` copies the job id (the key carries the region)."""
        item = self.selected
        return [item.item.job_id] if item is not None else []

    async def describe_json(self, item: Regional[Any]) -> str:
        return await self.services_of(item).batch.job_json(item.item.job_id)

    def log_source(self, item: Regional[Any]) -> LogSource | None:
        return LogSource.batch_job(item.item.job_id)

    def drill(self, item: Regional[Any]) -> None:
        from hybridml.tui.screens.job_detail import JobDetailScreen

        self.app.push_screen(JobDetailScreen(self.services_of(item), item.item))


class RegionWorkloadsView(_Regional):
    kind: ClassVar[str] = "all"
    title: ClassVar[str] = "All workloads (regions side by side)"
    columns: ClassVar[tuple[str, ...]] = ("REGION", *WORKLOAD_COLUMNS)
    column_min: ClassVar[dict[str, int]] = {"REGION": 9, "NAME": 16, "AGE": 6}
    drop_order: ClassVar[tuple[str, ...]] = ("INSTANCE TYPE", "WHERE")

    async def fetch(self) -> list[Regional[Any]]:
        async def read(services: Services) -> list[Workload]:
            return workloads(await gather_context(services, quotas=False))

        return await self.region_set.read(read)

    def row_key(self, item: Regional[Any]) -> str:
        return f"{item.region}/{item.item.key}"

    def render_row(self, item: Regional[Any], now: datetime) -> tuple[Cell, ...]:
        return (item.region, *workload_row(item.item, now))

    def sort_value(self, column: str, item: Regional[Any], cells: tuple[Cell, ...], now: datetime) -> Any:
        if column == "REGION":
            return (item.region, -(item.item.age_s(now) or 0.0))
        return workload_sort_key(column, item.item, now)

    def display_name(self, item: Regional[Any]) -> str:
        return f"{item.item.name} ({item.region})"

    def chosen_keys(self) -> list[str]:
        """`y` copies the resource's id (the key carries the region)."""
        item = self.selected
        return [item.item.ident] if item is not None else []

    async def describe_json(self, item: Regional[Any]) -> str:
        if item.item.kind == ResourceKind.JOB:
            return await self.services_of(item).batch.job_json(item.item.ident)
        return json.dumps(to_jsonable(item.item), indent=2)

    def log_source(self, item: Regional[Any]) -> LogSource | None:
        w: Workload = item.item
        if w.kind == ResourceKind.JOB:
            return LogSource.batch_job(w.ident)
        if w.kind == ResourceKind.ENDPOINT:
            return LogSource.endpoint(w.ident)
        if w.kind == ResourceKind.TRAINING_JOB:
            return LogSource.training_job(w.ident)
        return None

    def drill(self, item: Regional[Any]) -> None:
        from hybridml.tui.screens.explain import ExplainScreen

        w: Workload = item.item
        self.app.push_screen(ExplainScreen(self.services_of(item), w.kind, w.ident, w.name))


REGIONAL_VIEWS: dict[str, type[ResourceView[Any]]] = {"jobs": RegionJobsView, "all": RegionWorkloadsView}

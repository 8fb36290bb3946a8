"""`:models` — model package groups with their latest and latest approved version; enter: the group's versions
(`:versions`), where `a` approves and `x` rejects a version (confirm, audit-logged)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from textual.binding import Binding

from hybridml.domain.registry import ModelPackage, ModelPackageGroup
from hybridml.render.registry import GROUP_COLUMNS, PACKAGE_COLUMNS, Cell, group_row, package_row
from hybridml.tui import keys
from hybridml.tui.screens import mlops_flows
from hybridml.tui.widgets.resource_view import ResourceView, Scope


def _ts(when: datetime | None) -> float:
    return when.timestamp() if when else 0.0


class ModelGroupsView(ResourceView[ModelPackageGroup]):
    kind: ClassVar[str] = "models"
    title: ClassVar[str] = "Model registry"
    columns: ClassVar[tuple[str, ...]] = GROUP_COLUMNS
    default_sort: ClassVar[str] = "GROUP"
    service: ClassVar[str] = "sagemaker-registry"

    async def fetch(self) -> list[ModelPackageGroup]:
        return await self.services.registry.groups()

    def row_key(self, item: ModelPackageGroup) -> str:
        return item.name

    def render_row(self, item: ModelPackageGroup, now: datetime) -> tuple[Cell, ...]:
        return group_row(item, now)

    def sort_value(self, column: str, item: ModelPackageGroup, cells: tuple[Cell, ...], now: datetime) -> Any:
        if column == "AGE":
            return (0, -_ts(item.created_at), item.name)
        if column == "PENDING":
            return (0, -item.pending, item.name)
        return super().sort_value(column, item, cells, now)

    async def describe_json(self, item: ModelPackageGroup) -> str:
        return await self.services.registry.group_json(item.name)

    def drill(self, item: ModelPackageGroup) -> None:
        self.post_message(self.Drill("versions", Scope("group", item.name)))


class ModelVersionsView(ResourceView[ModelPackage]):
    kind: ClassVar[str] = "versions"
    title: ClassVar[str] = "Model versions"
    columns: ClassVar[tuple[str, ...]] = PACKAGE_COLUMNS
    default_sort: ClassVar[str] = "AGE"
    service: ClassVar[str] = "sagemaker-registry"

    BINDINGS: ClassVar[list[Binding]] = keys.bindings("versions")  # type: ignore[assignment]

    async def fetch(self) -> list[ModelPackage]:
        if self.scope is not None and self.scope.field == "group":
            return await self.services.registry.packages(self.scope.value)
        return [p for g in await self.services.registry.groups() for p in g.versions]

    def in_scope(self, item: ModelPackage) -> bool:
        if self.scope is None:
            return True
        if self.scope.field == "group":
            return item.group == self.scope.value
        if self.scope.field == "approval":
            return item.approval == self.scope.value
        return True

    def row_key(self, item: ModelPackage) -> str:
        return item.arn

    def display_name(self, item: ModelPackage) -> str:
        return item.label

    def render_row(self, item: ModelPackage, now: datetime) -> tuple[Cell, ...]:
        return package_row(item, now)

    def sort_value(self, column: str, item: ModelPackage, cells: tuple[Cell, ...], now: datetime) -> Any:
        if column == "AGE":
            return (0, -_ts(item.created_at), item.arn)
        return super().sort_value(column, item, cells, now)

    async def describe_json(self, item: ModelPackage) -> str:
        return await self.services.registry.package_json(item.arn)

    # -- actions (flows.act runs them in a worker) -----------------------------------------------------------
    async def act_sagemaker_model_package_approve(self) -> None:
        await self._set("Approved")

    async def act_sagemaker_model_package_reject(self) -> None:
        await self._set("Rejected")

    async def _set(self, approval: str) -> None:
        target = self.selected
        if target is None:
            self.notify("no model version selected", severity="warning")
            return
        if target.approval == approval:
            self.notify(f"{target.label} is already {approval}", severity="warning")
            return
        if await mlops_flows.approval_flow(self, target, approval):
            self.notify(f"{target.label} is {approval}", title="model registry")
            self.reload()

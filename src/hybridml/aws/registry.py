"""SageMaker Model Registry: model package groups with their versions; the UpdateModelPackage request that approves
or rejects a version (`approval_kwargs`, sent by `hybridml.actions.mlops`).

A refresh costs one ListModelPackageGroups and one ListModelPackages of every versioned package (newest first,
100 a page, up to PACKAGE_CAP) — not one call per group."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from hybridml.aws._util import as_utc
from hybridml.aws.sagemaker_common import describe, list_items, pretty
from hybridml.aws.session import AwsSession
from hybridml.domain.registry import ModelPackage, ModelPackageGroup

GROUP_CAP = 1000
PACKAGE_CAP = 2000


def _package_from_api(d: dict[str, Any]) -> ModelPackage:
    version = d.get("ModelPackageVersion")
    return ModelPackage(
        arn=str(d.get("ModelPackageArn", "")),
        group=str(d.get("ModelPackageGroupName", "") or ""),
        version=int(version) if version is not None else None,
        status=str(d.get("ModelPackageStatus", "") or ""),
        approval=str(d.get("ModelApprovalStatus", "") or ""),
        created_at=as_utc(d.get("CreationTime")),
        description=str(d.get("ModelPackageDescription", "") or ""),
    )


def _group_from_api(d: dict[str, Any], versions: list[ModelPackage]) -> ModelPackageGroup:
    return ModelPackageGroup(
        name=str(d["ModelPackageGroupName"]),
        arn=str(d.get("ModelPackageGroupArn", "")),
        created_at=as_utc(d.get("CreationTime")),
        status=str(d.get("ModelPackageGroupStatus", "") or ""),
        description=str(d.get("ModelPackageGroupDescription", "") or ""),
        versions=tuple(versions),
    )


def _newest_first(packages: list[ModelPackage]) -> list[ModelPackage]:
    return sorted(
        packages, key=lambda p: (p.version or 0, p.created_at.timestamp() if p.created_at else 0.0), reverse=True
    )


class RegistryService:
    def __init__(self, session: AwsSession) -> None:
        self.session = session

    async def groups(self) -> list[ModelPackageGroup]:
        groups = await list_items(
            self.session,
            "list_model_package_groups",
            "ModelPackageGroupSummaryList",
            cap=GROUP_CAP,
            SortBy="CreationTime",
            SortOrder="Descending",
        )
        packages = await list_items(
            self.session,
            "list_model_packages",
            "ModelPackageSummaryList",
            cap=PACKAGE_CAP,
            ModelPackageType="Versioned",
            SortBy="CreationTime",
            SortOrder="Descending",
        )
        by_group: dict[str, list[ModelPackage]] = defaultdict(list)
        for d in packages:
            package = _package_from_api(d)
            by_group[package.group].append(package)
        return [_group_from_api(g, _newest_first(by_group.get(str(g["ModelPackageGroupName"]), []))) for g in groups]

    async def packages(self, group: str) -> list[ModelPackage]:
        """Every version of one group, newest first."""
        raw = await list_items(
            self.session,
            "list_model_packages",
            "ModelPackageSummaryList",
            cap=PACKAGE_CAP,
            ModelPackageGroupName=group,
            SortBy="CreationTime",
            SortOrder="Descending",
        )
        return _newest_first([_package_from_api(d) for d in raw])

    async def package(self, arn: str) -> ModelPackage:
        return _package_from_api(await self._describe(arn))

    async def _describe(self, arn: str) -> dict[str, Any]:
        return await describe(self.session, "describe_model_package", f"model package {arn}", ModelPackageName=arn)

    async def package_json(self, arn: str) -> str:
        return pretty(await self._describe(arn))

    async def group_json(self, name: str) -> str:
        return pretty(
            await describe(
                self.session, "describe_model_package_group", f"model package group {name}", ModelPackageGroupName=name
            )
        )


def approval_kwargs(arn: str, approval: str, description: str = "") -> dict[str, Any]:
    """UpdateModelPackage with a new ModelApprovalStatus; ApprovalDescription ("A description for the approval
    status of the model", at most 1024 characters) only when one is given."""
    params: dict[str, Any] = {"ModelPackageArn": arn, "ModelApprovalStatus": approval}
    if description:
        params["ApprovalDescription"] = description
    return params

"""SageMaker Model Registry: model package groups and their versions (model packages)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

APPROVAL_STATUSES = ("Approved", "Rejected", "PendingManualApproval")


@dataclass(frozen=True, slots=True)
class ModelPackage:
    arn: str
    group: str
    version: int | None
    status: str  # Pending | InProgress | Completed | Failed | Deleting
    approval: str  # Approved | Rejected | PendingManualApproval
    created_at: datetime | None
    description: str = ""

    @property
    def label(self) -> str:
        return f"{self.group}/{self.version}" if self.version is not None else self.arn.rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class ModelPackageGroup:
    name: str
    arn: str
    created_at: datetime | None
    status: str = ""
    description: str = ""
    versions: tuple[ModelPackage, ...] = ()  # newest first (the newest listed ones, up to the read cap)

    @property
    def latest(self) -> ModelPackage | None:
        return self.versions[0] if self.versions else None

    @property
    def latest_approved(self) -> ModelPackage | None:
        return next((p for p in self.versions if p.approval == "Approved"), None)

    @property
    def pending(self) -> int:
        return sum(1 for p in self.versions if p.approval == "PendingManualApproval")


@dataclass(frozen=True, slots=True)
class ApprovalRequest:
    """What `a` / `x` ask for on one model version."""

    package: ModelPackage
    approval: str
    description: str = ""

    def problems(self) -> list[str]:
        out: list[str] = []
        if self.approval not in APPROVAL_STATUSES:
            out.append(f"approval must be one of {', '.join(APPROVAL_STATUSES)} (got {self.approval!r})")
        if self.approval == self.package.approval:
            out.append(f"{self.package.label} is already {self.approval}")
        if len(self.description) > 1024:
            out.append("the description is longer than 1024 characters")
        return out

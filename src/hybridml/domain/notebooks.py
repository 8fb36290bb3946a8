"""Notebooks that cost money while they run: SageMaker notebook instances and Studio apps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hybridml.domain.prices import cost, hourly

INSTANCE = "instance"  # a notebook instance (StopNotebookInstance stops it; its volume is kept)
STUDIO = "studio"  # a Studio app (DeleteApp stops it; the user's home directory is kept)
RUNNING = ("InService", "Pending", "Updating")  # states that bill the instance


@dataclass(frozen=True, slots=True)
class Notebook:
    kind: str  # INSTANCE | STUDIO
    name: str
    arn: str
    status: str
    instance_type: str
    created_at: datetime | None
    running_since: datetime | None = None  # InService: since when (instance: LastModifiedTime; app: created)
    domain_id: str = ""
    user_profile: str = ""
    space: str = ""
    app_type: str = ""
    url: str = ""

    @property
    def key(self) -> str:
        if self.kind == STUDIO:
            return f"studio/{self.domain_id}/{self.owner}/{self.app_type}/{self.name}"
        return f"instance/{self.name}"

    @property
    def label(self) -> str:
        """How it is named on screen: a Studio app by its owner too (every user's app is called "default")."""
        return f"{self.owner}/{self.name}" if self.kind == STUDIO and self.owner else self.name

    @property
    def owner(self) -> str:
        return self.user_profile or (f"space:{self.space}" if self.space else "")

    @property
    def running(self) -> bool:
        return self.status in RUNNING

    @property
    def stoppable(self) -> bool:
        return self.status == "InService"

    @property
    def price_per_hour(self) -> float | None:
        return hourly(self.instance_type)

    def running_s(self, now: datetime) -> float | None:
        if not self.running or self.running_since is None:
            return None
        return max(0.0, (now - self.running_since).total_seconds())

    def cost_so_far(self, now: datetime) -> float | None:
        return cost(self.instance_type, self.running_s(now))

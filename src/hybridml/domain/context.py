"""An AWS context: the profile and the region requests go to (`:ctx` switches between them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class AwsContext:
    profile: str  # '' : the default credential chain (AWS_PROFILE unset, or the demo fleet)
    region: str
    source: str = ""  # where it was found: "config", "[aws] regions", "current"

    @property
    def label(self) -> str:
        """`profile@region`; the region alone for the default profile."""
        return f"{self.profile}@{self.region}" if self.profile not in ("", "default") else self.region


@dataclass(frozen=True, slots=True)
class Regional(Generic[T]):
    """A resource read in one region of a side-by-side view (`:ctx *`, `--all-regions`)."""

    region: str
    item: T

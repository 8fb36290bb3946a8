"""The answer of the fit check (`triage.fit.fit_check`): can a request ever run on a queue?"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FitResult:
    """`ok`: at least one usable compute environment of the queue has an instance type that can hold the job."""

    ok: bool
    problems: tuple[str, ...] = ()  # why it cannot run (or why a CE was ruled out)
    warnings: tuple[str, ...] = ()  # runs, but worth knowing
    fitting: tuple[tuple[str, str], ...] = ()  # (CE name, smallest instance type that fits)

    @property
    def summary(self) -> str:
        if self.ok:
            where = ", ".join(f"{ce} ({itype})" for ce, itype in self.fitting[:3])
            return f"fits: {where}" if where else "fits"
        return "will never run: " + (self.problems[0] if self.problems else "no compute environment can hold it")

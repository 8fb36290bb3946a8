"""The app's services, built once from settings: the AWS session, one reader per AWS service, and `run`, the
one path every mutation takes (read-only check, send once, audit, cache invalidation).

No Textual here: the TUI and the headless commands share this.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, TypeVar

from hybridml.actions.base import Action, ActionSpec, ReadOnlyRefused
from hybridml.audit import AuditError, AuditLog, redact
from hybridml.aws.batch import BatchService
from hybridml.aws.errors import AwsError, CredentialsProblem, Throttled, mark_outcome_unknown, may_have_landed
from hybridml.aws.logs import LogsService
from hybridml.aws.metrics import MetricsService
from hybridml.aws.monitoring import MonitoringService
from hybridml.aws.notebooks import NotebooksService
from hybridml.aws.pipelines import PipelinesService
from hybridml.aws.quotas import QuotasService
from hybridml.aws.registry import RegistryService
from hybridml.aws.sagemaker import SageMakerService
from hybridml.aws.sagemaker_training import TrainingService
from hybridml.aws.session import AwsSession
from hybridml.aws.tuning import TuningService
from hybridml.config import Settings
from hybridml.domain.context import AwsContext
from hybridml.domain.triage import PaneAccess

R = TypeVar("R")
LANDED_WINDOW_S = 24 * 3600.0  # an outcome-unknown request this recent makes an identical one ask first

__all__ = ["AuditFailed", "ReadOnlyRefused", "Services"]


class AuditFailed(AuditError):
    """The action was sent (its outcome is `outcome`) but its audit entry could not be written."""

    def __init__(self, message: str, outcome: Any) -> None:
        super().__init__(message)
        self.outcome = outcome


@dataclass
class Services:
    settings: Settings
    session: AwsSession
    batch: BatchService
    sagemaker: SageMakerService
    training: TrainingService
    metrics: MetricsService
    logs: LogsService
    quotas: QuotasService
    read_only: bool = False
    demo: bool = False
    audit_log: AuditLog = field(default_factory=lambda: AuditLog(None))
    # pane (client service name) -> what the start-up permission check found; empty until it ran
    permissions: dict[str, PaneAccess] = field(default_factory=dict)
    # fingerprints of requests sent this session whose outcome is unknown -> when (monotonic)
    unknown_outcomes: dict[str, float] = field(default_factory=dict)
    # how it was built (endpoint override, the demo fleet's keys): a context switch keeps them
    built_with: dict[str, Any] = field(default_factory=dict, repr=False)
    # SageMaker beyond endpoints and training jobs (readers built from the session)
    pipelines: PipelinesService = field(init=False)
    tuning: TuningService = field(init=False)
    monitoring: MonitoringService = field(init=False)
    registry: RegistryService = field(init=False)
    notebooks: NotebooksService = field(init=False)

    def __post_init__(self) -> None:
        self.pipelines = PipelinesService(self.session)
        self.tuning = TuningService(self.session)
        self.monitoring = MonitoringService(self.session)
        self.registry = RegistryService(self.session)
        self.notebooks = NotebooksService(self.session)

    @classmethod
    def build(
        cls,
        settings: Settings,
        *,
        profile: str | None = None,
        region: str | None = None,
        endpoint_url: str | None = None,
        static_credentials: tuple[str, str] | None = None,
        read_only: bool = False,
        demo: bool = False,
    ) -> Services:
        session = AwsSession(
            settings.aws,
            profile=profile,
            region=region,
            endpoint_url=endpoint_url,
            static_credentials=static_credentials,
        )
        built_with = {"endpoint_url": endpoint_url, "static_credentials": static_credentials}
        return cls(
            built_with=built_with,
            settings=settings,
            session=session,
            batch=BatchService(session, settings.batch),
            sagemaker=SageMakerService(session),
            training=TrainingService(session, settings.sagemaker.list_window_h),
            metrics=MetricsService(session),
            logs=LogsService(session),
            quotas=QuotasService(session),
            read_only=read_only or settings.read_only,
            demo=demo,
            audit_log=AuditLog(settings.audit_log),
        )

    async def close(self) -> None:
        await self.session.close()

    @property
    def context(self) -> AwsContext:
        """The profile and region requests go to now."""
        return AwsContext(self.session.profile or "", self.session.region, "current")

    def switched(self, context: AwsContext) -> Services:
        """New services for another profile / region (`:ctx`): same settings, mode and audit log; fresh clients,
        caches and API budget. The caller closes the old ones once nothing uses them."""
        new = Services.build(
            self.settings,
            profile=context.profile or None,
            region=context.region,
            read_only=self.read_only,
            demo=self.demo,
            **self.built_with,
        )
        new.audit_log = self.audit_log
        new.unknown_outcomes = self.unknown_outcomes  # "may have landed" outlives a switch (same account or not)
        return new

    def denied_services(self) -> set[str]:
        """Panes the start-up permission check found denied."""
        return {name for name, access in self.permissions.items() if access.allowed is False}

    def denied(self, service: str) -> PaneAccess | None:
        access = self.permissions.get(service)
        return access if access is not None and access.allowed is False else None

    # -- the one mutation path --------------------------------------------------------------------------------
    def check_writable(self, spec: ActionSpec) -> None:
        """Raise ReadOnlyRefused when `spec` may not run (the TUI asks before opening a form, `run` always)."""
        if self.read_only and spec.refused_read_only:
            raise ReadOnlyRefused(spec.id)

    async def identity(self) -> str:
        """The caller's ARN (STS GetCallerIdentity, read once per session); '' when STS cannot say."""
        try:
            return (await self.session.caller_identity()).get("Arn", "")
        except AwsError:
            return ""

    def possibly_landed(self, action: Action[Any]) -> str | None:
        """When an identical request was sent before with an unknown outcome (this session, or in the audit log in
        the last day), when that was; None otherwise."""
        fingerprint = action.fingerprint()
        if fingerprint in self.unknown_outcomes:
            return f"{int(time.monotonic() - self.unknown_outcomes[fingerprint])}s ago"
        request = redact(action.shown_request())
        for entry in reversed(self.audit_log.recent()):
            if entry.get("action") == action.spec.id and entry.get("request") == request:
                if entry.get("result") == "unknown":
                    return f"at {entry.get('ts', '?')}"
                return None  # the latest identical one has a known outcome
        return None

    async def run(self, action: Action[R]) -> R:
        """Send `action` once. Refused in read-only mode; validated first; re-read at send time (`prepare`);
        never retried; audited whatever happens (an audit log that cannot be written stops it before it is
        sent); the caches it makes stale are dropped.

        Errors say what happened to the request: refused by AWS, not sent (credentials, parameter checks), or
        outcome unknown (connection lost, 5xx: it may have landed; it is not resent).
        """
        spec = action.spec
        try:
            self.check_writable(spec)
        except ReadOnlyRefused as exc:
            self._record_failure(action, exc, result="refused", identity="")
            raise
        self.session.budget.mutated()
        action.validate()  # InvalidRequest: nothing attempted, nothing recorded
        action = await action.prepare(self)
        action.validate()
        self.audit_log.ensure_writable()  # AuditError: stops it before it is sent
        identity = await self.identity()
        try:
            response = await action.send(self.session)
        except AwsError as exc:
            self.invalidate(action)
            error, result = self._explain(action, exc)
            self._record_failure(action, error, result=result, identity=identity)
            raise error from exc
        self.invalidate(action)
        outcome = action.outcome(response)
        request_id = str(response.get("ResponseMetadata", {}).get("RequestId", ""))
        try:
            self._record(action, result="ok", request_id=request_id, identity=identity)
        except AuditError as exc:
            raise AuditFailed(f"{action.spec.id} on {action.target} was sent, but {exc}", outcome) from exc
        return outcome

    def _explain(self, action: Action[Any], exc: AwsError) -> tuple[AwsError, str]:
        """The error to raise (its message says what happened to the request) and the audit result."""
        if exc.not_sent:
            if isinstance(exc, CredentialsProblem) and self.session.profile and "--profile" not in exc.message:
                exc.message = exc.message.replace(
                    "`aws sso login`", f"`aws sso login --profile {self.session.profile}`"
                )
            exc.message += " (not sent)"
            return exc, "not sent"
        if may_have_landed(exc):  # the request may have been carried out: never claim it failed
            self.unknown_outcomes[action.fingerprint()] = time.monotonic()
            return mark_outcome_unknown(exc, action.spec.id, action.subject()), "unknown"
        if isinstance(exc, Throttled):
            exc.message += ": refused, not applied and not retried (try again in a moment)"
        return exc, "error"

    def _record_failure(self, action: Action[Any], error: Exception, *, result: str, identity: str) -> None:
        """Record a request that did not succeed; if even that cannot be written, the error says so too."""
        try:
            self._record(action, result=result, error=str(error), identity=identity)
        except AuditError as exc:
            note = f" (and {exc})"
            if isinstance(error, AwsError):
                error.message += note
            else:
                error.args = (f"{error}{note}",)

    def _record(
        self, action: Action[Any], *, result: str, identity: str, error: str = "", request_id: str = ""
    ) -> None:
        self.audit_log.record(
            action=action.spec.id,
            target=action.target,
            request=_safe_request(action),
            result=result,
            error=error,
            request_id=request_id,
            identity=identity,
        )

    def invalidate(self, action: Action[Any]) -> None:
        """Drop what the action made stale, so the next refresh shows the change (finished jobs included), and the
        shared read cache (`aws/cache.py`): the views and watches read again."""
        self.session.cache.invalidate()
        for what in action.invalidates:
            if what == "batch.jobs":
                self.batch.invalidate_jobs()
            elif what == "sagemaker.endpoints":
                self.sagemaker.forget(action.target)
            elif what == "training":
                self.training.forget(action.target)
            elif what == "tuning":
                self.tuning.forget(action.target)


def _safe_request(action: Action[Any]) -> dict[str, Any]:
    """The request as shown, or {} when it is not even valid (read-only refuses before validating)."""
    try:
        return action.shown_request()
    except AwsError:
        return {}

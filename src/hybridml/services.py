"""The app's services, built once from settings: the AWS session and one reader per AWS service.

No Textual here: the TUI and the headless commands share this.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from hybridml.audit import AuditLog
from hybridml.aws.batch import BatchService
from hybridml.aws.batch_actions import BatchActions
from hybridml.aws.errors import AwsError, mark_outcome_unknown, may_have_landed
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
from hybridml.domain.triage import PaneAccess

T = TypeVar("T")


class ReadOnlyRefused(Exception):
    """A mutating action asked for while running with --read-only."""

    def __init__(self, action: str) -> None:
        super().__init__(f"read-only mode: '{action}' was not sent (start without --read-only to allow it)")
        self.action = action


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
    batch_actions: BatchActions = field(init=False)
    # SageMaker beyond endpoints and training jobs (readers built from the session)
    pipelines: PipelinesService = field(init=False)
    tuning: TuningService = field(init=False)
    monitoring: MonitoringService = field(init=False)
    registry: RegistryService = field(init=False)
    notebooks: NotebooksService = field(init=False)

    def __post_init__(self) -> None:
        self.batch_actions = BatchActions(self.session, self.mutate)
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
        return cls(
            settings=settings,
            session=session,
            batch=BatchService(session, settings.batch),
            sagemaker=SageMakerService(session),
            training=TrainingService(session),
            metrics=MetricsService(session),
            logs=LogsService(session),
            quotas=QuotasService(session),
            read_only=read_only or settings.read_only,
            demo=demo,
            audit_log=AuditLog(settings.audit_log),
        )

    async def close(self) -> None:
        await self.session.close()

    def denied_services(self) -> set[str]:
        """Panes the start-up permission check found denied."""
        return {name for name, access in self.permissions.items() if access.allowed is False}

    def denied(self, service: str) -> PaneAccess | None:
        access = self.permissions.get(service)
        return access if access is not None and access.allowed is False else None

    def check_writable(self, action: str) -> None:
        if self.read_only:
            raise ReadOnlyRefused(action)

    async def mutate(self, action: str, target: str, request: dict[str, Any], call: Callable[[], Awaitable[T]]) -> T:
        """Run one mutating call: refused in read-only mode, audited whatever happens.

        `call` must use `session.mutation_client()` (no automatic retries) so it is sent at most once.
        When it fails in a way that says nothing about whether AWS did the work (connection lost, 5xx), the
        error is marked `outcome_unknown`, its message says so, and the audit entry's result is "unknown".
        """
        try:
            self.check_writable(action)
        except ReadOnlyRefused as exc:
            self.audit_log.record(action=action, target=target, request=request, result="refused", error=str(exc))
            raise
        try:
            result = await call()
        except AwsError as exc:
            self.batch.invalidate_jobs()
            outcome = "error"
            if may_have_landed(exc):  # the request may have been carried out: never claim it failed
                mark_outcome_unknown(exc, action, target)
                outcome = "unknown"
            self.audit_log.record(action=action, target=target, request=request, result=outcome, error=str(exc))
            raise
        self.batch.invalidate_jobs()  # what changed shows on the next refresh, finished jobs included
        request_id = ""
        if isinstance(result, dict):
            request_id = str(result.get("ResponseMetadata", {}).get("RequestId", ""))
        self.audit_log.record(action=action, target=target, request=request, result="ok", request_id=request_id)
        return result

"""EC2 vCPU quotas from Service Quotas. Optional: where they cannot be read, triage simply skips them."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from hybridml.aws._util import bounded_gather
from hybridml.aws.errors import AwsError, NotFound, aws_call
from hybridml.aws.session import AwsSession

SERVICE = "service-quotas"


def _quota_value(d: dict[str, Any]) -> float | None:
    quota = d.get("Quota") or {}
    value = quota.get("Value")
    return float(value) if value is not None else None


class QuotasService:
    """Quotas change rarely (an increase takes a support request): answers are reused for `max_age_s`."""

    def __init__(self, session: AwsSession, max_age_s: float = 600.0) -> None:
        self.session = session
        self.max_age_s = max_age_s
        self._cache: tuple[float, tuple[str, ...], dict[str, float], str] | None = None

    async def ec2_vcpu_quotas(self, codes: Sequence[str]) -> tuple[dict[str, float], str]:
        """Quota code -> vCPU limit for the codes that could be read, and why others could not ('' if all read).

        Denied or unknown quotas are skipped, never raised: a missing quota only means one rule stays quiet."""
        key = tuple(codes)
        cached = self._cache
        if cached is not None and cached[1] == key and time.monotonic() - cached[0] < self.max_age_s:
            return dict(cached[2]), cached[3]
        client = await self.session.client(SERVICE)
        problems: list[str] = []

        async def one(code: str) -> tuple[str, float | None]:
            try:
                async with aws_call(SERVICE, "GetServiceQuota"):
                    answer = await client.get_service_quota(ServiceCode="ec2", QuotaCode=code)
            except NotFound:
                return code, None
            except AwsError as exc:
                if exc.code in ("NoSuchResourceException", "NoSuchResource"):
                    return code, None  # an endpoint that does not know EC2 quotas (moto)
                problems.append(exc.kind)
                return code, None
            return code, _quota_value(answer)

        pairs = await bounded_gather(4, one, list(codes))
        found = {code: value for code, value in pairs if value is not None}
        why = ", ".join(sorted(set(problems)))
        if not found and not why:
            why = "EC2 quotas not available from this endpoint"
        if not problems:  # a transient failure is retried next time
            self._cache = (time.monotonic(), key, dict(found), why)
        return found, why

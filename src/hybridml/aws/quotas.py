"""EC2 vCPU quotas from Service Quotas. Optional: where they cannot be read, triage simply skips them."""

from __future__ import annotations

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
    def __init__(self, session: AwsSession) -> None:
        self.session = session

    async def ec2_vcpu_quotas(self, codes: Sequence[str]) -> tuple[dict[str, float], str]:
        """Quota code -> vCPU limit for the codes that could be read, and why others could not ('' if all read).

        Denied or unknown quotas are skipped, never raised: a missing quota only means one rule stays quiet."""
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
        return found, why

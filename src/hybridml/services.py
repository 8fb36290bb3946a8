"""The app's services, built once from settings: the AWS session and one reader per AWS service.

No Textual here: the TUI and the headless commands share this.
"""

from __future__ import annotations

from dataclasses import dataclass

from hybridml.aws.batch import BatchService
from hybridml.aws.session import AwsSession
from hybridml.config import Settings


@dataclass
class Services:
    settings: Settings
    session: AwsSession
    batch: BatchService
    read_only: bool = False
    demo: bool = False

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
            batch=BatchService(session),
            read_only=read_only or settings.read_only,
            demo=demo,
        )

    async def close(self) -> None:
        await self.session.close()

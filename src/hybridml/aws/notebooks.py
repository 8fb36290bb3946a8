"""Notebooks that bill while they run: notebook instances and Studio apps (list, describe), and the requests that
stop one (sent by `hybridml.actions.mlops`).

Stopping a notebook instance is StopNotebookInstance (its storage volume is kept); stopping a Studio app is
DeleteApp ("Used to stop and delete an app"; the user's home directory is kept)."""

from __future__ import annotations

import asyncio
from typing import Any

from hybridml.aws._util import as_utc
from hybridml.aws.errors import AwsError
from hybridml.aws.sagemaker_common import describe, list_items, pretty
from hybridml.aws.session import AwsSession
from hybridml.domain.notebooks import INSTANCE, STUDIO, Notebook

INSTANCE_CAP = 1000
APP_CAP = 2000


def _instance_from_api(d: dict[str, Any]) -> Notebook:
    status = str(d.get("NotebookInstanceStatus", ""))
    modified = as_utc(d.get("LastModifiedTime"))
    return Notebook(
        kind=INSTANCE,
        name=str(d["NotebookInstanceName"]),
        arn=str(d.get("NotebookInstanceArn", "")),
        status=status,
        instance_type=str(d.get("InstanceType", "") or ""),
        created_at=as_utc(d.get("CreationTime")),
        running_since=modified if status == "InService" else None,  # started = its last status change
        url=str(d.get("Url", "") or ""),
    )


def _app_from_api(d: dict[str, Any]) -> Notebook:
    created = as_utc(d.get("CreationTime"))
    status = str(d.get("Status", ""))
    return Notebook(
        kind=STUDIO,
        name=str(d.get("AppName", "")),
        arn=str(d.get("AppArn", "") or ""),
        status=status,
        instance_type=str((d.get("ResourceSpec") or {}).get("InstanceType", "") or ""),
        created_at=created,
        running_since=created if status == "InService" else None,  # an app runs from creation until deleted
        domain_id=str(d.get("DomainId", "") or ""),
        user_profile=str(d.get("UserProfileName", "") or ""),
        space=str(d.get("SpaceName", "") or ""),
        app_type=str(d.get("AppType", "") or ""),
    )


def app_kwargs(nb: Notebook) -> dict[str, Any]:
    params: dict[str, Any] = {"DomainId": nb.domain_id, "AppType": nb.app_type, "AppName": nb.name}
    if nb.user_profile:
        params["UserProfileName"] = nb.user_profile
    else:
        params["SpaceName"] = nb.space
    return params


def what(nb: Notebook) -> str:
    """How a 'could not find' answer names it."""
    return f"app {nb.label}" if nb.kind == STUDIO else f"notebook instance {nb.name}"


def stop_instance_kwargs(name: str) -> dict[str, Any]:
    """StopNotebookInstance: "Terminates the ML compute instance. Before terminating the instance, SageMaker
    disconnects the ML storage volume from it. SageMaker preserves the ML storage volume." """
    return {"NotebookInstanceName": name}


class NotebooksService:
    def __init__(self, session: AwsSession) -> None:
        self.session = session
        self.unreadable = ""  # why one of the two lists could not be read on the last refresh

    async def notebooks(self, *, max_age_s: float = 0.0) -> list[Notebook]:
        """`_notebooks`, or its answer younger than `max_age_s` (a view and the watches refreshing together share
        one read)."""
        return await self.session.cache.get(("sagemaker", "notebooks"), max_age_s, self._notebooks)

    async def _notebooks(self) -> list[Notebook]:
        """Notebook instances and Studio apps, newest first. One of the two lists failing (Studio not set up,
        or not permitted) leaves the other shown and says why in `unreadable`."""
        instances: list[dict[str, Any]] | BaseException
        apps: list[dict[str, Any]] | BaseException
        instances, apps = await asyncio.gather(
            list_items(
                self.session,
                "list_notebook_instances",
                "NotebookInstances",
                cap=INSTANCE_CAP,
                SortBy="CreationTime",
                SortOrder="Descending",
            ),
            list_items(self.session, "list_apps", "Apps", cap=APP_CAP, SortBy="CreationTime", SortOrder="Descending"),
            return_exceptions=True,
        )
        found: list[Notebook] = []
        problems: list[str] = []
        for part, result, mapper in (
            ("notebook instances", instances, _instance_from_api),
            ("Studio apps", apps, _app_from_api),
        ):
            if isinstance(result, BaseException):
                if not isinstance(result, AwsError):
                    raise result
                problems.append(f"{part}: {result}")
                continue
            found += [mapper(d) for d in result]
        if len(problems) == 2:
            assert isinstance(instances, AwsError)
            raise instances
        self.unreadable = "; ".join(problems)
        return sorted(found, key=lambda n: n.created_at.timestamp() if n.created_at else 0.0, reverse=True)

    async def _describe(self, nb: Notebook) -> dict[str, Any]:
        if nb.kind == STUDIO:
            return await describe(self.session, "describe_app", what(nb), **app_kwargs(nb))
        return await describe(self.session, "describe_notebook_instance", what(nb), NotebookInstanceName=nb.name)

    async def notebook(self, nb: Notebook) -> Notebook:
        """`nb` read again (DescribeNotebookInstance / DescribeApp): its status now."""
        raw = await self._describe(nb)
        return _app_from_api(raw) if nb.kind == STUDIO else _instance_from_api(raw)

    async def notebook_json(self, nb: Notebook) -> str:
        return pretty(await self._describe(nb))

"""Named patches for moto 5.2's gaps around notebooks: Studio apps (absent) and notebook instance stops (instant).

Studio apps are kept on moto's SageMaker backend (`hybridml_apps`), so a moto reset clears them.
"""

from __future__ import annotations

import time
from typing import Any

from hybridml.fleet.patches import patch
from hybridml.fleet.patches_sagemaker_ops import _utcnow, page

APP_DELETE_S = 3.0
NOTEBOOK_STOP_S = 3.0


# -- Studio apps -----------------------------------------------------------------------------------------


def _apps(backend: Any) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    if not hasattr(backend, "hybridml_apps"):
        backend.hybridml_apps = {}
    return backend.hybridml_apps  # type: ignore[no-any-return]


def settle_app(app: dict[str, Any], *, force: bool = False) -> None:
    due = app.get("hybridml_delete_at")
    if due is None or (time.monotonic() < due and not force):
        return
    app["Status"] = "Deleted"
    app["hybridml_delete_at"] = None


def _app_key(self: Any) -> tuple[str, str, str, str]:
    from moto.sagemaker.exceptions import ValidationError

    user, space = self._get_param("UserProfileName"), self._get_param("SpaceName")
    if bool(user) == bool(space):
        raise ValidationError(message="Exactly one of UserProfileName or SpaceName must be set.")
    owner = f"user:{user}" if user else f"space:{space}"
    return str(self._get_param("DomainId")), owner, str(self._get_param("AppType")), str(self._get_param("AppName"))


def _public(app: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in app.items() if not k.startswith("hybridml_") and v not in (None, "")}


@patch
def sagemaker_studio_apps_are_implemented() -> None:
    """moto has no Studio app API (CreateApp, DescribeApp, ListApps, DeleteApp: HTTP 500). The API reference:
    CreateApp "Creates a running app for the specified UserProfile"; DeleteApp is "Used to stop and delete an
    app" (AppStatus: Deleted | Deleting | Failed | InService | Pending); a request names a UserProfileName or a
    SpaceName ("If this value is not set, then SpaceName must be set"); ListApps sorts by CreationTime ("The
    default is Ascending") and, per DescribeApp, an app's metadata stays for 24 hours after it is shut down, so
    Deleted apps are still listed."""
    from moto.core.responses import ActionResult, EmptyResult
    from moto.sagemaker.exceptions import ResourceInUseException, ResourceNotFound, ValidationError
    from moto.sagemaker.responses import SageMakerResponse
    from moto.sagemaker.utils import arn_formatter

    def create_app(self: Any) -> Any:
        backend = self.sagemaker_backend
        key = _app_key(self)
        domain, owner, app_type, name = key
        if domain not in backend.domains:
            raise ResourceNotFound(message=f"Domain {domain} not found.")
        existing = _apps(backend).get(key)
        if existing is not None and existing["Status"] not in ("Deleted", "Failed"):
            raise ResourceInUseException(
                message=f"App {name} of type {app_type} already exists ({existing['Status']})."
            )
        who = owner.split(":", 1)[1]
        arn = arn_formatter("app", f"{domain}/{who}/{app_type.lower()}/{name}", backend.account_id, backend.region_name)
        app: dict[str, Any] = {
            "AppArn": arn,
            "DomainId": domain,
            "AppType": app_type,
            "AppName": name,
            "Status": "InService",
            "CreationTime": _utcnow(),
            "ResourceSpec": dict(self._get_param("ResourceSpec") or {"InstanceType": "ml.t3.medium"}),
            ("UserProfileName" if owner.startswith("user:") else "SpaceName"): who,
        }
        backend.hybridml_apps[key] = app
        return ActionResult({"AppArn": arn})

    def _found(self: Any) -> dict[str, Any]:
        app = _apps(self.sagemaker_backend).get(_app_key(self))
        if app is None:
            raise ResourceNotFound(message=f"App {self._get_param('AppName')} does not exist.")
        settle_app(app)
        return app

    def describe_app(self: Any) -> Any:
        return ActionResult(_public(_found(self)))

    def delete_app(self: Any) -> Any:
        app = _found(self)
        if app["Status"] not in ("InService", "Pending", "Failed"):
            raise ValidationError(message=f"App {app['AppName']} is {app['Status']}: it cannot be deleted again.")
        app["Status"] = "Deleting"
        app["hybridml_delete_at"] = time.monotonic() + APP_DELETE_S
        return EmptyResult()

    def list_apps(self: Any) -> Any:
        items = list(_apps(self.sagemaker_backend).values())
        for app in items:
            settle_app(app)
        user, space = self._get_param("UserProfileNameEquals"), self._get_param("SpaceNameEquals")
        if user and space:
            raise ValidationError(message="UserProfileNameEquals and SpaceNameEquals cannot both be set.")
        for param, field in (
            ("DomainIdEquals", "DomainId"),
            ("UserProfileNameEquals", "UserProfileName"),
            ("SpaceNameEquals", "SpaceName"),
        ):
            wanted = self._get_param(param)
            if wanted:
                items = [a for a in items if a.get(field) == wanted]
        items.sort(key=lambda a: a["CreationTime"])
        if self._get_param("SortOrder", "Ascending") == "Descending":
            items.reverse()
        shown, token = page(items, self._get_param("NextToken"), self._get_param("MaxResults"))
        keys = (
            "DomainId",
            "UserProfileName",
            "SpaceName",
            "AppType",
            "AppName",
            "Status",
            "CreationTime",
            "ResourceSpec",
        )
        result: dict[str, Any] = {"Apps": [{k: a[k] for k in keys if a.get(k) not in (None, "")} for a in shown]}
        if token:
            result["NextToken"] = token
        return ActionResult(result)

    SageMakerResponse.create_app = create_app  # type: ignore[attr-defined]
    SageMakerResponse.describe_app = describe_app  # type: ignore[attr-defined]
    SageMakerResponse.delete_app = delete_app  # type: ignore[attr-defined]
    SageMakerResponse.list_apps = list_apps  # type: ignore[attr-defined]


# -- Notebook instances ----------------------------------------------------------------------------------


def settle_notebook(instance: Any, *, force: bool = False) -> None:
    due = getattr(instance, "hybridml_stop_at", None)
    if due is None or (time.monotonic() < due and not force):
        return
    instance.status = "Stopped"
    instance.last_modified_time = _utcnow()
    instance.hybridml_stop_at = None


@patch
def sagemaker_notebook_instance_stop_takes_time() -> None:
    """moto stops a notebook instance at once (Stopped) and keeps its LastModifiedTime. AWS goes through the
    documented NotebookInstanceStatus "Stopping" first: StopNotebookInstance "Terminates the ML compute
    instance. Before terminating the instance, SageMaker AI disconnects the ML storage volume from it." The
    status change is the instance's last modification."""
    from moto.sagemaker.models import SageMakerModelBackend

    get, list_instances = SageMakerModelBackend.get_notebook_instance, SageMakerModelBackend.list_notebook_instances

    def stop_notebook_instance(self: Any, notebook_instance_name: str) -> None:
        instance: Any = get(self, notebook_instance_name)
        settle_notebook(instance)
        if instance.status != "InService":
            return
        instance.status = "Stopping"
        instance.last_modified_time = _utcnow()
        instance.hybridml_stop_at = time.monotonic() + NOTEBOOK_STOP_S

    def get_notebook_instance(self: Any, notebook_instance_name: str) -> Any:
        instance = get(self, notebook_instance_name)
        settle_notebook(instance)
        return instance

    def list_notebook_instances(self: Any, *args: Any, **kwargs: Any) -> Any:
        for instance in list(self.notebook_instances.values()):
            settle_notebook(instance)
        return list_instances(self, *args, **kwargs)

    SageMakerModelBackend.stop_notebook_instance = stop_notebook_instance  # type: ignore[method-assign]
    SageMakerModelBackend.get_notebook_instance = get_notebook_instance  # type: ignore[method-assign]
    SageMakerModelBackend.list_notebook_instances = list_notebook_instances  # type: ignore[method-assign,assignment]

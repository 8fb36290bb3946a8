"""Switch the app to another AWS context (`:ctx`) without restarting: new services for the profile / region,
every view rebuilt and read there, the header re-read (account, permissions), then the old clients closed.

The launch registry is kept (its runs are this session's); Batch runs launched in the old context stop being
followed once their region is no longer the one read."""

from __future__ import annotations

from typing import Any

from hybridml.aws.errors import AwsError
from hybridml.aws.session import NoRegionConfigured
from hybridml.domain.context import AwsContext
from hybridml.tui.refresh import RefreshSchedule


async def switch_context(app: Any, context: AwsContext) -> bool:
    """`app`: the HybridApp (typed loosely: tui.app imports this module). Returns whether it now reads `context`."""
    old = app.services
    try:
        new = old.switched(context)
    except (NoRegionConfigured, AwsError, ValueError) as exc:  # a bad profile: botocore says which
        app.notify(f"cannot switch to {context.label}: {exc}", title="context", severity="error")
        return False
    except Exception as exc:  # botocore's ProfileNotFound and friends
        app.notify(f"cannot switch to {context.label}: {type(exc).__name__}: {exc}", title="context", severity="error")
        return False
    kind = app.current_kind or app.start_view
    app.services = new
    app.schedule = RefreshSchedule(new.settings.ui.refresh_s, new.session.budget)
    if app._launcher is not None:
        app._launcher.services = new
    for view in list(app.views.values()):
        await view.remove()
    app.views.clear()
    app.history.clear()
    app.levels.clear()
    app.current_kind = ""
    app.alerts = []
    app.last_problem = ""
    header = app.header
    target = new.session.target
    header.aws_region, header.aws_endpoint, header.aws_profile = target.region, target.endpoint, target.profile
    header.account, header.problem, header.denied, header.alerts = "…", "", "", ""
    header.budget = header.budget_configured = new.session.budget.per_min
    app.show_view(kind)
    app.load_account()
    app.check_permissions()
    await old.close()
    app.notify(f"context: {context.label}", title="context", timeout=3)
    return True

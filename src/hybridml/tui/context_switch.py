"""Switch the app to another AWS context (`:ctx`) without restarting: new services for the profile / region,
every view rebuilt and read there, the header re-read (account, permissions), then the old clients closed.

The launch registry is kept (its runs are this session's); Batch runs launched in the old context stop being
followed once their region is no longer the one read."""

from __future__ import annotations

import asyncio
from typing import Any

from hybridml.aws.errors import AwsError
from hybridml.aws.session import NoRegionConfigured
from hybridml.domain.context import AwsContext
from hybridml.tui.refresh import RefreshSchedule


async def open_contexts(app: Any, wanted: str = "") -> None:
    """`:ctx` lists the contexts; `:ctx NAME` switches at once (a profile, a region, or `profile@region`);
    `:ctx *` shows the regions side by side in :jobs and :all."""
    from hybridml.aws.contexts import available_contexts
    from hybridml.tui.screens.contexts import ContextScreen

    if wanted == "*":
        await show_regions(app)
        return
    current = app.services.context
    regions = app.services.settings.aws.regions
    found, problem = await asyncio.to_thread(available_contexts, current, regions, app.contexts_used)
    chosen: AwsContext | None
    if wanted:
        match = [c for c in found if wanted in (c.label, c.profile, c.region, f"{c.profile}@{c.region}")]
        if not match:
            app.notify(f"no context {wanted!r} (:ctx lists them)", title="context", severity="error")
            return
        chosen = match[0]
    else:
        chosen = await app.push_screen_wait(ContextScreen(found, current, problem))
    if chosen is not None:
        before = app.services.context
        if await switch_context(app, chosen) and before not in app.contexts_used:
            app.contexts_used.append(before)  # offered back by `:ctx`


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
    regions = app.region_set
    app.region_set = None  # a context is one region again
    app.header.context_label = ""
    app.services = new
    app.schedule = RefreshSchedule(new.settings.ui.refresh_s, new.session.budget)
    if app._launcher is not None:
        app._launcher.services = new
    await _drop_views(app)
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
    if regions is not None:
        await regions.close()
    await old.close()
    app.notify(f"context: {context.label}", title="context", timeout=3)
    return True


async def _drop_views(app: Any) -> None:
    """Every view goes (each is built again, in the new context, when shown); the way back goes with them."""
    for view in list(app.views.values()):
        await view.remove()
    app.views.clear()
    app.history.clear()
    app.levels.clear()
    app.current_kind = ""


async def show_regions(app: Any) -> bool:
    """`:ctx *` / `--all-regions`: :jobs and :all read the region in use and `[aws] regions` side by side, with
    a REGION column (the other views stay on the region in use). Returns whether they now do."""
    from hybridml.regions import RegionSet, chosen_regions
    from hybridml.tui.views.regional import REGIONAL_VIEWS

    regions = chosen_regions(app.services)
    if len(regions) < 2:
        app.notify(
            'regions side by side need more than one: set [aws] regions = ["us-east-1", "eu-west-1"] in the config',
            title="context",
            severity="error",
        )
        return False
    try:
        region_set = RegionSet(app.services, regions)
    except Exception as exc:  # a profile botocore cannot use in a region: said, nothing changes
        app.notify(f"cannot read {', '.join(regions)}: {type(exc).__name__}: {exc}", title="context", severity="error")
        return False
    old = app.region_set
    kind = app.current_kind if app.current_kind in REGIONAL_VIEWS else "jobs"
    app.region_set = region_set
    await _drop_views(app)
    app.header.context_label = f"{app.services.context.label} +{len(regions) - 1}"
    app.show_view(kind)
    if old is not None:
        await old.close()
    app.notify(f"{', '.join(regions)} side by side in :jobs and :all", title="context", timeout=3)
    return True

"""The Textual app: header, resource views behind a `:` command bar, `/` filter, footer."""

from __future__ import annotations

import gc
import logging
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import ContentSwitcher
from textual.worker import Worker, WorkerState

from hybridml import clock
from hybridml.actions.base import ReadOnlyRefused
from hybridml.audit import AuditError
from hybridml.aws.errors import AwsError
from hybridml.debuglog import LOGGER
from hybridml.domain.batch import Job
from hybridml.domain.context import AwsContext
from hybridml.domain.logs import LogSource
from hybridml.regions import RegionSet
from hybridml.render.header import freshness
from hybridml.services import Services
from hybridml.triage.watches import Alert
from hybridml.tui import keys
from hybridml.tui import views as view_registry
from hybridml.tui.commands import HybridCommands
from hybridml.tui.keygate import KeyGate, KeyGuard
from hybridml.tui.refresh import CHECK_S, RefreshSchedule
from hybridml.tui.widgets.command_bar import CommandBar
from hybridml.tui.widgets.key_footer import KeyFooter
from hybridml.tui.widgets.plain import PlainNotifyApp
from hybridml.tui.widgets.resource_view import ResourceView, Scope
from hybridml.tui.widgets.status_header import StatusHeader

if TYPE_CHECKING:
    from hybridml.launch.launcher import Launcher

START_VIEW = "jobs"
QUIT_COMMANDS = ("quit", "q!")
STALLED_AFTER_S = 3.0
FOCUS_TRIES = 20  # frames a focus refused for no known reason is retried before held keys are let go
log = logging.getLogger(LOGGER)
WATCH_TOAST_CHARS = 72  # the first new alert, whole when it is a line long (its cost, its age), for a few seconds
WATCH_TOAST_S = 3.0  # a new watch alert's toast; the alert itself stays in the header


def watch_toast(new: list[Alert]) -> tuple[str, str]:
    """The toast of new watch alerts (title, one line): the first alert and how many came; the list is in the
    header."""
    first = new[0].text if len(new[0].text) <= WATCH_TOAST_CHARS else new[0].text[: WATCH_TOAST_CHARS - 1] + "…"
    return f"🔔 {len(new)} new alert{'s' if len(new) > 1 else ''} (header)", first


class HybridApp(PlainNotifyApp):
    CSS_PATH = "app.tcss"
    TITLE = "hybridml"
    COMMANDS = App.COMMANDS | {HybridCommands}
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[Binding]] = keys.bindings("app")  # type: ignore[assignment]

    def __init__(
        self,
        services: Services,
        start_view: str = START_VIEW,
        *,
        debug_log: Path | None = None,
        fleet_ready: threading.Event | None = None,
        all_regions: bool = False,
    ) -> None:
        super().__init__()
        self.services = services
        self.all_regions = all_regions  # `--all-regions`: start with :jobs / :all side by side
        self.region_set: RegionSet | None = None  # set while regions are shown side by side
        self.start_view = start_view
        self.debug_log = debug_log
        self.fleet_ready = fleet_ready  # the demo fleet's child seeds the rest after the first screen
        self.views: dict[str, ResourceView[Any]] = {}
        self.history: list[tuple[str, Scope | None]] = []  # esc walks it back (50 kept)
        self.contexts_used: list[AwsContext] = []  # contexts switched away from (`:ctx` offers them back)
        self.levels: list[tuple[str, Scope | None]] = []  # the views drilled in from (enter); `q` climbs them
        self.current_kind = ""
        self.last_problem = ""
        self._launcher: Launcher | None = None
        self.alerts: list[Alert] = []
        self.alert_keys: set[str] = set()
        self.bells = 0
        self.watched = False  # the first watch run waits for the first view to load (not to slow it down)
        self.painted = False  # the first view showed rows (or its error): start-up reads may start
        self.schedule = RefreshSchedule(services.settings.ui.refresh_s, services.session.budget)
        self.key_gate = KeyGate(self)
        self.internal_errors = 0

    @property
    def launcher(self) -> Launcher:
        """The YOLO launcher (callback receiver and runs), created on first use."""
        if self._launcher is None:
            from hybridml.launch.launcher import Launcher

            self._launcher = Launcher(self.services)
        return self._launcher

    # -- layout -----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield StatusHeader(id="status-header")
        yield ContentSwitcher(id="views")
        commands = list(view_registry.VIEWS) + list(view_registry.ALIASES) + ["quit", "q!", "help", "ctx"]
        yield CommandBar(commands, id="command-bar")
        yield KeyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        # What exists now (imported modules, botocore's service models, Textual) lives as long as the app.
        # Freezing it keeps it out of the collector's full passes, which otherwise walk it all again every
        # few refreshes of a big fleet and stall the event loop (keys wait) for hundreds of milliseconds.
        gc.freeze()
        # A refresh of a big fleet allocates tens of thousands of short-lived objects: collect the young
        # generation less often, and the old one (a full pass, the long pause) far less often.
        gc.set_threshold(20_000, 20, 100)
        self.theme = (
            self.services.settings.ui.theme
            if self.services.settings.ui.theme in self.available_themes
            else "textual-dark"
        )
        if self.services.settings.keymap:  # validated before the app started (cli: keys.validate_keymap)
            self.set_keymap(self.services.settings.keymap)
        header = self.header
        target = self.services.session.target
        header.aws_region, header.aws_endpoint, header.aws_profile = target.region, target.endpoint, target.profile
        header.mode = " ".join(
            m for m, on_ in (("DEMO", self.services.demo), ("READ-ONLY", self.services.read_only)) if on_
        )
        header.budget = header.budget_configured = self.services.session.budget.per_min
        self.show_view(self.start_view)
        # refreshes follow the API budget's cadence; this only checks whether the next one is due
        self.refresh_timer = self.set_interval(CHECK_S, self._refresh_due)
        self.header_timer = self.set_interval(1.0, self.tick_header)
        self.set_interval(0.25, self.key_gate.watchdog)
        if self.services.settings.watches.enabled:
            self.set_interval(self.services.settings.watches.interval_s, self.run_watches)
        if self.all_regions:
            self.open_contexts("*")
        if self.fleet_ready is not None and not self.fleet_ready.is_set():
            self._wait_for_fleet(self.fleet_ready)

    @work(thread=True, exit_on_error=False, group="demo-fleet")
    def _wait_for_fleet(self, ready: threading.Event) -> None:
        """The demo fleet finished seeding: one full refresh shows what came after the first screen."""
        ready.wait()
        if self.is_running:
            self.call_from_thread(self.action_refresh)

    def _after_first_paint(self) -> None:
        """What the first screen does not need waits until it is painted: the account id and the permission
        probes (one call per pane) would otherwise compete with the first page of jobs."""
        if self.painted:
            return
        self.painted = True
        self.load_account()
        self.check_permissions()

    # -- keys: one at a time, in typing order, never to a dialog that was not showing yet ------------------
    async def on_event(self, event: events.Event) -> None:
        if not isinstance(event, events.Key):
            await super().on_event(event)
            return
        if event.is_forwarded:  # back from the focused widget: the bindings run now, then the key is done
            await super().on_event(event)
            self.key_gate.finished(event)
            return
        key = self.key_gate.admit(event)
        if key is None:
            return  # held: replayed once the key before it (or the focus) has settled
        screen = self.screen
        if isinstance(screen, KeyGuard) and screen.typed_before_opened(key):
            self.key_gate.drop(key)  # typed before this dialog existed: meant for what was there before
            return
        if isinstance(screen, KeyGuard) and screen.ready_at is None:
            self.key_gate.defer(key, "dialog")  # the dialog is appearing: its safe default first
            return
        await super().on_event(key)
        if not key.is_forwarded:  # a priority binding (or nothing) took it here
            self.key_gate.finished(key)

    # -- views ------------------------------------------------------------------------------------
    def _header_mounted(self) -> bool:
        return bool(self.is_running and self.query(StatusHeader))

    @property
    def header(self) -> StatusHeader:
        return self.query_one(StatusHeader)

    @property
    def active_view(self) -> ResourceView[Any] | None:
        return self.views.get(self.current_kind)

    def show_view(self, kind: str, scope: object | None = None, *, remember: bool = True) -> None:
        assert scope is None or isinstance(scope, Scope)
        self.key_gate.hold("focus")  # typed-ahead keys wait for the new view's table to have the focus
        if remember and self.current_kind:
            current = self.active_view
            self.history.append((self.current_kind, current.scope if current else None))
            del self.history[:-50]
        switcher = self.query_one(ContentSwitcher)
        view = self.views.get(kind)
        if view is None:
            view = self.view_class(kind)(self.services, scope=scope, id=f"view-{kind}")
            self.views[kind] = view
            switcher.mount(view)
            self.call_after_refresh(view.reload)
        elif view.scope != scope:
            view.set_scope(scope)
            view.reload()
        else:
            self.schedule.shown(view)
        self.current_kind = kind
        switcher.current = view.id
        self.header.view_name = kind + (f" {scope}" if scope else "")
        self.call_after_refresh(self._focus_view)

    def view_class(self, kind: str) -> type[ResourceView[Any]]:
        """The view for `kind`: with regions side by side, :jobs and :all are their regional versions."""
        if self.region_set is not None:
            from hybridml.tui.views.regional import REGIONAL_VIEWS

            if kind in REGIONAL_VIEWS:
                return REGIONAL_VIEWS[kind]
        return view_registry.VIEWS[kind]

    def _focus_view(self, tries: int = 0) -> None:
        """Give the table the focus, then let held keys go (they follow the focus change in the queue). The hold
        ends only once the focus has landed: Textual refuses the focus to a table that is still loading, and keys
        let go before then would reach the view left behind (`q` went back, `e` opened its confirm)."""
        view = self.active_view
        if view is not None and not view.is_mounted:
            self.call_after_refresh(self._focus_view)
            return
        if view is None or len(self.screen_stack) != 1 or self.focused is view.table:
            self.key_gate.release("focus")
            return
        view.table.focus()
        self.call_after_refresh(self._focus_landed, view, tries)

    def _focus_landed(self, view: ResourceView[Any], tries: int) -> None:
        if view is not self.active_view or len(self.screen_stack) != 1 or self.focused is view.table:
            self.key_gate.release("focus")
        elif view.table.loading:
            pass  # `_loaded` / `_load_failed` give it the focus when the rows are in (the keys stay held)
        elif tries < FOCUS_TRIES:
            self._focus_view(tries + 1)
        else:  # refused for another reason: the keys go where the focus is rather than wait for ever
            self.key_gate.release("focus")

    def show_job(self, job_id: str) -> None:
        """Open the jobs view with `job_id` selected (a job just submitted)."""
        self.services.batch.invalidate_jobs()
        self.show_view("jobs")
        view = self.views["jobs"]
        from hybridml.tui.views.jobs import JobsView

        if isinstance(view, JobsView):
            view.select_job(job_id)

    def refresh_active_view(self) -> None:
        view = self.active_view
        if view is not None and len(self.screen_stack) == 1:  # not while a detail screen covers it
            view.refresh_tick()

    def _refresh_due(self) -> None:
        view = self.active_view
        if self.schedule.due(view, covered=len(self.screen_stack) > 1) and view is not None:
            view.refresh_tick()

    def tick_header(self) -> None:
        headers = self.query(StatusHeader)
        if not headers:  # the timer can fire once more while the app shuts down
            return
        header = headers.first()
        view = self.active_view
        now = time.monotonic()
        if view is not None:
            error = view.error
            fresh = freshness(
                age_s=None if view.loaded_at is None else now - view.loaded_at,
                error_kind=error.kind if error is not None else "",
                service=(error.service if error is not None else "") or view.service,
                waiting_s=now - view.loading_since if view.loading_since is not None else 0.0,
                stalled_after_s=STALLED_AFTER_S,
            )
            header.freshness, header.stale = fresh.text, fresh.stale
        budget = self.services.session.budget
        header.api_rate, header.budget = budget.used(), budget.limit

    @work(exclusive=True, group="account", exit_on_error=False)
    async def load_account(self) -> None:
        try:
            self.header.account = await self.services.session.account_id()
        except AwsError as exc:
            self.header.account = "?"
            self.report_problem(str(exc))

    @work(exclusive=True, group="permissions", exit_on_error=False)
    async def check_permissions(self) -> None:
        """One cheap read per pane; denied panes are named in the header and their views say so."""
        from hybridml.aws.permissions import check_permissions

        self.services.permissions = await check_permissions(self.services.session)
        denied = sorted(self.services.denied_services())
        if not self._header_mounted():
            return
        self.header.denied = ", ".join(denied)
        if denied:
            needs = ", ".join(self.services.permissions[s].permission for s in denied)
            self.notify(f"these panes are not readable: {', '.join(denied)} (needs {needs})", title="permissions")
            view = self.active_view
            if view is not None and view.service in denied:
                view.reload()

    @work(exclusive=True, group="watches", exit_on_error=False)
    async def run_watches(self) -> None:
        """Evaluate the `[watches]` thresholds; a new alert rings the bell once and shows in the header."""

        from hybridml.snapshot import gather_context
        from hybridml.triage.watches import evaluate, summary

        budget = self.services.session.budget
        if budget.used() >= 0.9 * budget.limit:  # the budget is nearly spent: the views come first
            return
        try:
            interval = self.services.settings.watches.interval_s  # the views' reads, when that fresh, will do
            ctx = await gather_context(
                self.services,
                details=False,
                quotas=False,
                training=False,
                endpoint_details=False,  # status and times are what the endpoint watch needs
                max_age_s=interval,
                idle_h=self.services.settings.watches.idle_endpoint_h,
            )
        except AwsError as exc:
            self.report_problem(str(exc))
            return
        if not self._header_mounted():  # the app is closing
            return
        self.alerts = evaluate(ctx, self.services.settings.watches, clock.utcnow())
        keys_now = {a.key for a in self.alerts}
        new = [a for a in self.alerts if a.key not in self.alert_keys]
        self.alert_keys = keys_now
        self.header.alerts = summary(self.alerts)
        if new:
            if self.services.settings.watches.bell:
                self.bell()
                self.bells += 1
            # one short line for a few seconds: the alerts themselves stay in the header (never a toast over the table)
            title, first = watch_toast(new)
            self.notify(first, title=title, severity="warning", timeout=WATCH_TOAST_S)

    # -- errors: one place ------------------------------------------------------------------------
    def report_problem(self, message: str) -> None:
        """What AWS or the network did: the header, and a notification when it is new."""
        if not self._header_mounted():  # a worker finishing while the app closes
            return
        self.header.problem = message[:300]  # the header shortens it to fit
        if message != self.last_problem:
            self.notify(message, title="AWS", severity="error", timeout=8)
        self.last_problem = message

    def report_failure(self, error: BaseException, what: str) -> None:
        """A worker or a flow failed. AWS / read-only / audit failures are said plainly; anything else is a bug:
        it is shown as one, with its traceback in the debug log."""
        if isinstance(error, ReadOnlyRefused):
            self.notify(str(error), title="read-only", severity="error")
        elif isinstance(error, AwsError | AuditError):
            self.report_problem(str(error))
        else:
            self.internal_errors += 1
            log.error("internal error in %s", what, exc_info=error)
            where = f"traceback in {self.debug_log}" if self.debug_log else "no debug log is kept (debug_log)"
            self.notify(
                f"internal error in {what}: {error.__class__.__name__}: {error} ({where})",
                title="bug",
                severity="error",
                timeout=15,
            )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state is WorkerState.ERROR and worker.error is not None:
            self.report_failure(worker.error, worker.name or worker.group)

    @on(ResourceView.Loaded)
    def _loaded(self, event: ResourceView.Loaded) -> None:
        self._after_first_paint()
        if not self.watched and self.services.settings.watches.enabled:
            self.watched = True
            self.run_watches()
        if event.view is self.active_view:
            self.schedule.loaded(event.view)
            if self.focused is None or "focus" in self.key_gate.holds:
                self._focus_view()
            if event.view.partial is not None:  # read in part: the rest shows its last good rows
                # in the header, not as a toast: under a flaky network the parts not read change every refresh
                self.header.problem = event.view.partial[1][:80]
                self.last_problem = ""
            else:
                self.header.problem = ""
                self.last_problem = ""
            self.tick_header()

    @on(ResourceView.LoadFailed)
    def _load_failed(self, event: ResourceView.LoadFailed) -> None:
        self._after_first_paint()
        if event.view is self.active_view:
            self.schedule.loaded(event.view)
        if event.view is self.active_view and (self.focused is None or "focus" in self.key_gate.holds):
            self._focus_view()  # the view's keys (n, r, ...) work while the endpoint is down
        self.report_problem(str(event.error))

    @on(ResourceView.Drill)
    def _drill(self, event: ResourceView.Drill) -> None:
        current = self.active_view
        if current is not None:
            self.levels.append((self.current_kind, current.scope))
        self.show_view(event.kind, event.scope)

    # -- command bar ------------------------------------------------------------------------------
    def _back_to_views(self) -> None:
        """The bar lives on the main screen: close detail screens first (like k9s)."""
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def action_command_bar(self) -> None:
        self._back_to_views()
        self.query_one(CommandBar).open("command")

    def action_filter_bar(self) -> None:
        self._back_to_views()
        view = self.active_view
        self.query_one(CommandBar).open("filter", view.filter_text if view else "")

    @on(CommandBar.Entered)
    def _bar_submitted(self, event: CommandBar.Entered) -> None:
        if event.mode == "command":
            self.run_command(event.value)
        else:
            self.apply_filter(event.value)
        self._focus_view()

    @on(CommandBar.Edited)
    def _bar_changed(self, event: CommandBar.Edited) -> None:
        if event.mode == "filter":
            view = self.active_view
            if view is not None:
                view.set_filter(event.value)  # live; the warning is shown on enter

    @on(CommandBar.Dismissed)
    def _bar_cancelled(self, event: CommandBar.Dismissed) -> None:
        self._focus_view()

    def apply_filter(self, text: str) -> None:
        view = self.active_view
        if view is None:
            return
        warning = view.set_filter(text)
        if warning:
            self.notify(warning, title="filter", severity="warning")

    def run_command(self, text: str) -> None:
        if not text:
            return
        name, _, arg = text.partition(" ")
        if name in QUIT_COMMANDS:  # `:q` is the queues view (as README and help say)
            self.exit(0)
            return
        if name in ("help", "h"):
            self.action_help()
            return
        if name in ("ctx", "context"):
            self.open_contexts(arg.strip())
            return
        kind = view_registry.resolve(name)
        if kind is None:
            known = ", ".join(sorted(view_registry.VIEWS))
            self.notify(f"unknown command '{name}'. Try one of: {known}", title="command", severity="error")
            return
        self.levels.clear()  # a `:` view is a top view: `q` there quits
        self.show_view(kind, None)
        if arg.strip():
            self.apply_filter(arg.strip())

    # -- actions ----------------------------------------------------------------------------------
    def action_refresh(self) -> None:
        """`r`: read everything again (a full resync of the jobs, cached reads too)."""
        self.services.batch.invalidate_jobs()
        view = self.active_view
        if view is not None:
            view.reload()
        if self.services.settings.watches.enabled:
            self.run_watches()

    def action_go_back(self) -> None:
        view = self.active_view
        if view is not None and view.filter_text:
            view.set_filter("")
            return
        if self.history:
            kind, scope = self.history.pop()
            if self.levels and self.levels[-1] == (kind, scope):
                self.levels.pop()  # back to the view drilled in from
            else:
                self.levels.clear()
            self.show_view(kind, scope, remember=False)
        elif view is not None and view.scope is not None:
            view.set_scope(None)
            view.reload()
            self.header.view_name = self.current_kind

    def action_back_or_quit(self) -> None:
        """`q`: one level up (the view this one was drilled in from); from a top view, quit. It never walks the
        history of every view visited (esc does, one step at a time)."""
        if not self.levels:
            self.exit(0)
            return
        kind, scope = self.levels.pop()
        if self.history and self.history[-1] == (kind, scope):
            self.history.pop()
        self.show_view(kind, scope, remember=False)

    def action_drill(self) -> None:
        view = self.active_view
        if view is not None and view.selected is not None:
            view.drill(view.selected)

    @work(exclusive=True, group="describe", exit_on_error=False)
    async def action_describe(self) -> None:
        from hybridml.tui.screens.json_view import JsonScreen

        view = self.active_view
        item = view.selected if view is not None else None
        if view is None or item is None:
            self.notify("nothing selected", severity="warning")
            return
        try:
            body = await view.describe_json(item)
        except NotImplementedError:
            self.notify(f"{view.kind}: no raw description", severity="warning")
            return
        except AwsError as exc:
            self.report_problem(str(exc))
            return
        self.push_screen(JsonScreen(f"{view.kind} {view.display_name(item)}", body))

    def action_open_logs(self) -> None:
        """`l` where the view does not offer it (a row without logs): say why."""
        view = self.active_view
        if len(self.screen_stack) == 1 and view is not None:
            self.open_logs_of(view)

    def open_logs_of(self, view: ResourceView[Any]) -> None:
        """The live log view of the view's selected row (views say what via `log_source`), or why there is none."""
        from hybridml.tui.screens.log_view import open_logs

        item = view.selected
        if item is None:
            self.notify("nothing selected", severity="warning")
            return
        source = view.log_source(item)
        if source is None:
            self.notify(view.no_logs_reason(item), severity="warning", timeout=4)
            return
        services = view.services_for(item)
        if services is not self.services:  # a row of another region
            from hybridml.tui.screens.log_view import LogScreen

            self.push_screen(LogScreen(services, source))
            return
        open_logs(self, source)

    def open_job_logs(self, job: Job) -> None:
        """Logs of one Batch job (array children call this)."""
        from hybridml.tui.screens.log_view import open_logs

        open_logs(self, LogSource.batch_job(job.job_id))

    def action_explain(self) -> None:
        from hybridml.tui.screens.explain import ExplainScreen, explain_target

        view = self.active_view
        item = view.selected if view is not None else None
        custom = getattr(view, "explain", None)  # views whose `t` opens their own diagnosis (pipelines, monitors)
        if item is not None and callable(custom) and custom(item):
            return
        target = explain_target(view.explain_item(item)) if view is not None and item is not None else None
        if target is None:
            local = view is not None and view.kind == "launches" and item is not None
            what = "a local launch has no Batch job to explain (its output: l)" if local else ""
            self.notify(what or "select a job, endpoint or training job to explain", severity="warning")
            return
        assert view is not None and item is not None
        self.push_screen(ExplainScreen(view.services_for(item), *target))

    def act(self, host: Widget, action_id: str) -> None:
        from hybridml.tui.screens.flows import act

        act(host, action_id)

    # -- contexts (:ctx) ---------------------------------------------------------------------------------
    @work(exclusive=True, group="context", exit_on_error=False)
    async def open_contexts(self, wanted: str = "") -> None:
        """`:ctx` lists the contexts; `:ctx NAME` switches at once; `:ctx *` shows regions side by side."""
        from hybridml.tui.context_switch import open_contexts

        await open_contexts(self, wanted)

    def action_help(self) -> None:
        from hybridml.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.screen, self._keymap))

    async def action_quit(self) -> None:
        self.exit(0)

    async def on_unmount(self) -> None:
        if self.region_set is not None:
            await self.region_set.close()
        if self._launcher is not None:
            await self._launcher.close()
        await self.services.close()

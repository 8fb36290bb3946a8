"""One registry of keys: every binding of the app, its views and its screens, plus the keys of the actions in
`hybridml.actions.SPECS`. Each widget's BINDINGS come from here (`bindings(scope)`); the palette and `?` read
the live bindings (so a `[keymap]` rebind shows everywhere); README's key table is `markdown()`:

    python -m hybridml.tui.keys --markdown

`validate_keymap` checks a `[keymap]` before the app starts: an unknown binding id, a key Textual cannot
name, or a rebind that collides with another key of the same screen is an error that names it.
"""

from __future__ import annotations

import sys
import unicodedata
from dataclasses import dataclass
from functools import cache

from textual.binding import Binding
from textual.keys import Keys, _character_to_key, _normalize_key_list

from hybridml.actions import SPECS

# Scopes: "app" (everywhere on the main screen), "view" (every table view), a view kind, or a screen.
SCOPES: dict[str, str] = {
    "app": "everywhere",
    "view": "every table view",
    "table": "every table view: the rows",
    "jobs": ":jobs",
    "queues": ":queues",
    "ce": ":ce",
    "jobdefs": ":jobdefs",
    "endpoints": ":endpoints",
    "training": ":training",
    "pipelines": ":pipelines",
    "executions": ":executions",
    "tuning": ":tuning",
    "monitors": ":monitors",
    "versions": ":versions",
    "notebooks": ":notebooks",
    "triage": ":triage",
    "launches": ":launches",
    "job-detail": "job detail (enter on a job)",
    "array-children": "array children (enter on an array job)",
    "endpoint-detail": "endpoint detail",
    "training-detail": "training job detail",
    "pipeline-run": "pipeline run (enter on a run)",
    "tuning-detail": "tuning job detail",
    "monitor-runs": "monitor runs (enter on a schedule)",
    "violations": "monitor run explained (t)",
    "explain": "explain (t)",
    "logs": "log view (l)",
    "log-pane": "log view: the lines",
    "json": "describe (d)",
    "help": "help (?)",
    "launch-result": "launch result",
    "compare": "compare targets (C on :launches)",
    "confirm": "confirm dialog",
    "progress": "progress dialog",
    "submit": "submit form",
    "invoke": "invoke form",
    "form": "other forms (scale, weights, values, clone, launch)",
    "command-bar": "command / filter bar",
}
VIEW_KINDS = (
    "jobs",
    "queues",
    "ce",
    "jobdefs",
    "endpoints",
    "training",
    "pipelines",
    "executions",
    "tuning",
    "monitors",
    "versions",
    "notebooks",
    "triage",
    "launches",
)
LOG_WINDOWS: dict[str, tuple[str, int | None]] = {  # key -> (label, seconds back; None = from the start)
    "0": ("start", None),
    "1": ("1m", 60),
    "2": ("5m", 300),
    "3": ("15m", 900),
    "4": ("30m", 1800),
    "5": ("1h", 3600),
}
ENDPOINT_WINDOWS: dict[str, str] = {"1": "1h", "6": "6h", "2": "24h"}


@dataclass(frozen=True, slots=True)
class Key:
    id: str  # the binding id: what [keymap] rebinds
    key: str  # default key(s), comma separated, Textual names
    action: str  # the Textual action it runs
    description: str  # footer and palette
    scope: str
    show: bool = True  # in the footer
    help: str = ""  # `?` and README (default: the description)

    @property
    def help_text(self) -> str:
        return self.help or self.description

    def binding(self) -> Binding:
        return Binding(self.key, self.action, self.description, show=self.show, id=self.id, tooltip=self.help)


def _k(scope: str, id_: str, key: str, action: str, description: str, help_: str = "", show: bool = True) -> Key:
    return Key(id_, key, action, description, scope, show, help_)


KEYS: tuple[Key, ...] = (
    _k(
        "app",
        "app.command",
        "colon",
        "command_bar",
        "Command",
        "command bar: jobs, queues, ce, jobdefs, endpoints, training, smjobs, pipelines, executions, tuning, "
        "monitors, models, versions, notebooks, triage, all, launches (`:jobs text` opens filtered)",
    ),
    _k("app", "app.filter", "slash", "filter_bar", "Filter", "filter the current view (case-insensitive regex, live)"),
    _k("app", "app.open", "enter", "drill", "Open", "drill in: CE → queues → jobs → detail", show=False),
    _k("app", "app.describe", "d", "describe", "Describe", "describe: the raw AWS JSON of the selected resource"),
    _k(
        "app",
        "app.logs",
        "l",
        "open_logs",
        "Logs",
        "live logs of the selected job, training job, endpoint or monitor run",
        show=False,
    ),
    _k("app", "app.refresh", "r", "refresh", "Refresh", "refresh now (views also refresh every ui.refresh_s)"),
    _k(
        "app",
        "app.explain",
        "t",
        "explain",
        "Explain",
        "explain: why is the selected workload stuck (triage); a pipeline run: its first failed step and reason; "
        "a monitor: its last run's violations report or failure",
    ),
    _k("app", "app.back", "escape", "go_back", "Back", "clear the filter, else go back", show=False),
    _k("app", "app.help", "question_mark", "help", "Help", "this help"),
    _k(
        "app",
        "app.palette",
        "ctrl+p",
        "command_palette",
        "palette",
        "command palette: views and the keys of the screen in front",
        show=False,
    ),
    _k("app", "app.quit", "q", "back_or_quit", "Quit", "back, or quit from the first view"),
    _k("view", "view.sort", "o", "sort_next", "Sort", "sort by the next column"),
    _k("view", "view.sort_reverse", "O", "sort_reverse", "Reverse", "reverse the sort", show=False),
    _k("jobs", "jobs.mark", "space", "toggle_mark", "Mark", "mark / unmark the job for bulk actions"),
    _k("jobs", "jobs.unmark", "U", "clear_marks", "Unmark all", "clear every mark", show=False),
    *(
        _k(kind, "app.logs", "l", "app.open_logs", "Logs", "live logs")
        for kind in ("jobs", "endpoints", "training", "monitors")
    ),
    _k("launches", "app.logs", "l", "app.open_logs", "Logs", "the run's CloudWatch logs (Batch, processing, endpoint)"),
    _k("pipelines", "pipelines.logs", "l", "step_logs", "Logs", "the logs of the newest run's failed step's job"),
    _k("pipelines", "pipelines.executions", "x", "executions", "Executions", "the pipeline's runs (:executions)"),
    _k("executions", "executions.logs", "l", "step_logs", "Logs", "the logs of the run's failed step's job"),
    _k("job-detail", "detail.back", "escape,q", "app.pop_screen", "Back", "back"),
    _k("job-detail", "detail.describe", "d", "describe", "Describe", "raw DescribeJobs JSON"),
    _k("job-detail", "detail.logs", "l", "logs", "Logs", "live logs of the job"),
    _k("job-detail", "detail.refresh", "r", "reload", "Refresh", "read the job again"),
    _k("array-children", "array.back", "escape,q", "app.pop_screen", "Back", "back"),
    _k("array-children", "array.open", "enter", "open_child", "Detail", "the child's detail"),
    _k("array-children", "array.logs", "l", "logs", "Logs", "the child's live logs"),
    _k("array-children", "array.refresh", "r", "reload", "Refresh", "list the children again"),
    _k("endpoint-detail", "endpoint.back", "escape,q", "app.pop_screen", "Back", "back"),
    _k("endpoint-detail", "endpoint.describe", "d", "describe", "Describe", "raw DescribeEndpoint JSON"),
    _k("endpoint-detail", "endpoint.refresh", "r", "reload", "Refresh", "read the endpoint and its metrics again"),
    *(
        _k(
            "endpoint-detail",
            f"endpoint.window_{label}",
            key,
            f"window('{label}')",
            label,
            f"metrics of the last {label}",
        )
        for key, label in ENDPOINT_WINDOWS.items()
    ),
    _k("training-detail", "trainingdetail.back", "escape,q", "app.pop_screen", "Back", "back"),
    _k("training-detail", "trainingdetail.describe", "d", "describe", "Describe", "raw DescribeTrainingJob JSON"),
    _k("training-detail", "trainingdetail.refresh", "r", "reload", "Refresh", "read the job and its curves again"),
    _k("pipeline-run", "execution.back", "escape,q", "app.pop_screen", "Back", "back"),
    _k("pipeline-run", "execution.logs", "l", "logs", "Step logs", "the selected step's job logs"),
    _k("pipeline-run", "execution.failed_step", "t", "failed_step", "Failed step", "select the first failed step"),
    _k("pipeline-run", "execution.describe", "d", "describe", "Describe", "raw DescribePipelineExecution JSON"),
    _k("pipeline-run", "execution.refresh", "r", "reload", "Refresh", "read the run and its steps again"),
    _k("tuning-detail", "tuningdetail.back", "escape,q", "app.pop_screen", "Back", "back"),
    _k("tuning-detail", "tuningdetail.open", "enter", "open_job", "Training job", "the training job's detail", False),
    _k("tuning-detail", "tuningdetail.logs", "l", "logs", "Logs", "the selected training job's logs"),
    _k("tuning-detail", "tuningdetail.describe", "d", "describe", "Describe", "raw DescribeHyperParameterTuningJob"),
    _k("tuning-detail", "tuningdetail.refresh", "r", "reload", "Refresh", "read the job and its training jobs again"),
    _k("monitor-runs", "monitordetail.back", "escape,q", "app.pop_screen", "Back", "back"),
    _k("monitor-runs", "monitordetail.explain", "t", "explain", "Explain run", "the run's violations or failure"),
    _k("monitor-runs", "monitordetail.logs", "l", "logs", "Logs", "the run's processing job logs"),
    _k("monitor-runs", "monitordetail.describe", "d", "describe", "Describe", "raw DescribeMonitoringSchedule"),
    _k("monitor-runs", "monitordetail.refresh", "r", "reload", "Refresh", "read the runs again"),
    _k("violations", "violations.back", "escape,q", "app.pop_screen", "Back", "back"),
    _k("violations", "violations.logs", "l", "logs", "Logs", "the run's processing job logs"),
    _k("violations", "violations.refresh", "r", "reload", "Refresh", "read the report again"),
    _k("explain", "explain.back", "escape,q", "app.pop_screen", "Back", "back"),
    _k("explain", "explain.next", "n", "next_finding", "Next", "select the next finding with a fix"),
    _k("explain", "explain.previous", "N", "previous_finding", "Previous", "the previous one", show=False),
    _k("explain", "explain.refresh", "r", "reload", "Refresh", "read Batch, SageMaker and quotas again"),
    _k("logs", "logs.back", "escape", "back", "Back", "close the search / filter input, else back"),
    _k("logs", "logs.quit", "q", "app.pop_screen", "Back", "back", show=False),
    _k("logs", "logs.follow", "f", "toggle_follow", "Follow", "follow on/off (scrolling up pauses it; G resumes)"),
    _k("logs", "logs.wrap", "w", "toggle_wrap", "Wrap", "wrap long lines"),
    _k("logs", "logs.timestamps", "T", "toggle_timestamps", "Timestamps", "show timestamps (UTC)"),
    _k("logs", "logs.search", "slash", "open_input('search')", "Search", "search (regex, highlighted)"),
    _k("logs", "logs.next", "n", "next_match", "Next match", "next match"),
    _k("logs", "logs.previous", "N", "previous_match", "Previous match", "previous match", show=False),
    _k("logs", "logs.filter", "ampersand", "open_input('filter')", "Filter lines", "show only matching lines"),
    _k("logs", "logs.error", "e", "next_error", "Next error", "jump to the next ERROR / Traceback"),
    _k("logs", "logs.save", "S", "save", "Save", "save the lines shown to a file (ui.log_save_dir)"),
    _k("logs", "logs.top", "g", "top", "Top", "top", show=False),
    _k("logs", "logs.bottom", "G", "bottom", "Bottom", "bottom (resumes follow)", show=False),
    *(
        _k("logs", f"logs.since_{label}", key, f"window('{key}')", f"Since {label}", f"time window: {label}", False)
        for key, (label, _) in LOG_WINDOWS.items()
    ),
    _k("table", "table.up", "up", "cursor_up", "Up", "cursor up", show=False),
    _k("table", "table.down", "down", "cursor_down", "Down", "cursor down", show=False),
    _k("table", "table.page_up", "pageup", "page_up", "Page up", "a page up", show=False),
    _k("table", "table.page_down", "pagedown", "page_down", "Page down", "a page down", show=False),
    _k("table", "table.top", "home", "cursor_top", "Top", "first row", show=False),
    _k("table", "table.bottom", "end", "cursor_bottom", "Bottom", "last row", show=False),
    _k(
        "table",
        "table.left",
        "left",
        "scroll_sideways(-4)",
        "Left",
        "scroll left (columns wider than the screen)",
        False,
    ),
    _k("table", "table.right", "right", "scroll_sideways(4)", "Right", "scroll right", show=False),
    _k("table", "table.select", "enter", "select_cursor", "Open", "open the row under the cursor", show=False),
    _k("log-pane", "logs.down", "j", "scroll_down", "Down", "scroll down", show=False),
    _k("log-pane", "logs.up", "k", "scroll_up", "Up", "scroll up", show=False),
    _k("json", "json.back", "escape,q", "app.pop_screen", "Back", "back"),
    _k("json", "json.top", "g", "top", "Top", "top", show=False),
    _k("json", "json.bottom", "G", "bottom", "Bottom", "bottom", show=False),
    _k("help", "help.close", "escape,q,question_mark", "app.pop_screen", "Close", "close"),
    _k("launch-result", "launch_result.back", "escape,q", "app.pop_screen", "Back", "back"),
    _k(
        "launches",
        "launches.compare",
        "C",
        "compare",
        "Compare",
        "Batch or SageMaker? the selected run's video on every target: wait, run time, cost, dogs found, verdict",
    ),
    _k("compare", "compare.back", "escape,q", "app.pop_screen", "Back", "back"),
    _k("compare", "compare.refresh", "r", "reload", "Refresh", "read the AWS runs' states and times again"),
    _k("confirm", "confirm.cancel", "escape", "cancel", "Cancel", "cancel: nothing is sent (the default button)"),
    _k("progress", "progress.close", "escape,q", "close", "Close", "close once every result is in"),
    _k("submit", "submit.send", "ctrl+s", "submit", "Submit", "review and submit (a confirm shows the request)"),
    _k("submit", "submit.cancel", "escape", "cancel", "Cancel", "close the form; nothing is sent"),
    _k("invoke", "invoke.send", "ctrl+s", "send", "Send", "send the payload (InvokeEndpoint)"),
    _k("invoke", "invoke.back", "escape", "app.pop_screen", "Back", "back"),
    _k("form", "form.cancel", "escape", "cancel", "Cancel", "close the form; nothing is sent"),
    _k("form", "form.submit", "ctrl+s", "submit", "Review", "review what will be sent"),
    _k("command-bar", "bar.cancel", "escape", "cancel", "Cancel", "close the bar (a filter stays as typed)"),
)


def action_keys() -> list[Key]:
    """The keys of the actions registry, one per view or screen the action applies to."""
    return [
        Key(spec.id, spec.key, f"act('{spec.id}')", spec.description, view, spec.show, spec.help_text)
        for spec in SPECS.values()
        if spec.key
        for view in spec.views
    ]


@cache
def all_keys() -> tuple[Key, ...]:
    return (*KEYS, *action_keys())


def bindings(scope: str) -> list[Binding]:
    """The BINDINGS of the widget or screen that owns `scope`."""
    return [key.binding() for key in all_keys() if key.scope == scope]


# -- [keymap] validation ---------------------------------------------------------------------------------------
_MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")


@cache
def key_names() -> frozenset[str]:
    """Every key name Textual can produce: its named keys and each printable ASCII character, with its name."""
    names = {k.value for k in Keys}
    for code in range(32, 127):
        char = chr(code)
        names.add(char)
        names.add(_character_to_key(char))
        names.add(unicodedata.name(char).lower().replace(" ", "_").replace("-", "_"))
    return frozenset(names)


def key_problem(keys: str) -> str | None:
    """Why `keys` (e.g. "ctrl+r" or "f5,r") is not a key Textual can bind; None when it is."""
    for part in keys.split(","):
        name = part.strip()
        if not name:
            return f"empty key in {keys!r}"
        *mods, base = name.split("+") if len(name) > 1 else [name]
        bad = [m for m in mods if m.lower() not in _MODIFIERS]
        if bad:
            return f"{name!r}: unknown modifier {bad[0]!r} (use {', '.join(_MODIFIERS)})"
        if base not in key_names():
            return f"{name!r} is not a key name (e.g. r, R, ctrl+r, f5, escape, space, question_mark)"
    return None


def _normal(keys: str) -> set[str]:
    return {k.strip() for k in _normalize_key_list(keys).split(",")}


def together(scope: str) -> tuple[str, ...]:
    """The scopes whose keys are active at once with `scope`'s: a view's keys, every view's and the app's.
    A detail screen or a dialog shadows the app's keys on purpose (escape, q), so it stands alone."""
    if scope in VIEW_KINDS:
        return ("app", "view", "table", scope)
    if scope in ("view", "table"):
        return ("app", "view", "table")
    return (scope,)


def validate_keymap(keymap: dict[str, str]) -> list[str]:
    """Problems with a `[keymap]` table, each naming the binding id or the key; empty when it can be used."""
    keys = all_keys()
    ids = {key.id for key in keys}
    problems: list[str] = []
    for binding_id, value in keymap.items():
        if binding_id not in ids:
            problems.append(f"[keymap] {binding_id!r}: no binding has this id (see `?` or README's key table)")
        elif (why := key_problem(value)) is not None:
            problems.append(f"[keymap] {binding_id!r} = {value!r}: {why}")
    if problems:
        return problems
    effective = [(key, _normal(keymap.get(key.id, key.key))) for key in keys]
    reported: set[tuple[str, frozenset[str]]] = set()
    for scope in SCOPES:
        active = together(scope)
        seen: dict[str, Key] = {}
        for key, names in effective:
            if key.scope not in active:
                continue
            for name in names:
                other = seen.get(name)
                pair = (name, frozenset((key.id, other.id if other else "")))
                rebound = key.id in keymap or (other is not None and other.id in keymap)
                if other is not None and other.id != key.id and rebound and pair not in reported:
                    reported.add(pair)
                    problems.append(f"[keymap] {name!r} is bound to both {other.id!r} and {key.id!r} ({SCOPES[scope]})")
                seen.setdefault(name, key)
    return problems


# -- README --------------------------------------------------------------------------------------------------
def shown_key(keys: str) -> str:
    names = {"colon": ":", "slash": "/", "question_mark": "?", "ampersand": "&"}
    return " / ".join(names.get(k, k) for k in keys.split(","))


def markdown() -> str:
    """README's key table: every key, where it works, its binding id (for [keymap]) and what it does."""
    rows: dict[tuple[str, str], tuple[list[str], str]] = {}
    for scope in SCOPES:
        for key in all_keys():
            if key.scope == scope:
                where, _ = rows.setdefault((key.id, key.key), ([], key.help_text))
                where.append(SCOPES[scope])
    lines = ["| key | where | id | does |", "| --- | --- | --- | --- |"]
    for (binding_id, keys), (where, text) in rows.items():
        lines.append(f"| `{shown_key(keys)}` | {', '.join(where)} | `{binding_id}` | {text} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if argv != ["--markdown"]:
        print("usage: python -m hybridml.tui.keys --markdown", file=sys.stderr)
        return 2
    print(markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

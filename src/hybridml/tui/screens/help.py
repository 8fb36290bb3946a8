"""`?` — keys and commands."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

GLOBAL_KEYS: tuple[tuple[str, str], ...] = (
    (":", "command bar — jobs, queues, ce, jobdefs, triage, all (aliases j, q, jd); `:jobs text` opens filtered"),
    ("t", "explain: why is the selected job / endpoint / training job stuck (findings, evidence, fix)"),
    ("a", "in :triage and the explain screen: apply the finding's fix (asks first); n/N pick another finding"),
    (":triage", "every finding fleet-wide, worst first; :all — every workload across Batch and SageMaker"),
    ("/", "filter the current view (case-insensitive regex; live as you type)"),
    ("esc", "clear the filter, else go back"),
    ("enter", "drill in: CE → its queues, queue → its jobs, jobdef → its jobs, job → detail"),
    ("d", "describe: the raw AWS JSON of the selected resource"),
    ("l", "live logs of the selected job (all attempts; array: children interleaved), training job, endpoint"),
    ("o / O", "sort by the next column / reverse the sort"),
    ("r", "refresh now (views also refresh every few seconds, keeping cursor and filter)"),
    ("ctrl+p", "command palette: every view and action"),
    ("?", "this help"),
    ("q", "back, or quit from the first view"),
)

BATCH_ACTION_KEYS: tuple[tuple[str, str], ...] = (
    ("n", "new job (jobs, queues, jobdefs): submit form with fit check; ctrl+s submits after a confirm"),
    ("c", "clone the selected job into the submit form (also in the job detail)"),
    ("R", "resubmit the selected FAILED job as it was (one confirm; also in the job detail)"),
    ("space / U", "mark / unmark jobs for bulk actions; U clears every mark"),
    (
        "ctrl+k",
        "cancel (not started) or terminate (running) the marked or selected jobs, with a reason; "
        "also in the job detail and on an array child",
    ),
    ("enter on array", "the children of an array job, each with its status; enter opens a child"),
    ("s", "ce: scale min / desired / max vCPUs (before/after, confirm)"),
    ("e", "ce / queues: enable or disable (confirm)"),
    ("p", "queues: priority (confirm)"),
)

SAGEMAKER_KEYS: tuple[tuple[str, str], ...] = (
    (":endpoints / :ep", "SageMaker endpoints: status, variants, current/desired instances, autoscaling min..max"),
    ("  s", "scale the selected endpoint variant: instance count and/or autoscaling min/max (confirm, then waits)"),
    ("  i", "invoke: send a JSON/text payload or a file, see body, content type and latency (ctrl+s sends)"),
    ("  ctrl+k", "delete the endpoint (type its name to confirm)"),
    ("  enter", "detail: variants, config, Invocations/ModelLatency/4xx/5xx curves; 1 / 6 / 2 = 1h / 6h / 24h"),
    (":training / :tj", "training jobs: status, secondary status, duration, billable time, final metrics"),
    ("  ctrl+k / c", "stop an InProgress job / clone into a new job (optional config template)"),
    ("  enter", "detail: status transitions with times, hyperparameters, loss curves over the run"),
    (":smjobs", "processing and transform jobs (read-only)"),
    ("  w", "endpoints / detail: shift A/B traffic between variants (weights, before → after, then waits)"),
)

MLOPS_KEYS: tuple[tuple[str, str], ...] = (
    (":pipelines / :pl", "pipelines with their newest run: status, started, duration, failed step"),
    ("  enter / x", "the pipeline's runs (:executions); enter on a run: its steps and the job each ran"),
    ("  t", "a failed run: its first failed step and FailureReason; l there opens that step's job logs"),
    ("  l", "in a list: the logs of the run's failed step (training / processing job)"),
    (":tuning / :hpo", "tuning jobs: objective, best job and value, JOBS done/running/failed, runtime, $/h"),
    ("  enter / ctrl+k", "its training jobs, best objective first (l: logs, enter: detail) / stop (confirm)"),
    (":monitors", "Model Monitor schedules: last run, result, violations; enter: the runs"),
    ("  t", "explain the last run: the violations report (S3 location, first violations) or the failure"),
    (":models / :registry", "model package groups: latest, latest approved, pending; enter: :versions"),
    ("  a / x", ":versions: approve / reject the selected version (confirm; reject asks a reason)"),
    (":notebooks / :nb", "notebook instances and Studio apps: running since, $/h, cost so far"),
    ("  ctrl+k", "stop the notebook (StopNotebookInstance) or Studio app (DeleteApp), with confirm"),
)


LOG_KEYS: tuple[tuple[str, str], ...] = (
    ("f", "follow on/off (scrolling up turns it off; a badge counts new lines; G resumes)"),
    ("w / T", "wrap long lines / show timestamps (UTC)"),
    ("/  n  N", "search (regex, highlighted); next / previous match"),
    ("&", "filter: show only matching lines (empty: all)"),
    ("e", "jump to the first ERROR / Traceback, again: the next"),
    ("g / G", "top / bottom (bottom resumes follow)"),
    ("0 1 2 3 4 5", "time window: from start, 1m, 5m, 15m, 30m, 1h"),
    ("S", "save the lines shown to a file (ui.log_save_dir)"),
    ("esc / q", "back"),
)


def keys_table(rows: tuple[tuple[str, str], ...], title: str) -> Table:
    table = Table(title=title, title_justify="left", show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for key, text in rows:
        table.add_row(key, text)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("escape,q,question_mark", "app.pop_screen", "Close", id="help.close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(keys_table(GLOBAL_KEYS, "Keys"))
            yield Static(keys_table(BATCH_ACTION_KEYS, "Batch actions (refused with --read-only)"))
            yield Static(keys_table(SAGEMAKER_KEYS, "SageMaker"))
            yield Static(keys_table(MLOPS_KEYS, "SageMaker MLOps (actions refused with --read-only)"))
            yield Static(keys_table(LOG_KEYS, "In a log view (l)"))

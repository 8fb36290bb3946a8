"""Every change hybridml can make in AWS, as one registry of actions.

An action is one object per AWS call (`base.Action`) with a registry entry (`base.ActionSpec`): an id that is
also its key binding's id (for `[keymap]`) and its name in the audit log, a default key, a description, the
views it applies to, and whether `--read-only` refuses it. `request()` is the exact call: the confirm dialog,
`--dry-run` and the audit log show it, and `send()` sends it. `Services.run(action)` is the only way one is
sent: it checks read-only, validates, re-reads state (`prepare`), sends once (never retried), audits, and drops
stale caches. The TUI builds its key bindings, palette entries and help from `SPECS`; README's key table is
generated from them (`python -m hybridml.tui.keys --markdown`).

Adding an action (e.g. "stop a hyperparameter tuning job"):

1. Register its spec in the module of its service: ``TUNING_STOP = register(ActionSpec("sagemaker.tuning.stop",
   "Stop", key="ctrl+k", views=("tuning", "tuning-detail"), help="stop an InProgress tuning job"))`` (it is in
   `mlops.py`, with the model registry, A/B weights and notebook actions). The id is
   `<service>.<resource>.<verb>`; leave `key` empty for a step another action's flow sends.
2. Put the request builder next to the mapper in `hybridml/aws/` (boto dicts stay there), e.g.
   ``def stop_tuning_kwargs(name) -> dict``.
3. Write the action: a frozen dataclass subclassing ``Action[Outcome]`` with ``spec``, ``service``,
   ``operation`` (CamelCase, as in the service model), ``invalidates``, and ``target``, ``request()``,
   ``confirm_text()``, ``outcome(response)``; ``validate()`` for what AWS would refuse, ``prepare(readers)`` to
   re-read state at send time, ``missing()`` for SageMaker's "could not find" answers.
4. In the TUI, give the view an ``act_<id with dots as underscores>`` method (or use `tui.flows.run_actions`)
   that builds the action and calls `tui.flows.confirm_and_run`: the binding, palette entry and help line come
   from the spec. Headless: ``await services.run(action)``.
5. Test it against the embedded fleet (what reached the server, the audit entry, read-only refusal), and run
   ``python -m hybridml.tui.keys --markdown`` into README's key table (a test compares them).
"""

from hybridml.actions import batch, deploy, launch, mlops, processing, remedies, sagemaker
from hybridml.actions.base import SPECS, Action, ActionSpec, Readers, ReadOnlyRefused

__all__ = [
    "SPECS",
    "Action",
    "ActionSpec",
    "ReadOnlyRefused",
    "Readers",
    "batch",
    "deploy",
    "launch",
    "mlops",
    "processing",
    "remedies",
    "sagemaker",
]

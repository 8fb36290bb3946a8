"""KeyFooter: Textual's Footer with the keys an on-call engineer reaches for first kept at the left.

Textual lists the keys of the focused widget first and the app's last, so at 80 columns `t`, `d`, `?` and `q`
scroll off behind a view's own keys. Here the pinned binding ids come first, in their order, then the rest as
Textual orders them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

PINNED = ("app.explain", "app.describe", "app.help", "app.quit")


def pinned_first(bindings: list[tuple[Binding, bool, str]]) -> list[tuple[Binding, bool, str]]:
    rank = {binding_id: index for index, binding_id in enumerate(PINNED)}
    return sorted(bindings, key=lambda item: rank.get(item[0].id or "", len(PINNED)))  # stable: the rest keep order


class KeyFooter(Footer):
    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        yield from self._keys()

    def _keys(self) -> Iterator[FooterKey]:
        active = self.screen.active_bindings
        shown = [(binding, enabled, tooltip) for (_, binding, enabled, tooltip) in active.values() if binding.show]
        by_action: defaultdict[str, list[tuple[Binding, bool, str]]] = defaultdict(list)
        for binding, enabled, tooltip in pinned_first(shown):
            by_action[binding.action].append((binding, enabled, tooltip))
        self.styles.grid_size_columns = len(by_action)
        for same_action in by_action.values():
            binding, enabled, tooltip = same_action[0]
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
            ).data_bind(compact=Footer.compact)

"""Command palette (ctrl+p): the views, and the live keys of the screen in front (so a `[keymap]` rebind shows).

Opened over a form or a dialog, it lists that screen's keys only: nothing in it acts on the view behind."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode

from hybridml.tui.console import console
from hybridml.tui.keys import shown_key
from hybridml.tui.widgets.resource_view import ResourceView

SKIPPED = {"app.palette"}


def owner_label(node: DOMNode) -> str:
    """How palette entries name where a key lives: a view's kind, a screen's name; nothing for the app's."""
    if isinstance(node, ResourceView):
        return f"{node.kind}: "
    if node is node.app:
        return ""
    return type(node).__name__.removesuffix("Screen").lower() + ": "


class HybridCommands(Provider):
    def _entries(self) -> list[tuple[str, str, Callable[[], Any]]]:
        from hybridml.tui import views

        screen = self.screen
        entries: list[tuple[str, str, Callable[[], Any]]] = []
        if screen is self.app.screen_stack[0]:  # the main screen: its views
            app = console(self.app)
            entries += [
                (f":{kind}", f"Open the {view.title or kind} view", partial(app.show_view, kind, None))
                for kind, view in views.VIEWS.items()
            ]
        seen: set[str] = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if not binding.description or not binding.id or binding.id in SKIPPED or binding.id in seen:
                continue
            seen.add(binding.id)
            name = f"{owner_label(active.node)}{binding.description.lower()}"
            help_text = f"key {shown_key(key)}" + (f" — {binding.tooltip}" if binding.tooltip else "")
            entries.append((name, help_text, partial(self.app.run_action, binding.action, active.node)))
        return entries

    async def discover(self) -> Hits:
        for name, help_text, callback in self._entries():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._entries():
            score = matcher.match(f"{name} {help_text}")
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)

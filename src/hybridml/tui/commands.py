"""Command palette (ctrl+p): every view and every app action, searchable."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from hybridml.tui.app import HybridApp

ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("refresh", "Refresh the current view now", "refresh"),
    ("describe", "Describe the selected resource (raw JSON)", "describe"),
    ("logs", "Live CloudWatch logs of the selected job / training job / endpoint", "open_logs"),
    ("filter", "Filter the current view (regex)", "filter_bar"),
    ("back", "Back / clear filter", "go_back"),
    ("help", "Show keys and commands", "help"),
    ("explain", "Why is the selected workload stuck? (triage)", "explain"),
    ("apply fix", "Apply the selected finding's fix (asks first)", "apply_fix"),
)


class EntriesProvider(Provider):
    """A palette provider over `_entries()`: (name, help, callback) triples, searched by name and help."""

    def _entries(self) -> list[tuple[str, str, Any]]:
        raise NotImplementedError

    async def discover(self) -> Hits:
        for name, help_text, callback in self._entries():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._entries():
            score = matcher.match(f"{name} {help_text}")
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)


class HybridCommands(EntriesProvider):
    def _entries(self) -> list[tuple[str, str, Any]]:
        from hybridml.tui import views

        app: HybridApp = self.app  # type: ignore[assignment]
        entries: list[tuple[str, str, Any]] = [
            (f":{kind}", f"Open the {view.title or kind} view", partial(app.show_view, kind, None))
            for kind, view in views.VIEWS.items()
        ]
        entries += [(name, help_text, partial(app.run_action, action)) for name, help_text, action in ACTIONS]
        # The keys of what is in front: a detail screen's own (scale, 1h/6h/24h ...), else the current view's.
        screen = self.screen
        owner: Any = screen if screen is not app.screen_stack[0] and screen.BINDINGS else app.active_view
        if owner is not None:
            label = getattr(owner, "kind", "") or type(owner).__name__.removesuffix("Screen").lower()
            for binding in owner.BINDINGS:
                if isinstance(binding, Binding) and binding.description and binding.id:
                    entries.append(
                        (
                            f"{label}: {binding.description.lower()}",
                            f"key {binding.key}",
                            partial(owner.run_action, binding.action),
                        )
                    )
        return entries

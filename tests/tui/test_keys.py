"""One registry of keys: README, `?`, the palette and every BINDINGS come from it; `[keymap]` is checked."""

from __future__ import annotations

import inspect
import pkgutil
from importlib import import_module
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.dom import DOMNode
from textual.widgets import Input

import hybridml.tui
from hybridml.actions import SPECS
from hybridml.cli import main
from hybridml.config import Settings
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.tui import keys
from hybridml.tui.app import HybridApp
from hybridml.tui.commands import HybridCommands
from hybridml.tui.screens.help import HelpScreen
from hybridml.tui.screens.values_form import ValuesFormScreen
from tests.conftest import TEST_AWS, make_services
from tests.tui.helpers import plain, wait_for

README = Path(__file__).parents[2] / "README.md"


def test_readme_key_table_is_the_registry() -> None:
    text = README.read_text(encoding="utf-8")
    start, end = "<!-- keys:start -->\n", "\n<!-- keys:end -->"
    table = text[text.index(start) + len(start) : text.index(end)]
    assert table == keys.markdown(), "README is stale: python -m hybridml.tui.keys --markdown"


def _classes_with_bindings() -> list[type[DOMNode]]:
    found = []
    for info in pkgutil.walk_packages(hybridml.tui.__path__, "hybridml.tui."):
        module = import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, DOMNode) and cls.__module__ == module.__name__ and "BINDINGS" in cls.__dict__:
                found.append(cls)
    return found


def test_every_binding_comes_from_the_registry() -> None:
    registered = {(key.id, key.key, key.action) for key in keys.all_keys()}
    classes = _classes_with_bindings()
    assert len(classes) >= 20
    for cls in classes:
        for binding in cls.BINDINGS:
            assert isinstance(binding, Binding) and binding.id, f"{cls.__name__}: a binding without an id"
            assert (binding.id, binding.key, binding.action) in registered, (cls.__name__, binding.id)


def test_every_action_with_a_key_is_bound_where_it_says() -> None:
    for spec in SPECS.values():
        if spec.key:
            assert spec.views, spec.id
            bound = {key.scope for key in keys.all_keys() if key.id == spec.id}
            assert bound == set(spec.views), spec.id


@pytest.mark.parametrize(
    ("keymap", "message"),
    [
        ({"app.refrsh": "x"}, "'app.refrsh': no binding has this id"),
        ({"app.help": "ctrl+nope"}, "'ctrl+nope' is not a key name"),
        ({"app.help": "hyperspace+h"}, "unknown modifier 'hyperspace'"),
        ({"app.refresh": "q"}, "'q' is bound to both 'app.refresh' and 'app.quit'"),  # would replace quit
        ({"jobs.mark": "r"}, "'r' is bound to both 'app.refresh' and 'jobs.mark' (:jobs)"),
    ],
)
def test_a_bad_keymap_is_named(keymap: dict[str, str], message: str) -> None:
    problems = keys.validate_keymap(keymap)
    assert any(message in p for p in problems), problems


def test_good_keymaps_pass() -> None:
    assert (
        keys.validate_keymap({"app.refresh": "ctrl+r", "batch.stop": "K", "logs.follow": "F", "app.help": "f1"}) == []
    )
    # a key free in one screen may be used there even if another screen has it
    assert keys.validate_keymap({"explain.next": "j"}) == []


def test_a_bad_keymap_stops_the_app_with_its_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[keymap]\n"app.refresh" = "q"\n"no.such.binding" = "x"\n')
    assert main(["--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "'no.such.binding': no binding has this id" in err


async def test_help_and_palette_show_a_rebind(fleet: EmbeddedFleet) -> None:
    settings = Settings(aws=TEST_AWS, audit_log="", keymap={"app.refresh": "ctrl+r", "batch.ce.scale": "S"})
    app = HybridApp(make_services(fleet, settings), start_view="ce")
    async with app.run_test(size=(140, 50)) as pilot:
        await wait_for(pilot, lambda: app.views.get("ce") is not None and app.focused is app.views["ce"].table)
        palette = {name: help_text for name, help_text, _ in HybridCommands(app.screen)._entries()}
        assert palette["ce: scale"].startswith("key S") and palette["refresh"].startswith("key ctrl+r")
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        shown = "\n".join(plain(static) for static in app.screen.query("Static"))
        assert "ctrl+r" in shown and "refresh now" in shown
        here = dict(app.screen.behind_rows)  # type: ignore[attr-defined]
        assert here["S"].startswith("compute environment: min / max vCPUs")


async def test_the_palette_over_a_form_acts_on_the_form_only(fleet: EmbeddedFleet) -> None:
    app = HybridApp(make_services(fleet), start_view="queues")
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: app.views.get("queues") is not None and app.views["queues"].loaded_at)
        await wait_for(pilot, lambda: app.focused is app.views["queues"].table)
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, ValuesFormScreen))
        form = app.screen
        entries = HybridCommands(form)._entries()
        names = {name for name, _, _ in entries}
        assert names and all(name.startswith("valuesform: ") for name in names), names  # no views, no view keys
        cancel = next(callback for name, _, callback in entries if name == "valuesform: cancel")
        form.query_one(Input).value = "999"
        await cancel()
        await wait_for(pilot, lambda: len(app.screen_stack) == 1)
        assert "UpdateJobQueue" not in app.services.session.meter.by_operation

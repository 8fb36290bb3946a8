"""The one sanitiser: untrusted text is painted as text, control characters are visible, nothing acts."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.text import Text

from hybridml.fleet.hostile import CORPUS, HOSTILE
from hybridml.render.safe import ESCAPE_STYLE, escape_text, has_unsafe, safe_cell, safe_str, safe_text

RAW_CONTROL = [chr(c) for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))]


def rendered(renderable: object) -> str:
    """What a real terminal console writes for it (styles as SGR sequences)."""
    out = io.StringIO()
    Console(file=out, force_terminal=True, color_system="truecolor", width=400).print(renderable)
    return out.getvalue()


def test_every_control_character_becomes_a_visible_escape() -> None:
    for char in RAW_CONTROL:
        shown = safe_str(f"a{char}b")
        assert shown.startswith("a\\") and shown.endswith("b"), repr(char)
        assert not any(c in shown for c in RAW_CONTROL)
    assert safe_str("\x1b]52;c;Zm9v\x07") == "\\x1b]52;c;Zm9v\\x07"
    assert safe_str("one\ntwo\r\tthree") == "one\\ntwo\\r\\tthree"
    assert safe_str("\x9b31m") == "\\x9b31m"


def test_bidi_zero_width_separators_and_surrogates_are_neutralised() -> None:
    assert safe_str("\u202eexe.txt\u202c") == "\\u202eexe.txt\\u202c"
    assert safe_str("\u2066x\u2069\u200f\u2028\ufeff") == "\\u2066x\\u2069\\u200f\\u2028\\ufeff"
    assert safe_str("bad\udcffbyte") == "bad\\udcffbyte"


def test_ordinary_text_is_returned_as_is() -> None:
    for plain in ("etl-parquet-00042", "CannotPullContainerError: pull access denied", "🐶 dog 犬", ""):
        assert safe_str(plain) is plain
        assert not has_unsafe(plain)


def test_newlines_kept_when_asked_and_tabs_expanded() -> None:
    assert safe_str("a\nb\x1b", newlines=True) == "a\nb\\x1b"
    assert safe_str("a\tb", tabsize=4) == "a   b"


def test_limit_keeps_at_most_that_many_characters_of_the_original() -> None:
    shown = safe_str("x" * 100_000, limit=50)
    assert len(shown) == 50 and shown.endswith("…")


def test_safe_text_is_never_markup_and_styles_the_escapes() -> None:
    text = safe_text("[@click=app.quit]Q[/]\x1b[2J", "red")
    assert text.plain == "[@click=app.quit]Q[/]\\x1b[2J"
    assert text.style == "red"
    assert [text.plain[s.start : s.end] for s in text.spans if s.style == ESCAPE_STYLE] == ["\\x1b"]


def test_escape_text_keeps_styles_on_the_same_characters() -> None:
    text = Text.assemble(("ab", "bold"), ("\x1bc", "red"), "d")
    out = escape_text(text)
    assert out.plain == "ab\\x1bcd"
    styled = {str(s.style): out.plain[s.start : s.end] for s in out.spans if s.style != ESCAPE_STYLE}
    assert styled == {"bold": "ab", "red": "\\x1bc"}
    clean = Text("fine", style="green")
    assert escape_text(clean) is clean


def test_safe_cell_keeps_plain_strings_and_makes_risky_ones_text() -> None:
    assert safe_cell("3m12s") == "3m12s"
    for risky in ("[/data]", ":warning:", "a\x1bb", "x" * 300):
        cell = safe_cell(risky)
        assert isinstance(cell, Text), risky
        assert len(cell.plain) <= 256


@pytest.mark.parametrize("label", list(HOSTILE))
def test_the_corpus_renders_literally_through_a_real_console(label: str) -> None:
    value = HOSTILE[label]
    for renderable in (safe_text(value), safe_cell(value), escape_text(Text(value)), Text(safe_str(value))):
        out = rendered(renderable)
        # a terminal sees only SGR style sequences, never one from the value
        assert "\x1b]" not in out and "\x07" not in out and "\x9b" not in out and "\r" not in out
        assert "\x1b[2J" not in out and "\x1b[6n" not in out and "\u202e" not in out
        assert "\x1b]8;" not in out  # no hyperlink, neither from OSC 8 nor from [link=...]
    if not has_unsafe(value):  # markup is shown as the characters it is
        assert safe_text(value).plain == value


def test_the_corpus_is_what_the_issue_lists() -> None:
    joined = "".join(CORPUS)
    for needle in ("@click=app.screenshot", "@click=app.quit", "simulate_key", "[/data]", "UNBAL[/]", "\x1b]52;"):
        assert needle in joined
    assert max(len(value) for value in CORPUS) >= 100_000

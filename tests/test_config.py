from __future__ import annotations

from pathlib import Path

import pytest

from hybridml.cli import main
from hybridml.config import ConfigError, load_settings


def test_defaults_when_default_file_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    settings = load_settings()
    assert settings.ui.refresh_s == 5.0
    assert settings.aws.retry_mode == "adaptive"


def test_example_config_is_valid() -> None:
    settings = load_settings(Path(__file__).parents[1] / "config.example.toml")
    assert settings.batch.queues
    assert "yolo" in settings.templates


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("[ui]\nrefresh_s = 0\n", "ui.refresh_s"),
        ("[aws]\nretry_mode = 'sometimes'\n", "aws.retry_mode"),
        ("[ui]\nrefrsh_s = 3\n", "ui.refrsh_s: unknown key"),
        ("[aws]\nendpoint_url = 'localhost:4566'\n", "aws.endpoint_url"),
        ("[ui\nrefresh_s = 3\n", "not valid TOML"),
    ],
)
def test_bad_config_names_the_key(tmp_path: Path, body: str, needle: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(body)
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert needle in str(info.value)


def test_cli_reports_bad_config_without_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[batch]\nqueues = 'not-a-list'\n")
    assert main(["--config", str(path), "jobs"]) == 2
    err = capsys.readouterr().err
    assert "batch.queues" in err
    assert "Traceback" not in err


def test_cli_missing_explicit_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(tmp_path / "nope.toml"), "jobs"]) == 2
    assert "config file not found" in capsys.readouterr().err


@pytest.mark.parametrize(
    "body",
    [
        "[ui]\nrefresh_s = nan\n",
        "[ui]\nrefresh_s = inf\n",
        "[batch]\nstuck_after_min = inf\n",
        "[templates.x]\nvcpus = nan\n",
        "[watches]\nrunnable_after_min = -inf\n",
    ],
)
def test_numbers_must_be_finite(tmp_path: Path, body: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(body)
    with pytest.raises(ConfigError, match="finite number"):
        load_settings(path)


def test_config_that_is_not_utf8_is_a_clean_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"read_only = true\n# caf\xe9\n")
    assert main(["--config", str(path), "jobs"]) == 2
    err = capsys.readouterr().err
    assert "not UTF-8 text (byte 22: 0xe9)" in err and "Traceback" not in err


def test_deeply_nested_config_is_a_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    with pytest.raises(ConfigError, match="nests tables or arrays too deeply"):
        load_settings(path)


def test_config_is_read_with_a_size_cap(tmp_path: Path) -> None:
    """`--config /dev/zero` (or a mistaken multi-GB path) is refused after the cap, not read into memory."""
    with pytest.raises(ConfigError, match="larger than 1024 KiB"):
        load_settings(Path("/dev/zero"))
    path = tmp_path / "big.toml"
    path.write_text("# padding\n" * 120_000)
    with pytest.raises(ConfigError, match="larger than"):
        load_settings(path)


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e300", "0.1", "abc"])
def test_refresh_flag_is_a_finite_interval_in_range(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--refresh", value, "jobs"])
    assert info.value.code == 2
    assert "--refresh" in capsys.readouterr().err

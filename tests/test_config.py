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

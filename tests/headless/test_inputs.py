"""Numbers and files given on the command line: finite, in range, read with a cap; a clear message otherwise."""

from __future__ import annotations

import pytest

from hybridml.cli import build_parser
from hybridml.payload import payload_from


@pytest.mark.parametrize(
    "argv",
    [
        ["logs", "job-1", "--poll", "nan"],
        ["logs", "job-1", "--poll", "0.01"],
        ["scale", "ep", "--instances", "2", "--timeout", "inf"],
        ["yolo", "run", "--synthetic", "--timeout", "nan"],
        ["yolo", "run", "--synthetic", "--timeout", "1e300"],
    ],
)
def test_float_options_must_be_finite_and_in_range(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args(argv)
    assert info.value.code == 2
    assert "give a number of seconds from" in capsys.readouterr().err


def test_invoke_payload_from_an_endless_file_is_refused_before_reading() -> None:
    """`hybridml invoke EP --file /dev/zero`: not a regular file, so not a byte is read (tests/conformance covers
    InvokeEndpoint's 6 MiB limit)."""
    with pytest.raises(ValueError, match="not a regular file"):
        payload_from("", "/dev/zero", "application/octet-stream")

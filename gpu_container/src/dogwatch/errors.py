"""Exit codes and the exceptions that carry them."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of `src/main.py` (documented in gpu_container/README.md)."""

    OK = 0
    UNEXPECTED = 1
    BAD_ARGS = 2
    DOWNLOAD_FAILED = 3
    NOT_A_VIDEO = 4
    TOO_LARGE = 5
    CALLBACK_FAILED = 6


class DogwatchError(Exception):
    """A failure with a known cause: a human message and the exit code to leave with."""

    code: ExitCode = ExitCode.UNEXPECTED
    kind: str = "unexpected"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadArgumentError(DogwatchError):
    code = ExitCode.BAD_ARGS
    kind = "bad_args"


class DownloadError(DogwatchError):
    code = ExitCode.DOWNLOAD_FAILED
    kind = "download_failed"


class NotAVideoError(DogwatchError):
    code = ExitCode.NOT_A_VIDEO
    kind = "not_a_video"


class TooLargeError(DogwatchError):
    code = ExitCode.TOO_LARGE
    kind = "too_large"


class CallbackError(DogwatchError):
    code = ExitCode.CALLBACK_FAILED
    kind = "callback_failed"

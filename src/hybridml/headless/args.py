"""Argument types for numbers given on the command line: finite, within a range, with a clear message.

`float("nan")`, `inf` and `1e300` are all floats; an interval of nan seconds makes a timer that never fires and
a loop that never ends, so every float option goes through `seconds(low, high)` instead of `type=float`.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable


def seconds(low: float, high: float) -> Callable[[str], float]:
    """An argparse `type`: a finite number of seconds from `low` to `high`."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds") from None
        if not math.isfinite(value) or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"'{text}': give a number of seconds from {low:g} to {high:g}")
        return value

    return parse

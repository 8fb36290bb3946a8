"""Handles on moto's in-process backends for the demo account and region."""

from __future__ import annotations

from typing import Any

from hybridml.fleet.server import DEMO_ACCOUNT, DEMO_REGION


def batch_backend() -> Any:
    """The Docker-less Batch backend the server answers with (wraps the regular one)."""
    from moto.batch_simple.models import batch_simple_backends

    return batch_simple_backends[DEMO_ACCOUNT][DEMO_REGION]


def logs_backend() -> Any:
    from moto.logs.models import logs_backends

    return logs_backends[DEMO_ACCOUNT][DEMO_REGION]


def sagemaker_backend() -> Any:
    from moto.sagemaker.models import sagemaker_backends

    return sagemaker_backends[DEMO_ACCOUNT][DEMO_REGION]

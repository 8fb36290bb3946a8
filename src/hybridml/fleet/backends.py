"""Handles on moto's in-process backends for the demo account, in the demo region unless told another (a test
seeds a region nothing else writes to)."""

from __future__ import annotations

from typing import Any

from hybridml.fleet.server import DEMO_ACCOUNT, DEMO_REGION


def batch_backend(region: str = DEMO_REGION) -> Any:
    """The Docker-less Batch backend the server answers with (wraps the regular one)."""
    from moto.batch_simple.models import batch_simple_backends

    return batch_simple_backends[DEMO_ACCOUNT][region]


def logs_backend(region: str = DEMO_REGION) -> Any:
    from moto.logs.models import logs_backends

    return logs_backends[DEMO_ACCOUNT][region]


def sagemaker_backend(region: str = DEMO_REGION) -> Any:
    from moto.sagemaker.models import sagemaker_backends

    return sagemaker_backends[DEMO_ACCOUNT][region]

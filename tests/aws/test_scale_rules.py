"""scale_kwargs: the UpdateComputeEnvironment bounds AWS accepts (pure, no server needed)."""

from __future__ import annotations

import pytest

from hybridml.aws.batch_actions import ScaleChange, scale_kwargs
from hybridml.aws.errors import InvalidRequest
from hybridml.domain.batch import ComputeEnvironment, ComputeResources


def env(kind: str = "EC2", lo: int = 0, want: int = 4, hi: int = 64) -> ComputeEnvironment:
    return ComputeEnvironment("ce", "arn:ce", "ENABLED", "VALID", resources=ComputeResources(kind, lo, hi, want))


def test_only_changed_values_are_sent() -> None:
    assert scale_kwargs(env(), ScaleChange(min_vcpus=0, desired_vcpus=8, max_vcpus=64)) == {"desiredvCpus": 8}


def test_desired_must_stay_within_bounds() -> None:
    with pytest.raises(InvalidRequest, match="cannot be lowered by an update"):
        scale_kwargs(env(want=24), ScaleChange(max_vcpus=10))
    with pytest.raises(InvalidRequest, match="above maxvCpus"):
        scale_kwargs(env(), ScaleChange(min_vcpus=100))


def test_fargate_has_only_max() -> None:
    assert scale_kwargs(env("FARGATE", want=0), ScaleChange(max_vcpus=32)) == {"maxvCpus": 32}
    with pytest.raises(InvalidRequest, match="only maxvCpus"):
        scale_kwargs(env("FARGATE_SPOT", want=0), ScaleChange(min_vcpus=2))


def test_unmanaged_cannot_scale() -> None:
    unmanaged = ComputeEnvironment("u", "arn:u", "ENABLED", "VALID", type="UNMANAGED")
    with pytest.raises(InvalidRequest, match="unmanaged"):
        scale_kwargs(unmanaged, ScaleChange(max_vcpus=1))

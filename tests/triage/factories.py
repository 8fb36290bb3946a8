"""Minimal domain objects for pure rule tests: a healthy fleet, then one thing broken per test."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

from hybridml.domain.batch import ComputeEnvironment, ComputeResources, Job, JobQueue, JobStatus, ResourceRequest
from hybridml.domain.sagemaker import Endpoint, EndpointVariant, StatusTransition, TrainingJob
from hybridml.triage.context import TriageContext

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def ago(minutes: float) -> datetime:
    return NOW - timedelta(minutes=minutes)


def ce(name: str = "gpu", **kw: Any) -> ComputeEnvironment:
    resources = ComputeResources(
        type=kw.pop("type", "EC2"),
        min_vcpus=0,
        max_vcpus=kw.pop("max_vcpus", 256),
        desired_vcpus=kw.pop("desired_vcpus", 0),
        instance_types=kw.pop("instance_types", ("g5.xlarge", "g5.12xlarge")),
        bid_percentage=kw.pop("bid_percentage", None),
    )
    base = ComputeEnvironment(name=name, arn=f"arn:ce/{name}", state="ENABLED", status="VALID", resources=resources)
    return dataclasses.replace(base, **kw)


def queue(name: str = "q", ces: tuple[str, ...] = ("gpu",), **kw: Any) -> JobQueue:
    base = JobQueue(name, f"arn:q/{name}", "ENABLED", "VALID", 1, tuple(f"arn:ce/{c}" for c in ces))
    return dataclasses.replace(base, **kw)


def job(name: str = "j", status: JobStatus = JobStatus.RUNNABLE, age_min: float = 60, **kw: Any) -> Job:
    resources = kw.pop("resources", ResourceRequest(vcpus=4, memory_mib=8000, gpus=1))
    base = Job(
        job_id=kw.pop("job_id", f"id-{name}"),
        name=name,
        queue=kw.pop("queue", "q"),
        status=status,
        created_at=ago(age_min),
        resources=resources,
    )
    return dataclasses.replace(base, **kw)


def context(jobs: tuple[Job, ...] = (), ces: tuple[ComputeEnvironment, ...] | None = None, **kw: Any) -> TriageContext:
    return TriageContext(
        jobs=jobs,
        queues=kw.pop("queues", (queue(),)),
        compute_environments=ces if ces is not None else (ce(),),
        **kw,
    )


def endpoint(name: str = "ep", status: str = "InService", modified_min: float = 60, **kw: Any) -> Endpoint:
    variant = EndpointVariant("AllTraffic", "ml.g5.xlarge", 1, 1)
    base = Endpoint(name, f"arn:ep/{name}", status, ago(600), ago(modified_min), variants=(variant,))
    return dataclasses.replace(base, **kw)


def training(
    name: str = "tj", status: str = "InProgress", secondary: str = "Training", phase_min: float = 60, **kw: Any
) -> TrainingJob:
    base = TrainingJob(
        name,
        f"arn:tj/{name}",
        status,
        secondary,
        created_at=ago(phase_min + 5),
        instance_type="ml.g5.xlarge",
        instance_count=1,
        transitions=(StatusTransition(secondary, ago(phase_min), None),),
    )
    return dataclasses.replace(base, **kw)

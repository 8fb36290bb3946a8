"""Conformance helpers: fixtures shaped by the botocore service models (checked against them), a Batch reader
that answers from those fixtures through the real mappers, and model documentation lookups.

Shapes the embedded moto server cannot produce (multi-node parallel, `ecsProperties`, `eksProperties`, Fargate, a
job in its second attempt, an array with 1,000 children) come from `fixtures/*.json`, written after the Batch API
reference and validated here against the botocore model, so a field the model does not know fails the suite.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from botocore.session import get_session
from botocore.validate import ParamValidator

from hybridml.aws.batch_jobs import _job_from_api, _jobdef_from_api
from hybridml.domain.batch import ALL_JOB_STATUSES, Job, JobDefinition, JobStatus
from hybridml.fleet.seed import JobSeeder

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


@cache
def model(service: str) -> Any:
    return get_session().get_service_model(service)


def assert_shape(service: str, shape: str, data: Any) -> None:
    """`data` is a valid `shape` of the service model: every name known, every type right. (Members the model marks
    required are not insisted on: in responses that marking is loose, e.g. JobDetail `startedAt`, which a job that
    has not started yet does not have.)"""
    report = ParamValidator().validate(data, model(service).shape_for(shape))
    errors = [e for e in report._errors if e[0] != "missing required field"]
    assert not errors, errors


def documented(service: str, shape: str, member: str | None = None) -> str:
    """The model's documentation of a shape (or of one of its members, or of an operation), tags removed."""
    import re

    m = model(service)
    if member is None and shape in m.operation_names:
        text = m.operation_model(shape).documentation
    else:
        s = m.shape_for(shape)
        text = s.members[member].documentation if member else s.documentation
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()


class FixtureBatch:
    """The BatchService reads that log sources and triage use, answered from fixtures via the real mappers."""

    def __init__(self, *responses: dict[str, Any], children: dict[str, list[dict[str, Any]]] | None = None) -> None:
        self.details = {d["jobId"]: d for r in responses for d in r.get("jobs", [])}
        self.definitions = [d for r in responses for d in r.get("jobDefinitions", [])]
        self.children = children or {}  # parent id -> JobSummary list (arrays and multi-node jobs)
        self.calls: list[tuple[str, Any]] = []

    async def job(self, job_id: str) -> Job | None:
        found = await self.describe_jobs([job_id])
        return found[0] if found else None

    async def describe_jobs(self, job_ids: Sequence[str]) -> list[Job]:
        self.calls.append(("DescribeJobs", list(job_ids)))
        return [_job_from_api(self.details[i]) for i in job_ids if i in self.details]

    async def _members(self, parent: str, statuses: Sequence[JobStatus]) -> list[Job]:
        self.calls.append(("ListJobs", (parent, tuple(s.value for s in statuses))))
        wanted = {s.value for s in statuses}
        return [_job_from_api(d) for d in self.children.get(parent, []) if d["status"] in wanted]

    async def array_children(self, parent: str, statuses: Sequence[JobStatus] = ALL_JOB_STATUSES) -> list[Job]:
        return await self._members(parent, statuses)

    async def multinode_nodes(self, parent: str, statuses: Sequence[JobStatus] = ALL_JOB_STATUSES) -> list[Job]:
        return await self._members(parent, statuses)

    async def job_definition(self, ref: str) -> JobDefinition | None:
        found = [
            _jobdef_from_api(d) for d in self.definitions if ref in (d["jobDefinitionArn"], d["jobDefinitionName"])
        ]
        return found[0] if found else None


def cites(service: str, shape: str, member: str | None, sentence: str) -> None:
    """The rule a test encodes is still what the model says (a doc change that drops it fails the test)."""
    assert sentence in documented(service, shape, member), f"{service} {shape}.{member} no longer says: {sentence}"


@pytest.fixture
def seeder() -> JobSeeder:
    """Creates jobs in the shared fleet in-process (unseeded: names never collide across tests)."""
    return JobSeeder(random.Random(), datetime.now())


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"

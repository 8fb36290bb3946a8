"""Batch mutations as the Batch API reference describes them (issue 11.6, 11.12). Each test quotes its rule."""

from __future__ import annotations

import random
import uuid
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from hybridml.actions.base import Readers
from hybridml.actions.batch import CancelJob, ScaleComputeEnvironment, stop_job
from hybridml.aws.batch import _ce_from_api
from hybridml.aws.batch_actions import ScaleChange, scale_kwargs
from hybridml.aws.errors import InvalidRequest
from hybridml.cli import main
from hybridml.config import Settings
from hybridml.domain.batch import ComputeEnvironment, ComputeResources, JobStatus
from hybridml.fleet.backends import batch_backend
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.seed import JobSeeder
from hybridml.services import Services
from tests.conformance.mutation_docs import model_doc
from tests.conftest import TEST_AWS, make_services


def ce(want: int = 24, lo: int = 0, hi: int = 256, orchestration: str = "ECS") -> ComputeEnvironment:
    resources = ComputeResources("EC2", lo, hi, want)
    return ComputeEnvironment("gpu", "arn:ce/gpu", "ENABLED", "VALID", resources=resources, orchestration=orchestration)


# -- 11.6: scaling a compute environment ------------------------------------------------------------------------
def test_desired_vcpus_of_an_existing_ce_is_never_lowered() -> None:
    """ComputeResourceUpdate.desiredvCpus: "Batch doesn't support changing the desired number of vCPUs of an
    existing compute environment. [...] the updated desiredvCpus value must be greater than or equal to the current
    desiredvCpus value." """
    doc = model_doc("batch", "ComputeResourceUpdate", "desiredvCpus")
    assert "doesn't support changing the desired number of vCPUs of an existing compute environment" in doc
    assert "must be greater than or equal to the current desiredvCpus value" in doc
    with pytest.raises(InvalidRequest, match="desiredvCpus cannot be lowered"):
        scale_kwargs(ce(want=24), ScaleChange(desired_vcpus=8))
    assert scale_kwargs(ce(want=24), ScaleChange(desired_vcpus=32)) == {"desiredvCpus": 32}


def test_desired_vcpus_is_never_sent_for_eks() -> None:
    """ComputeResourceUpdate.desiredvCpus: "Don't specify this parameter for compute environments using Amazon EKS
    clusters." The orchestration type comes from DescribeComputeEnvironments' containerOrchestrationType."""
    assert "Don't specify this parameter for compute environments using Amazon EKS clusters" in model_doc(
        "batch", "ComputeResourceUpdate", "desiredvCpus"
    )
    eks = _ce_from_api(
        {"computeEnvironmentName": "k8s", "containerOrchestrationType": "EKS", "computeResources": {"type": "EC2"}}
    )
    assert eks.orchestration == "EKS"
    with pytest.raises(InvalidRequest, match="runs on Amazon EKS"):
        scale_kwargs(ce(orchestration="EKS"), ScaleChange(desired_vcpus=32))
    assert scale_kwargs(ce(orchestration="EKS"), ScaleChange(max_vcpus=512)) == {"maxvCpus": 512}


def test_max_below_what_batch_wants_now_is_refused_truthfully() -> None:
    """ComputeResourceUpdate.desiredvCpus: "When you update the desiredvCpus setting, the value must be between the
    minvCpus and maxvCpus values." With desiredvCpus not lowerable, maxvCpus cannot go below it."""
    assert "the value must be between the minvCpus and maxvCpus values" in model_doc(
        "batch", "ComputeResourceUpdate", "desiredvCpus"
    )
    with pytest.raises(InvalidRequest, match=r"maxvCpus 10 is below the 24 vCPUs Batch wants now"):
        scale_kwargs(ce(want=24), ScaleChange(max_vcpus=10))


def test_the_confirm_says_what_batch_does_with_min_and_max() -> None:
    """ComputeResourceUpdate.minvCpus: "The minimum number of vCPUs that an environment should maintain (even if
    the compute environment is DISABLED)"; maxvCpus: "Batch might need to exceed maxvCpus to meet your capacity
    requirements. In this event, Batch never exceeds maxvCpus by more than a single instance." """
    assert "(even if the compute environment is DISABLED)" in model_doc("batch", "ComputeResourceUpdate", "minvCpus")
    assert "never exceeds maxvCpus by more than a single instance" in model_doc(
        "batch", "ComputeResourceUpdate", "maxvCpus"
    )
    text = ScaleComputeEnvironment(ce(), ScaleChange(min_vcpus=4, max_vcpus=128)).confirm_text()
    assert "at least 4 vCPUs" in text and "even while the environment is DISABLED" in text
    assert "no more than 128 vCPUs (On-Demand may exceed it by one instance)" in text
    assert "cannot be lowered by an update" in text


# -- 11.12: cancel vs terminate ---------------------------------------------------------------------------------
@pytest.fixture
def seeder(fleet: EmbeddedFleet) -> JobSeeder:
    return JobSeeder(random.Random(), datetime.now())


def job_in(seeder: JobSeeder, status: str) -> Any:
    job = seeder.submit(f"stop-{uuid.uuid4().hex[:8]}", "cpu-etl", "etl-parquet")
    seeder.set_state(job, status, 60)
    return job


class SentAsListed(CancelJob):
    """A CancelJob sent without re-reading the job (what the app did before): how AWS answers it."""

    async def prepare(self, readers: Readers) -> CancelJob:
        return self


async def test_a_job_that_started_since_it_was_listed_is_terminated(
    fleet: EmbeddedFleet, seeder: JobSeeder, tmp_path: Path
) -> None:
    """CancelJob: "Jobs that progressed to the STARTING or RUNNING state aren't cancelled. However, the API operation
    still succeeds, even if no job is cancelled. These jobs must be terminated with the TerminateJob [...]
    operation." The job is read again at send time, and what happened is read back after the call."""
    doc = model_doc("batch", "CancelJob")
    assert "the API operation still succeeds, even if no job is cancelled" in doc
    services = make_services(fleet, Settings(aws=TEST_AWS, audit_log=str(tmp_path / "audit.jsonl")))
    try:
        raw = job_in(seeder, "RUNNABLE")
        listed = await services.batch.job(raw.job_id)
        assert listed is not None and listed.status is JobStatus.RUNNABLE
        batch_backend()._jobs[raw.job_id].status = "RUNNING"  # it started after the list was read
        assert await stop_job(services, listed, "wrong input") == "terminated"
        assert [e["action"] for e in services.audit_log.entries()] == ["batch.terminate"]
        after = await services.batch.job(raw.job_id)
        assert after is not None and after.status is JobStatus.FAILED
    finally:
        await services.close()


async def test_never_cancelled_when_it_runs_on(fleet: EmbeddedFleet, seeder: JobSeeder, services: Services) -> None:
    """CancelJob "still succeeds, even if no job is cancelled": a cancel that landed on a running job is not
    reported as 'cancelled' (read back: still RUNNING); without leave to terminate, it says so."""
    raw = job_in(seeder, "RUNNING")
    listed = await services.batch.job(raw.job_id)
    assert listed is not None
    stale = SentAsListed(replace(listed, status=JobStatus.RUNNABLE), "r", escalate=False)
    with pytest.raises(InvalidRequest, match="started before the cancel landed, and CancelJob does not stop"):
        await stop_job(services, listed, "r", first=stale)
    still = await services.batch.job(raw.job_id)
    assert still is not None and still.status is JobStatus.RUNNING  # AWS succeeded and cancelled nothing
    assert await stop_job(services, still, "r", first=SentAsListed(still, "r")) == "terminated"  # escalates


def test_cancel_command_refuses_a_started_job_and_terminate_a_finished_one(
    fleet: EmbeddedFleet, seeder: JobSeeder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """TerminateJob: "Jobs that are in the STARTING or RUNNING state are terminated [...]. Jobs that have not
    progressed to the STARTING state are cancelled." A finished job has nothing to stop: no call, exit 2."""
    assert "Jobs that have not progressed to the STARTING state are cancelled" in model_doc("batch", "TerminateJob")
    config = tmp_path / "c.toml"
    config.write_text(f'audit_log = "{tmp_path / "a.jsonl"}"\n')
    args = ["--config", str(config), "--endpoint-url", fleet.url, "--region", "us-east-1"]
    running, done = job_in(seeder, "RUNNING"), job_in(seeder, "SUCCEEDED")
    assert main([*args, "cancel", running.job_id, "--reason", "x"]) == 2
    assert "use terminate" in capsys.readouterr().err
    assert main([*args, "terminate", done.job_id, "--reason", "x"]) == 2
    assert "nothing to stop" in capsys.readouterr().err
    assert not (tmp_path / "a.jsonl").exists()  # nothing was attempted
    assert main([*args, "terminate", running.job_id, "--reason", "x"]) == 0
    assert "terminated" in capsys.readouterr().out

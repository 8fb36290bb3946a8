"""Each fleet patch closes a gap between moto and AWS's documented behaviour. These tests run moto's own code (the
function as it was before the patch, `patches.unpatched`) and assert the gap is still there: when a moto upgrade
closes one, its test fails here and the patch can be dropped. The rule each patch emulates is quoted in the patch's
docstring and checked against the model by the tests in this folder."""

from __future__ import annotations

import inspect
import random
import uuid
from datetime import datetime
from typing import Any

import pytest

from hybridml.fleet.backends import batch_backend, logs_backend
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.patches import UNPATCHED, unpatched
from hybridml.fleet.seed import JobSeeder, boto3_client
from tests.conformance.conftest import cites


def job_in(seeder: JobSeeder, status: str, **kw: Any) -> Any:
    job = seeder.submit(f"gap-{uuid.uuid4().hex[:8]}", "cpu-etl", "etl-parquet", **kw)
    seeder.set_state(job, status, 60)
    return job


@pytest.fixture
def seeder(fleet: EmbeddedFleet) -> JobSeeder:
    return JobSeeder(random.Random(), datetime.now())


def test_every_replaced_function_is_recorded(fleet: EmbeddedFleet) -> None:
    """`unpatched()` finds moto's own function for every patched one (the gap tests below rely on it)."""
    assert len(UNPATCHED) >= 15 and all(original is not None for original in UNPATCHED.values())


def test_moto_moves_batch_jobs_on_reads(fleet: EmbeddedFleet) -> None:
    """patch batch_job_status_is_set_by_the_fleet: moto's default for batch::job is one state per read."""
    from moto.moto_api import state_manager

    assert state_manager._default_transitions["batch::job"] == {"progression": "manual", "times": 1}


def test_moto_lists_array_children_under_their_queue(seeder: JobSeeder) -> None:
    """patch batch_list_jobs_by_queue_hides_array_children."""
    from moto.batch.models import BatchBackend

    parent = seeder.submit(f"gap-array-{uuid.uuid4().hex[:6]}", "cpu-etl", "etl-parquet", array_properties={"size": 2})
    for child in parent._child_jobs:
        seeder.set_state(child, "RUNNING", 60)
    listed = unpatched(BatchBackend, "list_jobs")(batch_backend(), "cpu-etl", None, "RUNNING")
    assert any("index" in (j.array_properties or {}) for j in listed)


def test_moto_lists_every_status_when_none_is_given(seeder: JobSeeder) -> None:
    """patch batch_list_jobs_without_status_lists_running_only: "If you don't specify a status, only RUNNING jobs are
    returned." moto returns children in every status."""
    from moto.batch.models import BatchBackend

    cites("batch", "ListJobsRequest", "jobStatus", "If you don't specify a status, only RUNNING jobs are returned.")
    parent = seeder.submit(f"gap-array-{uuid.uuid4().hex[:6]}", "cpu-etl", "etl-parquet", array_properties={"size": 2})
    for child, status in zip(parent._child_jobs, ("RUNNING", "SUCCEEDED"), strict=True):
        seeder.set_state(child, status, 60)
    listed = unpatched(BatchBackend, "list_jobs")(batch_backend(), None, parent.job_id)
    assert {j.status for j in listed} == {"RUNNING", "SUCCEEDED"}


def test_moto_scans_every_job_on_describe(fleet: EmbeddedFleet) -> None:
    """patch batch_describe_jobs_looks_up_ids."""
    from moto.batch.models import BatchBackend

    assert "self._jobs.items()" in inspect.getsource(unpatched(BatchBackend, "describe_jobs"))


def test_moto_cancel_leaves_the_status(seeder: JobSeeder) -> None:
    """patch batch_cancel_and_terminate_stop_the_job: CancelJob "Jobs that are in a SUBMITTED, PENDING, or RUNNABLE
    state are cancelled and the job status is updated to FAILED." moto keeps the status."""
    from moto.batch.models import BatchBackend

    cites("batch", "CancelJob", None, "are cancelled and the job status is updated to FAILED.")
    job = job_in(seeder, "RUNNABLE")
    unpatched(BatchBackend, "cancel_job")(batch_backend(), job.job_id, "gap test")
    assert job.status == "RUNNABLE"


def test_moto_job_detail_lacks_the_image(seeder: JobSeeder) -> None:
    """patch batch_job_detail_shows_effective_container."""
    from moto.batch.models import Job

    assert "image" not in unpatched(Job, "_container_details")(job_in(seeder, "RUNNING"))


def test_moto_summary_lacks_array_properties(seeder: JobSeeder) -> None:
    """patch batch_job_summary_has_array_properties."""
    from moto.batch.models import Job

    parent = seeder.submit(f"gap-array-{uuid.uuid4().hex[:6]}", "cpu-etl", "etl-parquet", array_properties={"size": 2})
    assert "arrayProperties" not in unpatched(Job, "describe_short")(parent)


def test_moto_lists_the_running_attempt(seeder: JobSeeder) -> None:
    """patch batch_running_attempt_is_listed_when_it_ends: moto appends an attempt when it starts."""
    from moto.batch.models import Job

    job = job_in(seeder, "RUNNING")
    job._start_attempt()  # what moto does when a job starts
    attempts = unpatched(Job, "describe")(job)["attempts"]
    assert attempts and "stoppedAt" not in attempts[-1]


def test_moto_drops_the_submitted_retry_strategy(fleet: EmbeddedFleet) -> None:
    """patch batch_submit_job_keeps_retry_strategy."""
    from moto.batch.models import BatchBackend

    assert "retry_strategy" not in inspect.signature(BatchBackend.submit_job).parameters


def test_moto_finishes_a_job_when_it_is_submitted(fleet: EmbeddedFleet) -> None:
    """patch batch_api_submitted_jobs_start_submitted."""
    backend = batch_backend()
    _, job_id, _ = backend.submit_job(f"gap-{uuid.uuid4().hex[:6]}", "etl-parquet", "cpu-etl", array_properties={})
    assert backend._jobs[job_id].status == "SUCCEEDED"


def test_moto_reports_every_compute_environment_valid(fleet: EmbeddedFleet) -> None:
    """patch batch_compute_environment_status_is_stored."""
    from moto.batch.models import BatchBackend

    answer = unpatched(BatchBackend, "describe_compute_environments")(batch_backend(), ["gpu-p4-legacy"])
    assert answer[0]["status"] == "VALID"  # the fleet stored INVALID


def test_moto_ignores_vcpu_updates(fleet: EmbeddedFleet) -> None:
    """patch batch_update_compute_environment_applies_vcpus."""
    from moto.batch.models import BatchBackend

    name = f"gap-ce-{uuid.uuid4().hex[:6]}"
    batch = boto3_client(fleet.url, "batch")
    template = batch.describe_compute_environments(computeEnvironments=["cpu-ondemand"])["computeEnvironments"][0]
    cr = template["computeResources"]
    batch.create_compute_environment(
        computeEnvironmentName=name, type="MANAGED", state="ENABLED", serviceRole=template["serviceRole"],
        computeResources={"type": "EC2", "minvCpus": 0, "maxvCpus": 8, "instanceTypes": ["c6i.large"],
                          "instanceRole": cr["instanceRole"], "subnets": cr["subnets"],
                          "securityGroupIds": cr["securityGroupIds"]},
    )  # fmt: skip
    unpatched(BatchBackend, "update_compute_environment")(batch_backend(), name, None, {"maxvCpus": 64}, None)
    assert batch_backend().get_compute_environment(name).compute_resources["maxvCpus"] == 8


def test_moto_accepts_jobs_on_a_disabled_queue(fleet: EmbeddedFleet) -> None:
    """patch batch_submit_job_rejects_disabled_queue."""
    backend = batch_backend()
    assert backend.get_job_queue("spot-archive").state == "DISABLED"
    _, job_id, _ = backend.submit_job(f"gap-{uuid.uuid4().hex[:6]}", "etl-parquet", "spot-archive", array_properties={})
    assert job_id in backend._jobs


def test_moto_drops_queue_time_limit_actions(fleet: EmbeddedFleet) -> None:
    """patch batch_job_queue_keeps_time_limit_actions."""
    from moto.batch.models import JobQueue

    name = f"timelimit-gap-{uuid.uuid4().hex[:6]}"  # sorts after the seeded queues
    action = {"reason": "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY", "state": "RUNNABLE", "maxTimeSeconds": 600,
              "action": "CANCEL"}  # fmt: skip
    boto3_client(fleet.url, "batch").create_job_queue(
        jobQueueName=name, state="ENABLED", priority=1, jobStateTimeLimitActions=[action],
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": "cpu-ondemand"}],
    )  # fmt: skip
    queue = batch_backend().get_job_queue(name)
    assert "jobStateTimeLimitActions" not in unpatched(JobQueue, "describe")(queue)
    assert queue.describe()["jobStateTimeLimitActions"] == [action]


def test_moto_forward_token_after_a_start_time_read_returns_old_lines(fleet: EmbeddedFleet) -> None:
    """patch logs_forward_token_continues_after_a_start_time_read: "If you have reached the end of the stream, it
    returns the same token you passed in." moto's next page after a `startTime` read starts over in the stream."""
    from moto.logs.models import LogStream

    cites("logs", "GetLogEventsResponse", "nextForwardToken", "it returns the same token you passed in.")
    logs = logs_backend()
    group, stream = "/hybridml/tests/gaps", f"gap-{uuid.uuid4().hex[:6]}"
    if group not in logs.groups:
        logs.create_log_group(group, {})
    logs.create_log_stream(group, stream)
    base = int(datetime.now().timestamp() * 1000) - 60_000
    logs.put_log_events(group, stream, [{"timestamp": base + i, "message": f"line {i}"} for i in range(10)])
    model = logs.groups[group].streams[stream]
    original = unpatched(LogStream, "get_log_events")
    first, _, token = original(model, base + 5, None, 100, None, True)
    again, _, _ = original(model, None, None, 100, token, True)
    assert [e["message"] for e in first] == [f"line {i}" for i in range(5, 10)]
    assert again  # AWS: nothing (caught up); moto: lines already read
    patched_first, _, patched_token = model.get_log_events(base + 5, None, 100, None, True)
    assert patched_first == first
    assert model.get_log_events(None, None, 100, patched_token, True)[0] == []


def test_moto_rejects_current_sagemaker_instance_types(fleet: EmbeddedFleet) -> None:
    """patch sagemaker_accepts_current_instance_types: the ProductionVariantInstanceType enum holds ml.g5.xlarge."""
    from moto.sagemaker.models import FakeEndpointConfig

    from tests.conformance.conftest import model

    assert "ml.g5.xlarge" in model("sagemaker").shape_for("ProductionVariantInstanceType").enum
    with pytest.raises(Exception, match=r"ml\.g5\.xlarge"):
        unpatched(FakeEndpointConfig, "validate_instance_type")(None, "ml.g5.xlarge")


def test_moto_service_quotas_know_no_ec2_quota(fleet: EmbeddedFleet) -> None:
    """patch servicequotas_knows_ec2_vcpu_quotas."""
    from moto.servicequotas.models import ServiceQuotasBackend, servicequotas_backends

    backend = servicequotas_backends["123456789012"]["us-east-1"]
    with pytest.raises(Exception):  # noqa: B017  (moto's NoSuchResource)
        unpatched(ServiceQuotasBackend, "get_service_quota")(backend, "ec2", "L-1216C47A")


@pytest.mark.parametrize("operation", ["update_endpoint", "stop_training_job"])
def test_moto_sagemaker_lacks_operations(operation: str) -> None:
    """patches sagemaker_update_endpoint_is_implemented / sagemaker_stop_training_job_is_implemented: moto answers
    these with HTTP 500 (not implemented)."""
    import moto.sagemaker.responses

    assert f"def {operation}(" not in inspect.getsource(moto.sagemaker.responses)

"""Issue 14.6 and the demo's AWS emulation: log lines agree with their job, a fix applied with `a` lets the job run,
array parents stay PENDING while children work, and Batch's own time-limit action shows in the demo."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

from hybridml.actions.remedies import remedy_action
from hybridml.fleet.backends import batch_backend, logs_backend
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.inject import Injector
from hybridml.fleet.logtext import YOLO_FRAMES
from hybridml.fleet.seed import BATCH_LOG_GROUP, JobSeeder, boto3_client
from hybridml.services import Services
from hybridml.snapshot import gather_context
from hybridml.triage.engine import explain
from hybridml.triage.instances import CATALOGUE
from tests.conformance.conftest import cites

START = re.compile(r"^INFO starting (\S+) on (\S+)$")
FRAMES = re.compile(r"frames=(\d+)/(\d+)")


def stream_lines(stream: str) -> list[str]:
    events = logs_backend().groups[BATCH_LOG_GROUP].streams[stream].events
    return [e.message for e in sorted(events, key=lambda e: e.timestamp)]


def test_seeded_jobs_log_the_instance_type_they_run_on(fleet: EmbeddedFleet) -> None:
    """A job's first line names where it runs: an instance type its queue's compute environments launch, with the GPUs
    the job asks for (no GPU job "starting on c6i.2xlarge")."""
    checked = 0
    for job in list(batch_backend()._jobs.values()):
        stream = job.log_stream_name
        if not stream or job.job_definition.name not in ("yolo-dog-detect", "embed-text", "train-resnet50"):
            continue
        first = START.match(stream_lines(stream)[0])
        assert first is not None, stream_lines(stream)[0]
        itype = CATALOGUE[first.group(2)]
        allowed = {t for env in job.job_queue.environments for t in env.compute_resources["instanceTypes"]}
        assert itype.gpus >= 1 and itype.name in allowed, (job.job_name, itype.name)
        checked += 1
    assert checked >= 20


def test_a_job_just_started_logs_progress_from_zero(fleet: EmbeddedFleet) -> None:
    """Progress lines count the job's own lines: seconds after start it is near the beginning (no
    "frames=51840/12800"), and it never passes its total."""
    seeder = JobSeeder(fleet.simulator.rng, datetime.now())
    job = seeder.submit(f"yolo-fresh-{uuid.uuid4().hex[:6]}", "gpu-inference", "yolo-dog-detect")
    seeder.set_state(job, "RUNNABLE", 5)
    fleet.simulator._move(job, "STARTING", datetime.now(), "g5.xlarge")
    fleet.simulator._move(job, "RUNNING", datetime.now())
    seeder.write(job.log_stream_name, job, datetime.now(), 3, step_ms=1)  # what each simulator tick adds
    lines = stream_lines(job.log_stream_name)
    assert lines[0] == "INFO starting yolo-dog-detect on g5.xlarge"
    frames = [int(m.group(1)) for line in lines if (m := FRAMES.search(line))]
    assert all(0 < f <= 32 * 5 for f in frames)  # five lines in: at most 160 frames
    yolo = [j for j in list(batch_backend()._jobs.values()) if j.job_definition.name == "yolo-dog-detect"]
    seen = [
        m for j in yolo if j.log_stream_name for line in stream_lines(j.log_stream_name) if (m := FRAMES.search(line))
    ]
    assert seen and all(int(m.group(1)) <= int(m.group(2)) == YOLO_FRAMES for m in seen)  # never past the total


async def test_a_fix_applied_in_the_demo_lets_the_job_run(fleet: EmbeddedFleet, services: Services) -> None:
    """ComputeEnvironmentDetail `state`: "If the state is DISABLED, then the Batch scheduler doesn't attempt to place
    jobs within the environment." Enabling it (the fix `a` applies) lets Batch place the job: the demo's scheduler
    starts it on its next pass."""
    cites("batch", "ComputeEnvironmentDetail", "state", "the Batch scheduler doesn't attempt to place jobs")
    injector = Injector(fleet.url, fleet.simulator.seeder)
    queue = injector._small_queue(max_vcpus=16, base="fixme")
    boto3_client(fleet.url, "batch").update_compute_environment(computeEnvironment=queue, state="DISABLED")
    job = injector._job("etl-held", queue, "etl-parquet", "RUNNABLE", 40)
    fleet.simulator.pinned.add(job.job_id)
    fleet.simulator.schedule([job.job_id])
    assert job.status == "RUNNABLE"  # held while the compute environment is disabled

    ctx = await gather_context(services, sagemaker=False, quotas=False)
    fix = next(f.action for f in explain(ctx, "job", job.job_id, datetime.now(UTC)) if f.action is not None)
    assert fix is not None and fix.kind == "enable_compute_environment" and fix.target == queue
    await services.run(await remedy_action(services, fix))
    fleet.simulator.schedule([job.job_id])
    assert job.status == "STARTING" and job.job_id not in fleet.simulator.pinned


def test_array_parents_stay_pending_while_children_work(fleet: EmbeddedFleet) -> None:
    """ListJobs `jobStatus`: "Array job parents are updated to PENDING when any child job is updated to RUNNABLE and
    remain in PENDING status while child jobs are running." The demo's arrays do the same."""
    cites("batch", "ListJobsRequest", "jobStatus", "remain in PENDING status while child jobs are running.")
    jobs = batch_backend()._jobs
    for parent_id in fleet.seeded.array_parents:
        parent: Any = jobs[parent_id]
        active = any(c.status not in ("SUCCEEDED", "FAILED") for c in parent._child_jobs)
        assert parent.status == ("PENDING" if active else parent.status)


async def test_the_demo_queue_cancels_jobs_batch_cannot_place(fleet: EmbeddedFleet, services: Services) -> None:
    """JobStateTimeLimitAction `action`: "the only supported value is CANCEL, which will cancel the job." The demo's
    gpu-training queue cancels jobs stuck on maxvCpus after 6 hours; triage says when."""
    cites("batch", "JobStateTimeLimitAction", "action", "CANCEL, which will cancel the job.")
    ctx = await gather_context(services, sagemaker=False, quotas=False)
    job_id = fleet.seeded.stuck["train-llm-8gpu"]
    found = {f.cause: f for f in explain(ctx, "job", job_id, datetime.now(UTC))}
    assert "BATCH_WILL_CANCEL" in found and "after 6h00m at the head of the queue" in found["BATCH_WILL_CANCEL"].summary

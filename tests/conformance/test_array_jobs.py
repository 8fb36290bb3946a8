"""Issue 11.1 / 11.2: array children in every status; arrays stuck through their children are found.

Against the embedded fleet, whose ListJobs follows the documented rule (fleet patch
`batch_list_jobs_without_status_lists_running_only`), and against the array fixture (1,000 children).
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from hybridml.aws.batch_jobs import _job_from_api
from hybridml.cli import main
from hybridml.config import WatchSettings
from hybridml.domain.batch import JobStatus
from hybridml.domain.logs import BATCH_LOG_GROUP, LogSource
from hybridml.fleet.backends import logs_backend
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.seed import JobSeeder
from hybridml.headless.logs import print_logs
from hybridml.services import Services
from hybridml.triage.engine import explain, triage
from hybridml.triage.watches import evaluate
from tests.conformance.conftest import cites, load, unique
from tests.triage.factories import ce, context, queue

RUNNING_ONLY = "If you don't specify a status, only RUNNING jobs are returned."
PARENT_PENDING = (
    "Array job parents are updated to PENDING when any child job is updated to RUNNABLE and remain in PENDING status "
    "while child jobs are running."
)
STATUSES = ["SUCCEEDED", "FAILED", "RUNNING", "RUNNABLE", "PENDING", "STARTING", "SUCCEEDED", "FAILED"]


def array_in_every_status(seeder: JobSeeder, name: str) -> Any:
    """An array of 8 children, two finished each way, one in each waiting/running status, each with its own lines."""
    parent = seeder.submit(name, "cpu-etl", "etl-parquet", array_properties={"size": len(STATUSES)})
    for child, status in zip(parent._child_jobs, STATUSES, strict=True):
        seeder.set_state(child, status, 900)
        if child.log_stream_name:
            index = child.array_properties["index"]
            logs_backend().put_log_events(
                BATCH_LOG_GROUP,
                child.log_stream_name,
                [{"timestamp": int(datetime.now().timestamp() * 1000), "message": f"child {index} {status} here"}],
            )
    seeder.set_state(parent, "PENDING", 900)
    return parent


async def test_list_jobs_without_status_returns_running_only(services: Services, seeder: JobSeeder) -> None:
    """ListJobs `jobStatus`: "If you don't specify a status, only RUNNING jobs are returned." The fleet answers as
    AWS does, for an array's children and for a queue."""
    cites("batch", "ListJobsRequest", "jobStatus", RUNNING_ONLY)
    parent = array_in_every_status(seeder, unique("conf-array"))
    client = await services.session.client("batch")
    children = (await client.list_jobs(arrayJobId=parent.job_id))["jobSummaryList"]
    assert {c["status"] for c in children} == {"RUNNING"} and len(children) == 1
    listed = (await client.list_jobs(jobQueue="cpu-etl"))["jobSummaryList"]
    assert listed and {j["status"] for j in listed} == {"RUNNING"}


async def test_array_children_are_listed_in_every_status(services: Services, seeder: JobSeeder) -> None:
    """ListJobs `arrayJobId`: "Specifying an array job ID with this parameter lists all child jobs from within the
    specified array." With no status only RUNNING ones come, so the app asks for each status (issue 11.1)."""
    cites("batch", "ListJobsRequest", "arrayJobId", "lists all child jobs from within the specified array.")
    parent = array_in_every_status(seeder, unique("conf-array"))
    children = await services.batch.array_children(parent.job_id)
    assert [c.status.value for c in children] == STATUSES
    assert [c.array.index for c in children if c.array] == list(range(len(STATUSES)))


async def test_array_logs_print_finished_children(services: Services, seeder: JobSeeder) -> None:
    """`hybridml logs ARRAY_ID` prints the lines of FAILED and SUCCEEDED children, not only RUNNING ones (11.1)."""
    cites("batch", "ListJobsRequest", "jobStatus", RUNNING_ONLY)
    parent = array_in_every_status(seeder, unique("conf-array-logs"))
    out, err = io.StringIO(), io.StringIO()
    code = await print_logs(services, LogSource.batch_job(parent.job_id), out=out, err=err, tags=False)
    text = out.getvalue()
    assert code == 0, err.getvalue()
    for index, status in enumerate(STATUSES):
        if status in ("SUCCEEDED", "FAILED", "RUNNING"):
            assert f"child {index} {status} here" in text


async def test_finished_array_follow_ends(services: Services, seeder: JobSeeder) -> None:
    """A finished array (every child SUCCEEDED or FAILED, the parent too) is read to its end and the follow stops."""
    cites("batch", "ListJobsRequest", "jobStatus", PARENT_PENDING)
    parent = seeder.submit(unique("conf-array-done"), "cpu-etl", "etl-parquet", array_properties={"size": 3})
    for child, status in zip(parent._child_jobs, ("SUCCEEDED", "FAILED", "SUCCEEDED"), strict=True):
        seeder.set_state(child, status, 600)
    seeder.set_state(parent, "FAILED", 600)
    out, err = io.StringIO(), io.StringIO()
    code = await print_logs(services, LogSource.batch_job(parent.job_id), out=out, err=err, follow=True, poll_s=0.2)
    assert code == 0 and "ended" in err.getvalue() and out.getvalue().count("INFO starting") == 3


def _fixture_context(**kw: Any) -> Any:
    fixture = load("array_job.json")
    parent = _job_from_api(fixture["parent"]["jobs"][0])
    runnable = [_job_from_api(d) for d in fixture["children"]["RUNNABLE"]["jobSummaryList"]]
    gpu = ce("gpu", instance_types=("g5.xlarge", "g5.2xlarge", "g5.12xlarge"))
    return parent, context(
        (parent,), ces=(gpu,), queues=(queue("gpu-inference", ("gpu",)),), array_children=tuple(runnable), **kw
    )


def test_array_stuck_through_its_children_is_a_finding_on_the_parent() -> None:
    """ListJobs `jobStatus`: "Array job parents are updated to PENDING when any child job is updated to RUNNABLE and
    remain in PENDING status while child jobs are running." Queue listings hold no children, so a stuck array shows
    only through its children: 900 of them RUNNABLE with a MISCONFIGURATION reason is one finding on the parent."""
    cites("batch", "ListJobsRequest", "jobStatus", PARENT_PENDING)
    parent, ctx = _fixture_context()
    assert parent.status is JobStatus.PENDING and parent.created_at is not None
    now = parent.created_at + timedelta(minutes=3)  # young: the reason is certain, no waiting time applies
    found = [f for f in triage(ctx, now) if f.resource_id == parent.job_id]
    assert found and found[0].cause == "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT"
    assert found[0].summary.startswith("900 children RUNNABLE: ")
    assert ("children RUNNABLE", "900") in found[0].evidence
    words = " ".join(f"{f.summary} {f.fix}" for f in explain(ctx, "job", parent.job_id, now))
    assert "resubmit if it does not move" not in words and "WAITING_TOO_LONG" not in {f.cause for f in found}


def test_healthy_pending_parent_is_not_advised_to_be_resubmitted() -> None:
    """A PENDING parent whose children run is what AWS shows for a healthy array: `t` finds nothing to fix."""
    cites("batch", "ListJobsRequest", "jobStatus", PARENT_PENDING)
    parent, ctx = _fixture_context()
    healthy = context(
        (parent,), ces=ctx.compute_environments, queues=ctx.queues, array_children=()
    )  # no RUNNABLE child read
    later = (parent.created_at or datetime.now(UTC)) + timedelta(hours=5)
    assert explain(healthy, "job", parent.job_id, later) == []
    assert [f for f in triage(healthy, later) if f.resource_id == parent.job_id] == []


def test_watch_alerts_on_an_array_whose_children_all_wait() -> None:
    """Watches read the parent's `statusSummary` (ArrayPropertiesSummary: "A summary of the number of array job
    children in each available job status. This parameter is returned for parent array jobs.")."""
    cites("batch", "ArrayPropertiesSummary", "statusSummary", "This parameter is returned for parent array jobs.")
    fixture = load("array_job.json")
    detail = fixture["parent"]["jobs"][0]
    stalled = dict(detail, arrayProperties={"size": 1000, "statusSummary": {"RUNNABLE": 900, "SUCCEEDED": 100}})
    moving = _job_from_api(detail)  # 5 RUNNING, 2 STARTING: making progress
    parent = _job_from_api(stalled)
    later = (parent.created_at or datetime.now(UTC)) + timedelta(hours=1)
    rules = WatchSettings(runnable_after_min=30)
    assert [a.text for a in evaluate(context((parent,)), rules, later)] == [
        "embed-shards-2025-11-24: 900 children RUNNABLE, none running"
    ]
    assert evaluate(context((moving,)), rules, later) == []


def test_headless_triage_names_the_seeded_stuck_array(fleet: EmbeddedFleet) -> None:
    """The demo fleet's array `p4-eval-sweep` waits on an INVALID compute environment: `hybridml triage --json`
    reports it on the parent, through its RUNNABLE children, and exits 3."""
    cites("batch", "ListJobsRequest", "jobStatus", PARENT_PENDING)
    out = io.StringIO()
    args = ["--endpoint-url", fleet.url, "--region", fleet.region, "triage", "--json", "--min-severity", "error"]
    with contextlib.redirect_stdout(out):
        code = main(args)
    report = json.loads(out.getvalue())
    parent = fleet.seeded.stuck["p4-eval-sweep"]
    mine = [f for f in report["findings"] if f["resource_id"] == parent]
    assert code == 3 and mine and all("30 children RUNNABLE" in f["summary"] for f in mine)


def test_an_array_making_progress_is_not_called_stuck_without_a_cause() -> None:
    """ListJobs `jobStatus`: "Array job parents [...] remain in PENDING status while child jobs are running." Children
    RUNNABLE behind running siblings are queueing: with no cause in the API, that is no finding; a cause Batch names
    still is one."""
    cites("batch", "ListJobsRequest", "jobStatus", PARENT_PENDING)
    fixture = load("array_job.json")
    detail = dict(fixture["parent"]["jobs"][0])
    detail["container"] = dict(detail["container"], resourceRequirements=[{"type": "VCPU", "value": "4"}])
    parent = _job_from_api(detail)  # 5 RUNNING, 2 STARTING, 900 RUNNABLE; now fits a g5 instance
    queued = [
        _job_from_api({k: v for k, v in d.items() if k != "statusReason"})
        for d in fixture["children"]["RUNNABLE"]["jobSummaryList"]
    ]
    gpu = ce("gpu", instance_types=("g5.xlarge", "g5.2xlarge", "g5.12xlarge"))
    ctx = context((parent,), ces=(gpu,), queues=(queue("gpu-inference", ("gpu",)),), array_children=tuple(queued))
    later = (parent.created_at or datetime.now(UTC)) + timedelta(hours=2)
    assert explain(ctx, "job", parent.job_id, later) == []
    stalled = dataclasses.replace(parent, array=dataclasses.replace(parent.array, status_counts=(("RUNNABLE", 900),)))
    ctx2 = context((stalled,), ces=(gpu,), queues=ctx.queues, array_children=tuple(queued))
    assert [f.cause for f in explain(ctx2, "job", parent.job_id, later)] == ["NO_VISIBLE_CAUSE"]

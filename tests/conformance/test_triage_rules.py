"""Issue 11.3 / 11.4 / 11.5 / 14.5: what Batch documents about waiting jobs, queues and compute environments
decides what triage says (pure rules over the factories, and `hybridml triage` against the fleet)."""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from hybridml.cli import main
from hybridml.config import WatchSettings
from hybridml.domain.batch import JobStatus, ResourceRequest, TimeLimitAction
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.seed import JobSeeder, boto3_client
from hybridml.render.batch import job_row
from hybridml.services import Services
from hybridml.triage.batch_reasons import REASON_CODES
from hybridml.triage.engine import explain, triage
from hybridml.triage.watches import evaluate
from tests.conformance.conftest import cites, unique
from tests.triage.factories import NOW, ce, context, job, queue

MISCONFIGURATION = (
    "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - All compute environments have no connected instances that meet the "
    "job requirements."
)


def causes(found: list) -> list[str]:  # type: ignore[type-arg]
    return [f.cause for f in found]


def test_a_misconfiguration_reason_is_a_finding_at_once() -> None:
    """JobDetail `statusReason`: "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - All compute environments have no
    connected instances that meet the job requirements." Nothing but a fix changes that, so a job RUNNABLE with such
    a reason is a finding one minute after submission; a CAPACITY reason may clear by itself and waits."""
    cites("batch", "JobDetail", "statusReason", "All compute environments have no connected instances that meet")
    young = job("etl-x", age_min=1, status_reason=MISCONFIGURATION)
    assert causes(triage(context((young,)), NOW))[0] == "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT"
    capacity = job("burst", age_min=1, status_reason="CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - no g5")
    assert triage(context((capacity,)), NOW) == []


def test_a_job_no_allowed_instance_can_hold_is_a_finding_at_once() -> None:
    """JobDetail `statusReason`: "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - All compute environments have no
    connected instances that meet the job requirements." A job bigger than every instance type the queue's compute
    environments allow is that case before Batch says so: a finding at once, waiting proves nothing."""
    cites("batch", "JobDetail", "statusReason", "have no connected instances that meet the job requirements.")
    huge = job("huge", age_min=1, resources=ResourceRequest(vcpus=4, memory_mib=900_000, gpus=1))
    assert "JOB_DOES_NOT_FIT" in causes(triage(context((huge,)), NOW))
    fits = job("fits", age_min=1)
    assert triage(context((fits,)), NOW) == []


def test_jobs_row_is_marked_when_batch_says_it_cannot_place_the_job() -> None:
    """A RUNNABLE job with a MISCONFIGURATION reason is marked in the jobs view at once (issue 11.3)."""
    cites("batch", "JobDetail", "statusReason", "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT")
    held = job_row(job("etl-x", age_min=1, status_reason=MISCONFIGURATION), NOW)
    plain = job_row(job("etl-y", age_min=1, status_reason="CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - x"), NOW)
    assert str(held[1]).endswith("!") and str(held[7]).startswith("MISCONFIGURATION")
    assert not str(plain[1]).endswith("!")


def test_headless_triage_reports_a_just_submitted_misconfigured_job(
    fleet: EmbeddedFleet, seeder: JobSeeder, services: Services
) -> None:
    """The hidden-fleet rule: `hybridml triage --json` names a job RUNNABLE with a `MISCONFIGURATION:*` reason within
    one refresh of its submission and exits 3 (the job here was submitted a moment ago)."""
    cites("batch", "JobDetail", "statusReason", "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE")
    fresh = seeder.submit(unique("conf-misconfigured"), "cpu-etl", "etl-parquet")
    seeder.set_state(fresh, "RUNNABLE", 2, reason=MISCONFIGURATION)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["--endpoint-url", fleet.url, "--region", fleet.region, "triage", "--json"])
    found = [f for f in json.loads(out.getvalue())["findings"] if f["resource_id"] == fresh.job_id]
    assert code == 3 and found and found[0]["cause"] == "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT"


@pytest.mark.parametrize("code", sorted(REASON_CODES))
def test_every_documented_status_reason_code_is_explained(code: str) -> None:
    """The statusReason codes of JobDetail ("CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - All compute environments have
    insufficient capacity to service the job.", the MISCONFIGURATION ones) and of the Batch User Guide ("Jobs stuck in
    a RUNNABLE status": MISCONFIGURATION:EC2_INSTANCE_CONFIGURATION_UNSUPPORTED, ACTION_REQUIRED, UNDETERMINED)."""
    cites(
        "batch", "JobDetail", "statusReason", "All compute environments have insufficient capacity to service the job."
    )
    found = explain(context((job(status_reason=f"{code} - details from Batch"),)), "job", "id-j", NOW)
    assert found[0].cause == code and found[0].fix
    assert ("job.statusReason", f"{code} - details from Batch") in found[0].evidence


def test_seven_codes() -> None:
    """Issue 11.4: all seven documented codes are known."""
    assert set(REASON_CODES) == {
        "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
        "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE",
        "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT",
        "MISCONFIGURATION:SERVICE_ROLE_PERMISSIONS",
        "MISCONFIGURATION:EC2_INSTANCE_CONFIGURATION_UNSUPPORTED",
        "ACTION_REQUIRED",
        "UNDETERMINED",
    }
    undetermined = job("u", age_min=1, status_reason="UNDETERMINED - not known yet")
    assert triage(context((undetermined,)), NOW) == []  # needs time to be sure of


def test_says_when_batch_will_cancel_a_stuck_job() -> None:
    """JobStateTimeLimitAction: "Specifies an action that Batch will take after the job has remained at the head of
    the queue in the specified state for longer than the specified time." `action`: "For job queues connected to a
    ECS, FARGATE or EKS compute environment, the only supported value is CANCEL, which will cancel the job." """
    cites("batch", "JobStateTimeLimitAction", None, "Specifies an action that Batch will take after the job has")
    cites(
        "batch", "JobStateTimeLimitAction", "action", "the only supported value is CANCEL, which will cancel the job."
    )
    action = TimeLimitAction("MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT", "RUNNABLE", 4 * 3600, "CANCEL")
    ctx = context((job(age_min=60, status_reason=MISCONFIGURATION),), queues=(queue(time_limit_actions=(action,)),))
    found = {f.cause: f for f in explain(ctx, "job", "id-j", NOW)}
    will = found["BATCH_WILL_CANCEL"]
    assert "Batch will cancel this job itself at 15:00 UTC at the earliest (in 3h00m)" in will.summary
    other = context((job(age_min=60, status_reason="CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - x"),),
                    queues=(queue(time_limit_actions=(action,)),))  # fmt: skip
    assert "BATCH_WILL_CANCEL" not in causes(explain(other, "job", "id-j", NOW))  # another reason: not acted on


async def test_queue_time_limit_actions_are_read(services: Services) -> None:
    """JobQueueDetail `jobStateTimeLimitActions`: "The set of actions that Batch perform on jobs that remain at the
    head of the job queue in the specified state longer than specified times." """
    cites("batch", "JobQueueDetail", "jobStateTimeLimitActions", "The set of actions that Batch perform on jobs")
    batch = boto3_client(services.session.target.endpoint, "batch")
    name = unique("timelimit")  # sorts after the seeded queues (the queues view lists by name)
    action = {"reason": "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE", "state": "RUNNABLE",
              "maxTimeSeconds": 3600, "action": "CANCEL"}  # fmt: skip
    batch.create_job_queue(jobQueueName=name, state="ENABLED", priority=1, jobStateTimeLimitActions=[action],
                           computeEnvironmentOrder=[{"order": 1, "computeEnvironment": "cpu-ondemand"}])  # fmt: skip
    queues = {q.name: q for q in await services.batch.job_queues()}
    assert queues[name].time_limit_actions == (
        TimeLimitAction("MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE", "RUNNABLE", 3600, "CANCEL"),
    )


def test_updating_compute_environment_still_places_jobs() -> None:
    """ComputeEnvironmentDetail `state`: "If the state is ENABLED, then the Batch scheduler can attempt to place jobs
    from an associated job queue on the compute resources within the environment." An ENABLED environment that is
    UPDATING keeps running and placing jobs: its queue is not blocked (issue 11.5)."""
    cites("batch", "ComputeEnvironmentDetail", "state", "the Batch scheduler can attempt to place jobs")
    updating = context((job(age_min=60),), ces=(ce(status="UPDATING"),))
    assert "QUEUE_NO_VALID_CE" not in causes(triage(updating, NOW))
    assert [a for a in evaluate(updating, WatchSettings(), NOW) if a.key.startswith("queue/")] == []
    creating = context((job(age_min=60),), ces=(ce(status="CREATING"),))
    assert "QUEUE_NO_VALID_CE" in causes(triage(creating, NOW))


def test_disabled_queue_still_runs_its_jobs_and_the_real_blocker_comes_first() -> None:
    """JobQueueDetail `state`: "If the job queue state is DISABLED, new jobs can't be added to the queue, but jobs
    already in the queue can finish." A job in a disabled queue whose compute environment is also disabled is held
    by the compute environment: that fix is offered first (issue 14.5)."""
    cites(
        "batch",
        "JobQueueDetail",
        "state",
        "new jobs can't be added to the queue, but jobs already in the queue can finish.",
    )
    both = context((job(age_min=60),), ces=(ce(state="DISABLED"),), queues=(queue(state="DISABLED"),))
    found = explain(both, "job", "id-j", NOW)
    assert causes(found)[:3] == ["CE_DISABLED", "QUEUE_NO_VALID_CE", "QUEUE_DISABLED"]
    first_fix = next(f for f in found if f.action is not None)
    assert first_fix.cause == "CE_DISABLED" and first_fix.action is not None
    queue_finding = next(f for f in found if f.cause == "QUEUE_DISABLED")
    assert "starts nothing" not in queue_finding.summary and "can still run and finish" in queue_finding.summary
    only_queue = context((job(age_min=60),), queues=(queue(state="DISABLED"),))
    said = [f for f in triage(only_queue, NOW) if f.cause == "QUEUE_DISABLED"]
    assert said and all(f.severity.label == "info" for f in said)  # not what holds the job


def test_status_enum_of_compute_environments() -> None:
    """CEStatus: CREATING | UPDATING | DELETING | DELETED | VALID | INVALID (the model's enum): only VALID and UPDATING
    place jobs."""
    from tests.conformance.conftest import model

    statuses = model("batch").shape_for("CEStatus").enum
    assert statuses == ["CREATING", "UPDATING", "DELETING", "DELETED", "VALID", "INVALID"]
    usable = {s for s in statuses if ce(status=s).usable}
    assert usable == {"VALID", "UPDATING"} and JobStatus.RUNNABLE.value in model("batch").shape_for("JobStatus").enum

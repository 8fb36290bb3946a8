"""A hostile fleet: the demo fleet plus resources whose free-text fields carry a corpus of hostile strings.

Every field AWS lets anyone write arbitrary text into gets the corpus: a job's statusReason (CancelJob /
TerminateJob take any reason), parameters, command and environment, a compute environment's statusReason, log
lines, SageMaker FailureReasons, training hyperparameters and status messages. Names keep the character sets AWS
validates ("Up to 128 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed" for Batch
job names; `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}` for SageMaker names), and tag values keep theirs
(`^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$`, which still admits U+2028, a line separator).

`hybridml --demo --demo-fleet hostile` opens the console on it; tests seed it with `seed_hostile`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from hybridml.fleet.backends import batch_backend, sagemaker_backend
from hybridml.fleet.seed import BATCH_LOG_GROUP, JobSeeder, boto3_client

# label -> string. Each is something a principal other than the console's user can put in front of it.
HOSTILE: dict[str, str] = {
    "click_screenshot": "[@click=app.screenshot('.bashrc','.')]Y[/]",
    "click_quit": "[@click=app.quit]Q[/]",
    "click_key": "[@click=app.simulate_key('ctrl+k')]K[/]",
    "style": "[bold red]RED[/bold red]",
    "link": "[link=file:///etc/passwd]passwd[/link]",
    "unbalanced_close": "[/data]",
    "unbalanced_end": "UNBAL[/]",
    "status_tag": "[Failed]",
    "emoji": ":warning: :skull:",
    "osc52_clipboard": "\x1b]52;c;aGFja2VkCg==\x07",
    "osc2_title": "\x1b]2;pwned-title\x07",
    "osc8_link": "\x1b]8;;http://evil.example/\x1b\\click me\x1b]8;;\x1b\\",
    "csi_clear": "\x1b[2J\x1b[H",
    "csi_query": "\x1b[6n",
    "c1_csi": "\x9b31mC1\x9b0m",
    "bell": "\x07\x07bell",
    "newline_row": "first line\nFORGED-ROW  FAILED  forged",
    "carriage_return": "visible\roverwritten",
    "bidi_override": "\u202eexe.txt\u202c",
    "bidi_isolate": "\u2066isolated\u2069",
    "tab": "a\tb",
    "big": "B" * 100_000 + "[/big]\x1b]52;c;YmlnCg==\x07",
}
CORPUS: tuple[str, ...] = tuple(HOSTILE.values())
# Tag values: AWS allows letters, separators (Z: includes U+2028 / U+2029), digits and _ . : / = + - @
HOSTILE_TAG = "note\u2028forged: @ops :warning:"

TRAINING_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/hybridml/train:1"
HOSTILE_QUEUE = "hostile-queue"
HOSTILE_DEFINITION = "hostile-def"


@dataclass
class HostileFleet:
    """Ids of what `seed_hostile` made (the simulator leaves the jobs alone)."""

    job_ids: list[str] = field(default_factory=list)
    log_job_id: str = ""
    compute_environments: list[str] = field(default_factory=list)
    endpoints: list[str] = field(default_factory=list)
    training_jobs: list[str] = field(default_factory=list)


def _batch(url: str, out: HostileFleet) -> None:
    backend = batch_backend()
    batch = boto3_client(url, "batch")
    template = next(iter(backend._compute_environments.values()))
    resources = dict(template.compute_resources)
    resources["instanceTypes"] = ["c6i.large"]
    resources["minvCpus"], resources["maxvCpus"], resources["desiredvCpus"] = 0, 16, 0
    resources.pop("bidPercentage", None)
    resources.pop("allocationStrategy", None)
    resources["type"] = "EC2"
    ces: list[str] = []
    for i, label in enumerate(("click_screenshot", "unbalanced_close", "osc52_clipboard", "newline_row")):
        name = f"hostile-ce-{i}"
        arn = batch.create_compute_environment(
            computeEnvironmentName=name,
            type="MANAGED",
            state="ENABLED",
            serviceRole=template.service_role,
            computeResources=resources,
        )["computeEnvironmentArn"]
        env = backend._compute_environments[arn]
        env.hybridml_status, env.hybridml_status_reason = "INVALID", HOSTILE[label]
        ces.append(name)
    out.compute_environments = ces
    batch.create_job_queue(
        jobQueueName=HOSTILE_QUEUE,
        state="ENABLED",
        priority=1,
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": ces[0]}],
    )
    queue = next(q for q in backend._job_queues.values() if q.name == HOSTILE_QUEUE)
    queue.hybridml_status, queue.hybridml_status_reason = "INVALID", HOSTILE["click_key"] + HOSTILE["csi_query"]
    batch.register_job_definition(
        jobDefinitionName=HOSTILE_DEFINITION,
        type="container",
        parameters={"note": HOSTILE["click_quit"], "banner": HOSTILE["osc52_clipboard"]},
        containerProperties={
            "image": "public.ecr.aws/docker/library/busybox:latest",
            "command": ["echo", "Ref::note", HOSTILE["style"], HOSTILE["csi_clear"]],
            "environment": [{"name": "BANNER", "value": HOSTILE["osc2_title"]}],
            "resourceRequirements": [{"type": "VCPU", "value": "1"}, {"type": "MEMORY", "value": "512"}],
            "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": BATCH_LOG_GROUP}},
        },
    )


def _jobs(out: HostileFleet, seeder: JobSeeder) -> None:
    labels = list(HOSTILE)
    for i, label in enumerate(labels):
        text = HOSTILE[label]
        job = seeder.submit(
            f"hostile-{i:02d}-{label.replace('_', '-')}",
            HOSTILE_QUEUE,
            HOSTILE_DEFINITION,
            parameters={"note": text},
            container_overrides={
                "command": ["echo", text],
                "environment": [{"name": "NOTE", "value": text}],
            },
            tags={"note": HOSTILE_TAG},
        )
        # FAILED shows the reason in :jobs; RUNNABLE for an hour is stuck, so triage quotes it too
        status = "RUNNABLE" if i % 2 else "FAILED"
        seeder.set_state(job, status, 3600 + i, reason=text)
        out.job_ids.append(str(job.job_id))
    job = seeder.submit("hostile-logs", HOSTILE_QUEUE, HOSTILE_DEFINITION)
    seeder.set_state(job, "RUNNING", 600, reason=HOSTILE["osc8_link"])
    base = int((seeder.now - timedelta(minutes=5)).timestamp() * 1000)
    events = [{"timestamp": base + i, "message": text} for i, text in enumerate(CORPUS)]
    seeder.logs.put_log_events(BATCH_LOG_GROUP, job.log_stream_name, events)
    out.log_job_id = str(job.job_id)
    out.job_ids.append(out.log_job_id)


def _sagemaker(url: str, out: HostileFleet) -> None:
    from hybridml.fleet.seed_sagemaker import TRAINING_LOG_GROUP, _put, create_endpoint

    sm = boto3_client(url, "sagemaker")
    backend = sagemaker_backend()
    role = next(iter(backend.training_jobs.values())).role_arn if backend.training_jobs else ""
    if not role:
        role = boto3_client(url, "iam").get_role(RoleName="SageMakerExecution")["Role"]["Arn"]
    now = datetime.now(UTC).replace(tzinfo=None)  # moto keeps SageMaker times as naive UTC
    for i, label in enumerate(("click_quit", "unbalanced_end", "osc52_clipboard", "status_tag")):
        name = f"hostile-ep-{i}"
        create_endpoint(sm, name, role, "ml.m5.large", 1)
        endpoint = backend.endpoints[name]
        endpoint.endpoint_status, endpoint.failure_reason = "Failed", HOSTILE[label]
        endpoint.production_variants[0]["CurrentInstanceCount"] = 0
        out.endpoints.append(name)
    for i, label in enumerate(("click_screenshot", "link", "csi_clear", "bidi_override")):
        name = f"hostile-train-{i}"
        sm.create_training_job(
            TrainingJobName=name,
            AlgorithmSpecification={"TrainingImage": TRAINING_IMAGE, "TrainingInputMode": "File"},
            RoleArn=role,
            HyperParameters={"note": HOSTILE[label], "epochs": "3"},
            OutputDataConfig={"S3OutputPath": "s3://hybridml-models/hostile"},
            ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
            StoppingCondition={"MaxRuntimeInSeconds": 3600},
        )
        job = backend.training_jobs[name]
        created = now - timedelta(minutes=30 + i)
        job.training_job_status, job.secondary_status = "Failed", "Failed"
        job.failure_reason = HOSTILE[label]
        job.creation_time, job.last_modified_time = created, now
        job.training_start_time, job.training_end_time = created, now
        job.secondary_status_transitions = [
            {"Status": "Starting", "StartTime": created, "EndTime": now, "StatusMessage": HOSTILE["newline_row"]},
            {"Status": "Failed", "StartTime": now, "StatusMessage": HOSTILE[label]},
        ]
        _put(TRAINING_LOG_GROUP, f"{name}/algo-1-{int(created.timestamp())}", list(CORPUS), created)
        out.training_jobs.append(name)


def seed_hostile(url: str, rng: random.Random | None = None) -> HostileFleet:
    """Add the hostile resources to a seeded fleet (Batch and SageMaker must be seeded already)."""
    out = HostileFleet()
    _batch(url, out)
    seeder = JobSeeder(rng or random.Random(13), datetime.now())
    _jobs(out, seeder)
    _sagemaker(url, out)
    return out


def pin(simulator: Any, fleet: HostileFleet) -> None:
    """Keep the simulator's hands off the hostile jobs (their reasons must stay what they are)."""
    simulator.pinned.update(fleet.job_ids)

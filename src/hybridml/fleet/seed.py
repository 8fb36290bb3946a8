"""Seed a realistic hybrid fleet into an embedded moto server.

Infrastructure (IAM, VPC, compute environments, queues, job definitions, SageMaker) goes through the
API with boto3, like a person's scripts would. Hundreds of jobs are created and given their states
in-process on moto's backends, which is fast and the only way to hold jobs in non-final states.
"""

from __future__ import annotations

import functools
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from hybridml.fleet import catalog
from hybridml.fleet.backends import batch_backend, logs_backend
from hybridml.fleet.logtext import log_lines
from hybridml.fleet.scheduler import placement_type
from hybridml.fleet.seed_infra import BATCH_LOG_GROUP as BATCH_LOG_GROUP  # (re-exported: the log group's name)
from hybridml.fleet.seed_infra import batch_infrastructure
from hybridml.fleet.server import DEMO_ACCESS_KEY, DEMO_REGION, DEMO_SECRET_KEY

if TYPE_CHECKING:
    from hybridml.fleet.seed_mlops import MlopsSeed

STATUS_MIX = (
    ("SUCCEEDED", 0.52),
    ("FAILED", 0.10),
    ("RUNNING", 0.16),
    ("STARTING", 0.04),
    ("RUNNABLE", 0.08),
    ("PENDING", 0.05),
    ("SUBMITTED", 0.05),
)


@dataclass
class SeededFleet:
    """What was seeded: ids the simulator and the tests refer to."""

    url: str
    queues: list[str] = field(default_factory=list)
    job_ids: list[str] = field(default_factory=list)
    stuck: dict[str, str] = field(default_factory=dict)  # scenario name -> job id
    array_parents: list[str] = field(default_factory=list)
    failed_dependency: str = ""
    endpoints: list[str] = field(default_factory=list)
    training_jobs: list[str] = field(default_factory=list)
    mlops: MlopsSeed | None = None  # pipelines, tuning, monitors, registry, A/B endpoints, notebooks


def boto3_client(url: str, service: str, region: str = DEMO_REGION) -> Any:
    import boto3

    return boto3.client(
        service,
        region_name=region,
        endpoint_url=url,
        aws_access_key_id=DEMO_ACCESS_KEY,
        aws_secret_access_key=DEMO_SECRET_KEY,
    )


def _overrides(vcpus: int | None, memory: int | None, gpus: int | None) -> dict[str, Any]:
    reqs = [
        {"type": t, "value": str(v)} for t, v in (("VCPU", vcpus), ("MEMORY", memory), ("GPU", gpus)) if v is not None
    ]
    return {"resourceRequirements": reqs} if reqs else {}


class JobSeeder:
    """Creates jobs in-process and sets their state, attempts and log streams; every time is `now` minus an age
    (`now`: a naive local datetime, as moto's Batch backend keeps them)."""

    def __init__(
        self,
        rng: random.Random,
        now: datetime,
        *,
        logs: bool = True,
        defer_logs: bool = False,
        region: str = DEMO_REGION,
    ) -> None:
        self.rng = rng
        self.now = now
        self.logs_enabled = logs
        self.defer_logs = defer_logs  # queue the CloudWatch writes for `flush_logs()` (fast demo start)
        self.pending_logs: list[Callable[[], object]] = []
        self.region = region
        self.backend = batch_backend(region)
        self.logs = logs_backend(region)
        if BATCH_LOG_GROUP not in self.logs.groups:
            self.logs.create_log_group(BATCH_LOG_GROUP, {})

    def submit(self, name: str, queue: str, jobdef: str, **kwargs: Any) -> Any:
        _, job_id, _ = self.backend.submit_job(
            job_name=name,
            job_def_id=jobdef,
            job_queue=queue,
            array_properties=kwargs.pop("array_properties", {}),
            **kwargs,
        )
        return self.backend._jobs[job_id]

    def new_stream(self, job: Any) -> str:
        stream = f"{job.job_definition.name}/default/{uuid.UUID(int=self.rng.getrandbits(128)).hex}"
        if self.logs_enabled:
            self._logs_call(self.logs.create_log_stream, BATCH_LOG_GROUP, stream)
        return stream

    def _logs_call(self, func: Callable[..., object], *args: Any) -> None:
        if self.defer_logs:
            self.pending_logs.append(functools.partial(func, *args))
        else:
            func(*args)

    def flush_logs(self) -> None:
        """Write the log streams and events queued while `defer_logs` was on (in order), then stop deferring."""
        pending, self.pending_logs, self.defer_logs = self.pending_logs, [], False
        for write in pending:
            write()

    def write(
        self, stream: str, job: Any, start: datetime, count: int, failed: bool = False, *, step_ms: int = 850
    ) -> None:
        """`count` more lines of `job` (its line counter goes on from where it was) from `start` on."""
        if not self.logs_enabled:
            return
        if self.defer_logs:  # the lines themselves are made later too (the text is most of the cost)
            self.pending_logs.append(functools.partial(self._write, stream, job, start, count, failed, step_ms))
        else:
            self._write(stream, job, start, count, failed, step_ms)

    def _write(self, stream: str, job: Any, start: datetime, count: int, failed: bool, step_ms: int) -> None:
        first = int(getattr(job, "hybridml_log_step", 0) or 0)
        job.hybridml_log_step = first + count
        lines = log_lines(
            job.job_definition.name,
            self.rng,
            count,
            failed=failed,
            instance_type=str(getattr(job, "hybridml_instance_type", "") or ""),
            first_step=first,
        )
        base = int(start.timestamp() * 1000)
        events = [{"timestamp": base + i * step_ms, "message": text} for i, text in enumerate(lines)]
        if events:
            self._logs_call(self.logs.put_log_events, BATCH_LOG_GROUP, stream, events)

    def set_state(self, job: Any, status: str, age_s: float, reason: str = "", attempts: int = 1) -> None:
        """Put `job` in `status`, created `age_s` ago; a job that ran gets `attempts` tries (each with its own
        stream; the last one is the running one for RUNNING, so it is not in `attempts` yet)."""
        created = self.now - timedelta(seconds=age_s)
        job.job_created_at = created
        job.attempts, job.latest_attempt, job.log_stream_name = [], None, None
        job.job_stopped, job.exit_code = False, None
        job.job_stopped_reason = reason or None
        job.hybridml_instance_type = ""
        if status in ("RUNNING", "SUCCEEDED", "FAILED"):
            wait = min(age_s * 0.3, self.rng.uniform(5, 240))
            started = created + timedelta(seconds=wait)
            total = (age_s - wait) * (1.0 if status == "RUNNING" else self.rng.uniform(0.2, 0.95))
            each = total / attempts
            for n in range(attempts):
                last = n == attempts - 1
                begin = started + timedelta(seconds=each * n)
                stop = begin + timedelta(seconds=each * 0.97)
                running = status == "RUNNING" and last
                ok = status == "SUCCEEDED" and last
                job.hybridml_instance_type = placement_type(job, self.rng)
                job.hybridml_log_step = 0
                stream = self.new_stream(job)
                self.write(stream, job, begin, max(3, min(400, int(each / 3))), failed=not ok and not running)
                job.log_stream_name = stream
                job.job_started_at = begin
                if running:
                    continue
                code = 0 if ok else self.rng.choice([1, 137, 2])
                job.attempts.append(
                    {
                        "container": {"logStreamName": stream, "exitCode": code, "taskArn": "", "reason": ""},
                        "startedAt": int(begin.timestamp() * 1000),
                        "stoppedAt": int(stop.timestamp() * 1000),
                        "statusReason": "Essential container in task exited",
                    }
                )
                job.exit_code = code
            if status != "RUNNING":
                job.job_stopped, job.job_stopped_at = True, started + timedelta(seconds=total)
                job.job_stopped_reason = reason or (
                    "Essential container in task exited" if status == "FAILED" else None
                )
        elif status == "STARTING":
            job.job_started_at = created + timedelta(seconds=age_s * 0.8)
            job.hybridml_instance_type = placement_type(job, self.rng)
        job.status = status


def _pick_status(rng: random.Random) -> str:
    roll, acc = rng.random(), 0.0
    for status, share in STATUS_MIX:
        acc += share
        if roll < acc:
            return status
    return "SUCCEEDED"


def _age_for(status: str, rng: random.Random) -> float:
    if status in ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING"):
        return rng.uniform(5, 240)  # healthy queueing: under the stuck threshold
    if status == "RUNNING":
        return rng.uniform(60, 3 * 3600)
    return rng.uniform(600, 20 * 3600)


def seed_jobs(
    result: SeededFleet,
    seeder: JobSeeder,
    count: int,
    queues: dict[str, tuple[str, ...]],
    first: int = 0,
    on_first: Callable[[], None] | None = None,
) -> None:
    """`count` jobs spread round-robin over `queues` (queue -> job definitions that run there). With `first`, the
    `first` newest jobs (what a jobs view sorted by age shows first) are created before the others, and
    `on_first` is called between (the demo paints them while the rest is seeded)."""
    rng = seeder.rng
    names = list(queues)
    if not first:
        for i in range(count):
            queue = names[i % len(names)]
            jobdef = rng.choice(queues[queue])
            job = seeder.submit(f"{jobdef}-{i:05d}", queue, jobdef, parameters={})
            status = _pick_status(rng)
            retries = (status == "FAILED" and rng.random() < 0.4) or (status == "RUNNING" and rng.random() < 0.12)
            attempts = 2 if retries else 1
            seeder.set_state(job, status, _age_for(status, rng), attempts=attempts)
            result.job_ids.append(job.job_id)
        return
    specs = []
    for i in range(count):
        queue = names[i % len(names)]
        jobdef = rng.choice(queues[queue])
        status = _pick_status(rng)
        retries = (status == "FAILED" and rng.random() < 0.4) or (status == "RUNNING" and rng.random() < 0.12)
        specs.append((_age_for(status, rng), i, queue, jobdef, status, 2 if retries else 1))
    specs.sort()
    for n, (age_s, i, queue, jobdef, status, attempts) in enumerate(specs):
        if n == first and on_first is not None:
            on_first()
        job = seeder.submit(f"{jobdef}-{i:05d}", queue, jobdef, parameters={})
        seeder.set_state(job, status, age_s, attempts=attempts)
        result.job_ids.append(job.job_id)
    if count <= first and on_first is not None:
        on_first()


@dataclass
class SeedPlan:
    """The Batch part is seeded; `finish_seed` adds what the jobs view does not need (logs, SageMaker)."""

    result: SeededFleet
    seeder: JobSeeder
    sm_role: str
    rng: random.Random
    sagemaker: bool = True
    endpoints: int | None = None
    training_jobs: int | None = None
    region: str = DEMO_REGION
    anchor: datetime | None = None  # aware UTC; None: the wall clock (the demo)


def seed_batch(
    url: str,
    *,
    jobs: int = 300,
    rng_seed: int = 7,
    sagemaker: bool = True,
    queues: int | None = None,
    endpoints: int | None = None,
    training_jobs: int | None = None,
    job_logs: bool = True,
    defer_logs: bool = False,
    first: int = 0,
    on_first: Callable[[], None] | None = None,
    region: str = DEMO_REGION,
    anchor: datetime | None = None,
) -> SeedPlan:
    """Batch infrastructure and jobs (their log writes queued when `defer_logs`; the `first` newest jobs before
    the others, then `on_first()`).

    `region` and `anchor` (an aware datetime) let a test seed a region nothing else writes to with every time a
    fixed offset before `anchor`; the demo seeds its region at the wall clock."""
    from hybridml.fleet.seed_bulk import add_queues
    from hybridml.fleet.seed_scenarios import seed_arrays, seed_stuck, seed_stuck_array

    rng = random.Random(rng_seed)
    result = SeededFleet(url=url)
    sm_role = batch_infrastructure(result, region)
    workloads = dict(catalog.WORKLOADS)
    if queues is not None:
        workloads.update(add_queues(url, result, queues))
    now = datetime.now() if anchor is None else anchor.astimezone().replace(tzinfo=None)  # naive local, as moto's
    seeder = JobSeeder(rng, now, logs=job_logs, defer_logs=defer_logs, region=region)
    seed_jobs(result, seeder, jobs, workloads, first, on_first)
    seeder.logs_enabled = True
    seed_arrays(result, seeder)
    seed_stuck(result, seeder)
    seed_stuck_array(result, seeder)
    return SeedPlan(result, seeder, sm_role, rng, sagemaker, endpoints, training_jobs, region, anchor)


def finish_seed(plan: SeedPlan) -> SeededFleet:
    """Queued log writes, then SageMaker (endpoints, training jobs and their logs)."""
    from hybridml.fleet.seed_bulk import add_endpoints, add_training_jobs
    from hybridml.fleet.seed_sagemaker import seed_sagemaker

    plan.seeder.flush_logs()
    result = plan.result
    if plan.sagemaker:
        seed_sagemaker(result.url, result, plan.sm_role, plan.rng, region=plan.region, anchor=plan.anchor)
        if plan.endpoints is not None:
            add_endpoints(result.url, result, plan.sm_role, plan.endpoints, plan.rng)
        if plan.training_jobs is not None:
            add_training_jobs(result.url, result, plan.sm_role, plan.training_jobs, plan.rng)
    return result


def seed_fleet(
    url: str,
    *,
    jobs: int = 300,
    rng_seed: int = 7,
    sagemaker: bool = True,
    queues: int | None = None,
    endpoints: int | None = None,
    training_jobs: int | None = None,
    job_logs: bool = True,
    region: str = DEMO_REGION,
    anchor: datetime | None = None,
) -> SeededFleet:
    """Seed the whole demo fleet; returns the ids the simulator and tests use.

    The defaults are the demo fleet. `queues`, `endpoints` and `training_jobs` raise those totals with
    plainly named extras (benchmarks: 10 queues, 200 endpoints, 1,000 training jobs); the bulk `jobs`
    are spread over the catalog's workload queues and the extra queues. `job_logs=False` skips writing
    log streams for the bulk jobs (seeding 10,000 jobs with logs takes ~10 s). `region` and `anchor`: see
    `seed_batch`.
    """
    plan = seed_batch(
        url,
        jobs=jobs,
        rng_seed=rng_seed,
        sagemaker=sagemaker,
        queues=queues,
        endpoints=endpoints,
        training_jobs=training_jobs,
        job_logs=job_logs,
        region=region,
        anchor=anchor,
    )
    return finish_seed(plan)

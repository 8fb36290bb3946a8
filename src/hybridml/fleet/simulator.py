"""Keeps the demo fleet alive: jobs move through states, logs grow, new work arrives.

`step()` advances the world once (tests call it directly); `start()` runs it on a daemon thread.
RUNNABLE jobs start only where Batch could place them (`scheduler.py`); stuck scenario jobs stay where they are
so triage always has something real to explain, until the console fixes what holds them.
"""

from __future__ import annotations

import random
import threading
from datetime import datetime, timedelta
from typing import Any

from hybridml.fleet import catalog
from hybridml.fleet.backends import batch_backend, logs_backend, sagemaker_backend
from hybridml.fleet.containers import HOST
from hybridml.fleet.logtext import log_line
from hybridml.fleet.mlops_live import advance_pipelines
from hybridml.fleet.patches_infra import DEMO_EC2_VCPU_QUOTAS
from hybridml.fleet.sagemaker_extras import LiveMetrics
from hybridml.fleet.scheduler import Scheduler, due_time_limit_action, placement_type
from hybridml.fleet.seed import JobSeeder, SeededFleet, boto3_client
from hybridml.fleet.seed_infra import BATCH_LOG_GROUP
from hybridml.fleet.seed_sagemaker import TRAINING_LOG_GROUP

NEXT_STATUS = {"SUBMITTED": "PENDING", "PENDING": "RUNNABLE", "RUNNABLE": "STARTING", "STARTING": "RUNNING"}
# Status reasons of causes outside the console's reach: a stuck scenario job with one of these stays stuck.
EXTERNAL_CAUSES = ("CAPACITY:", "MISCONFIGURATION:SERVICE_ROLE_PERMISSIONS")


class Simulator:
    def __init__(
        self,
        fleet: SeededFleet,
        *,
        rng_seed: int = 11,
        submit_every: int = 3,
        advance_p: float = 0.08,
        finish_p: float = 0.01,
    ) -> None:
        self.advance_p = advance_p  # chance per tick that a waiting job moves one state on
        self.finish_p = finish_p  # chance per tick that a running job ends
        self.fleet = fleet
        self.rng = random.Random(rng_seed)
        self.seeder = JobSeeder(self.rng, datetime.now())
        self.pinned: set[str] = set(fleet.stuck.values()) | {fleet.failed_dependency}
        self.submit_every = submit_every
        self.ticks = 0
        self.submitted: list[str] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._batch_client: Any = None
        self.live_metrics = LiveMetrics(random.Random(rng_seed + 1), fleet.url)

    # -- one tick -------------------------------------------------------------------------------
    def step(self) -> None:
        with self._lock:
            self.ticks += 1
            self.seeder.now = datetime.now()
            self._advance_jobs()
            self._grow_logs()
            self._advance_training()
            self.live_metrics.tick(sagemaker_backend())
            advance_pipelines(sagemaker_backend())
            if self.submit_every and self.ticks % self.submit_every == 0:
                self._submit_new()

    def _advance_jobs(self) -> None:
        now = self.seeder.now
        jobs = list(batch_backend()._jobs.values())
        scheduler = Scheduler(jobs, {code: value for code, (_, value) in DEMO_EC2_VCPU_QUOTAS.items()})
        for job in jobs:
            status = job._status
            if job.job_id in HOST.batch_jobs:  # the bundled container runs it (fleet/patches_launch.py)
                continue
            if job._child_jobs:
                self._roll_up_array(job)
            elif status == "RUNNABLE":
                self._schedule(job, scheduler, now)
            elif job.job_id in self.pinned:
                continue
            elif status in ("SUBMITTED", "PENDING", "STARTING") and self.rng.random() < self.advance_p:
                self._move(job, NEXT_STATUS[status], now)
            elif status == "RUNNING" and self.rng.random() < self.finish_p:
                self._finish(job, now, ok=self.rng.random() < 0.85)

    def schedule(self, job_ids: list[str]) -> None:
        """Give these RUNNABLE jobs one scheduling pass now (what the next tick does for every job)."""
        with self._lock:
            self.seeder.now = now = datetime.now()
            jobs = list(batch_backend()._jobs.values())
            scheduler = Scheduler(jobs, {code: value for code, (_, value) in DEMO_EC2_VCPU_QUOTAS.items()})
            for job in jobs:
                if job.job_id in job_ids and job._status == "RUNNABLE":
                    self._schedule(job, scheduler, now)

    def _schedule(self, job: Any, scheduler: Scheduler, now: datetime) -> None:
        """A RUNNABLE job starts when Batch could place it (`fleet/scheduler.py`); a scenario job that was stuck for
        a cause the console can fix (a disabled compute environment, maxvCpus) runs once that is fixed."""
        age_s = (now - job.job_created_at).total_seconds()
        action = due_time_limit_action(job, age_s)
        if action is not None:  # the queue's jobStateTimeLimitActions: Batch cancels it
            job.job_stopped_reason = str(action.get("reason", ""))
            job._mark_stopped(success=False)
            self.pinned.discard(job.job_id)
            return
        pinned = job.job_id in self.pinned
        reason = str(job.job_stopped_reason or "")
        if pinned and reason.startswith(EXTERNAL_CAUSES):
            return  # capacity / IAM: nothing in the console changes it
        placement = scheduler.place(job)
        if placement.instance_type:
            if pinned:  # its blocker is gone: it runs now, like a fix on AWS
                self.pinned.discard(job.job_id)
                job.job_stopped_reason = None
                self._move(job, "STARTING", now, placement.instance_type)
            elif self.rng.random() < self.advance_p * 3:
                job.job_stopped_reason = None
                self._move(job, "STARTING", now, placement.instance_type)
        elif placement.reason and not pinned and reason != placement.reason:
            job.job_stopped_reason = placement.reason

    def _move(self, job: Any, status: str, now: datetime, instance_type: str = "") -> None:
        if status == "STARTING":
            job.job_started_at = now
            job.hybridml_instance_type = instance_type or placement_type(job, self.rng)
        if status == "RUNNING":
            job.job_started_at = now
            if not getattr(job, "hybridml_instance_type", ""):
                job.hybridml_instance_type = placement_type(job, self.rng)
            stream = self.seeder.new_stream(job)
            job.log_stream_name = stream
            job.hybridml_log_step = 0
            self.seeder.write(stream, job, now, 2)
        job.status = status

    def _finish(self, job: Any, now: datetime, ok: bool) -> None:
        """The attempt ends and joins `attempts`. A failed one is retried while the retry strategy allows it
        (RetryStrategy `attempts`: "The number of times to move a job to the RUNNABLE status [...] the job is
        retried on failure the same number of attempts as the value")."""
        code = 0 if ok else self.rng.choice([1, 137])
        started = job.job_started_at or now
        stream = job.log_stream_name or ""
        if stream and not ok:
            self.seeder.write(stream, job, now, 0, failed=True)
        job.attempts.append(
            {
                "container": {"logStreamName": stream, "exitCode": code, "taskArn": "", "reason": ""},
                "startedAt": int(started.timestamp() * 1000),
                "stoppedAt": int(now.timestamp() * 1000),
                "statusReason": "Essential container in task exited",
            }
        )
        strategy = getattr(job, "hybridml_retry_strategy", None) or job.job_definition.retry_strategy or {}
        if not ok and len(job.attempts) < int(strategy.get("attempts", 1) or 1):
            job.log_stream_name, job.exit_code, job.hybridml_instance_type = None, None, ""
            job.status = "RUNNABLE"
            return
        job.exit_code = code
        job.job_stopped, job.job_stopped_at = True, now
        job.job_stopped_reason = "Essential container in task exited" if not ok else None
        job.status = "SUCCEEDED" if ok else "FAILED"

    def _roll_up_array(self, parent: Any) -> None:
        """Batch ListJobs `jobStatus`: "Array job parents are updated to PENDING when any child job is updated to
        RUNNABLE and remain in PENDING status while child jobs are running"; the parent ends when every child did."""
        statuses = [child._status for child in parent._child_jobs]
        if all(s in ("SUCCEEDED", "FAILED") for s in statuses):
            if parent._status not in ("SUCCEEDED", "FAILED"):
                ok = all(s == "SUCCEEDED" for s in statuses)
                parent.job_stopped, parent.job_stopped_at = True, self.seeder.now
                parent.status = "SUCCEEDED" if ok else "FAILED"
        elif parent._status != "PENDING":
            parent.status = "PENDING"

    def _grow_logs(self) -> None:
        logs = logs_backend()
        group = logs.groups.get(BATCH_LOG_GROUP)
        if group is None:
            return
        for job in list(batch_backend()._jobs.values()):
            stream = job.log_stream_name
            if job._status != "RUNNING" or not stream or stream not in group.streams:
                continue
            self.seeder.write(stream, job, self.seeder.now, self.rng.randint(1, 4), step_ms=1)

    def _advance_training(self) -> None:
        logs = logs_backend()
        now = datetime.utcnow()
        for job in list(sagemaker_backend().training_jobs.values()):
            if job.training_job_status != "InProgress" or job.secondary_status != "Training":
                continue
            stream = f"{job.training_job_name}/algo-1-{int(job.creation_time.timestamp())}"
            group = logs.groups.get(TRAINING_LOG_GROUP)
            if group is None or stream not in group.streams:
                continue
            message = log_line("train", self.rng, len(group.streams[stream].events))  # its own step count
            logs.put_log_events(
                TRAINING_LOG_GROUP, stream, [{"timestamp": int(now.timestamp() * 1000), "message": message}]
            )
            job.last_modified_time = now

    def _submit_new(self) -> None:
        """New work arrives through the real API, like a person's script would submit it."""
        if self._batch_client is None:
            self._batch_client = boto3_client(self.fleet.url, "batch")
        queue = self.rng.choice(list(catalog.WORKLOADS))
        jobdef = self.rng.choice(catalog.WORKLOADS[queue])
        response = self._batch_client.submit_job(
            jobName=f"{jobdef}-live-{self.ticks:05d}", jobQueue=queue, jobDefinition=jobdef
        )
        job = batch_backend()._jobs[response["jobId"]]
        self.seeder.set_state(job, "SUBMITTED", 0)
        self.submitted.append(job.job_id)

    def inject(self, cause: str) -> str:
        """Create a fresh job / CE / endpoint / training job stuck for `cause` (see `fleet/inject.py` CAUSES);
        returns its id (job id or SageMaker name). Batch jobs made this way are left where they are."""
        from hybridml.fleet.inject import CAUSES, Injector

        if cause not in CAUSES:
            raise ValueError(f"unknown cause {cause!r}; one of: {', '.join(sorted(CAUSES))}")
        with self._lock:
            self.seeder.now = datetime.now()
            injector = Injector(self.fleet.url, self.seeder)
            ident = CAUSES[cause][1](injector)
            self.pinned.update(injector.created)
        return ident

    # -- thread ---------------------------------------------------------------------------------
    def start(self, interval_s: float = 1.0) -> None:
        def loop() -> None:
            while not self._stop.wait(interval_s):
                try:
                    self.step()
                except Exception:  # the demo keeps going; a bad tick is skipped
                    continue

        self._thread = threading.Thread(target=loop, name="hybridml-fleet-simulator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


def backdate(job: Any, minutes: float) -> None:
    """Make a job look `minutes` older (tests and stuck scenarios)."""
    job.job_created_at = job.job_created_at - timedelta(minutes=minutes)

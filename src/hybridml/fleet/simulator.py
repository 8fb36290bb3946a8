"""Keeps the demo fleet alive: jobs move through states, logs grow, new work arrives.

`step()` advances the world once (tests call it directly); `start()` runs it on a daemon thread.
Stuck scenario jobs are left where they are so triage always has something real to explain.
"""

from __future__ import annotations

import random
import threading
from datetime import datetime, timedelta
from typing import Any

from hybridml.fleet import catalog
from hybridml.fleet.backends import batch_backend, logs_backend, sagemaker_backend
from hybridml.fleet.logtext import log_line
from hybridml.fleet.mlops_live import advance_pipelines
from hybridml.fleet.sagemaker_extras import LiveMetrics
from hybridml.fleet.seed import BATCH_LOG_GROUP, JobSeeder, SeededFleet, boto3_client
from hybridml.fleet.seed_sagemaker import TRAINING_LOG_GROUP

NEXT_STATUS = {"SUBMITTED": "PENDING", "PENDING": "RUNNABLE", "RUNNABLE": "STARTING", "STARTING": "RUNNING"}


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

    def _jobs(self) -> list[Any]:
        return [job for job in list(batch_backend()._jobs.values()) if job.job_id not in self.pinned]

    def _advance_jobs(self) -> None:
        now = self.seeder.now
        for job in self._jobs():
            status = job._status
            if job._child_jobs:
                self._roll_up_array(job)
                continue
            if status in NEXT_STATUS and self.rng.random() < self.advance_p:
                self._move(job, NEXT_STATUS[status], now)
            elif status == "RUNNING" and self.rng.random() < self.finish_p:
                self._finish(job, now, ok=self.rng.random() < 0.85)

    def _move(self, job: Any, status: str, now: datetime) -> None:
        if status == "STARTING":
            job.job_started_at = now
        if status == "RUNNING":
            job.job_started_at = now
            job.hybridml_instance_type = self._placement(job)
            stream = self.seeder.new_stream(job)
            job.log_stream_name = stream
            self.seeder.write(stream, job, now, 2)
        job.status = status

    def _placement(self, job: Any) -> str:
        """The instance type a job lands on: one its queue's first compute environment allows."""
        for env in job.job_queue.environments or []:
            types = [t for t in (env.compute_resources or {}).get("instanceTypes", []) if t != "optimal"]
            return str(self.rng.choice(types)) if types else "m5.large"
        return ""

    def _finish(self, job: Any, now: datetime, ok: bool) -> None:
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
        job.exit_code = code
        job.job_stopped, job.job_stopped_at = True, now
        job.job_stopped_reason = "Essential container in task exited" if not ok else None
        job.status = "SUCCEEDED" if ok else "FAILED"

    def _roll_up_array(self, parent: Any) -> None:
        statuses = [child._status for child in parent._child_jobs]
        if all(s in ("SUCCEEDED", "FAILED") for s in statuses):
            if parent._status not in ("SUCCEEDED", "FAILED"):
                ok = all(s == "SUCCEEDED" for s in statuses)
                parent.job_stopped, parent.job_stopped_at = True, self.seeder.now
                parent.status = "SUCCEEDED" if ok else "FAILED"
        elif any(s in ("RUNNING", "STARTING") for s in statuses):
            parent.status = "RUNNING"

    def _grow_logs(self) -> None:
        logs = logs_backend()
        group = logs.groups.get(BATCH_LOG_GROUP)
        if group is None:
            return
        now_ms = int(self.seeder.now.timestamp() * 1000)
        for job in list(batch_backend()._jobs.values()):
            stream = job.log_stream_name
            if job._status != "RUNNING" or not stream or stream not in group.streams:
                continue
            count = self.rng.randint(1, 4)
            events = [
                {
                    "timestamp": now_ms + i,
                    "message": log_line(job.job_definition.name, self.rng, self.ticks * 4 + i),
                }
                for i in range(count)
            ]
            logs.put_log_events(BATCH_LOG_GROUP, stream, events)

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
            message = log_line("train", self.rng, self.ticks)
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

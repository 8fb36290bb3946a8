"""The demo fleet's scenarios beyond the bulk jobs: array jobs with children in every status, and jobs stuck for
the documented reasons (the catalog's `STUCK_JOBS`), so triage always has something real to explain."""

from __future__ import annotations

from hybridml.fleet import catalog
from hybridml.fleet.seed import JobSeeder, SeededFleet, _overrides


def seed_arrays(result: SeededFleet, seeder: JobSeeder) -> None:
    """Array jobs with children in every status; the parent stays PENDING while children run (ListJobs
    `jobStatus`: "Array job parents are updated to PENDING when any child job is updated to RUNNABLE and remain in
    PENDING status while child jobs are running")."""
    mix = ["SUCCEEDED"] * 5 + ["RUNNING"] * 2 + ["RUNNABLE", "FAILED", "PENDING", "STARTING"]
    for name, queue, jobdef, size in (
        ("yolo-videos-nightly", "gpu-inference", "yolo-dog-detect", 24),
        ("embed-shards", "gpu-inference", "embed-text", 40),
        ("etl-backfill-week", "cpu-etl", "etl-parquet", 7),
    ):
        parent = seeder.submit(name, queue, jobdef, array_properties={"size": size})
        age = seeder.rng.uniform(1800, 7200)
        for child in parent._child_jobs:
            status = seeder.rng.choice(mix)
            seeder.set_state(child, status, age * seeder.rng.uniform(0.2, 1.0), attempts=1)
        seeder.set_state(parent, "PENDING", age)
        result.array_parents.append(parent.job_id)


def seed_stuck_array(result: SeededFleet, seeder: JobSeeder) -> None:
    """An array whose children all wait RUNNABLE on a queue whose only compute environment is INVALID."""
    parent = seeder.submit("p4-eval-sweep", "gpu-legacy", "train-resnet50", array_properties={"size": 30})
    for child in parent._child_jobs:
        seeder.set_state(child, "RUNNABLE", 100 * 60)
    seeder.set_state(parent, "PENDING", 100 * 60)
    result.stuck["p4-eval-sweep"] = parent.job_id
    result.array_parents.append(parent.job_id)


def seed_stuck(result: SeededFleet, seeder: JobSeeder) -> None:
    failed = seeder.submit("etl-upstream-extract", "cpu-etl", "etl-parquet")
    seeder.set_state(failed, "FAILED", 5400, reason="Essential container in task exited", attempts=1)
    result.failed_dependency = failed.job_id
    for spec in catalog.STUCK_JOBS:
        job = seeder.submit(
            spec.name,
            spec.queue,
            spec.job_definition,
            container_overrides=_overrides(spec.vcpus, spec.memory_mib, spec.gpus),
            depends_on=[{"jobId": failed.job_id}] if spec.depends_on_failed else None,
        )
        seeder.set_state(job, spec.status, spec.age_min * 60, reason=spec.reason)
        result.stuck[spec.name] = job.job_id
    archive = seeder.submit("archive-reindex", "spot-archive", "etl-parquet")
    seeder.set_state(archive, "RUNNABLE", 3 * 3600)
    result.stuck["archive-reindex"] = archive.job_id
    for queue in seeder.backend._job_queues.values():
        queue_spec = next((q for q in catalog.QUEUES if q.name == queue.name), None)
        if queue_spec is not None:
            queue.state = queue_spec.state

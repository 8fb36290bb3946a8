"""`:all` — every workload across Batch and SageMaker as one kind of row. Pure."""

from __future__ import annotations

from hybridml.domain.batch import Job, JobStatus
from hybridml.domain.notebooks import STUDIO, Notebook
from hybridml.domain.pipelines import Pipeline
from hybridml.domain.prices import hourly
from hybridml.domain.sagemaker import Endpoint, TrainingJob
from hybridml.domain.triage import ResourceKind, Workload
from hybridml.domain.tuning import TuningJob
from hybridml.triage.context import TriageContext


def job_workload(job: Job, ctx: TriageContext) -> Workload:
    queue = ctx.queue_by_name.get(job.queue)
    ces = [ce.name for ce in ctx.queue_ces(queue)] if queue else []
    where = job.queue + (f" ({','.join(ces)})" if ces else "")
    instance = job.instance_type
    known = bool(instance)
    if not instance and queue is not None:
        types = {t for ce in ctx.queue_ces(queue) if ce.resources for t in ce.resources.instance_types}
        instance = ",".join(sorted(types))
    envs = ctx.queue_ces(queue) if queue is not None else []
    spot = bool(envs) and envs[0].resources is not None and envs[0].resources.type in ("SPOT", "FARGATE_SPOT")
    # a running job's instance: its price per hour (the job may share it; the instance is what is billed)
    running = job.status in (JobStatus.STARTING, JobStatus.RUNNING) and known
    return Workload(
        kind=ResourceKind.JOB,
        ident=job.job_id,
        name=job.name,
        status=job.status.value,
        created_at=job.created_at,
        where=where,
        instance_type=instance,
        detail=job.status_reason,
        active=not job.status.is_terminal,
        instance_known=known,
        hourly=hourly(instance, spot=spot) if running else None,
    )


def endpoint_workload(ep: Endpoint) -> Workload:
    counts = sum(v.current_instance_count or 0 for v in ep.variants)
    variants = ",".join(v.name for v in ep.variants)
    return Workload(
        kind=ResourceKind.ENDPOINT,
        ident=ep.name,
        name=ep.name,
        status=ep.status,
        created_at=ep.created_at,
        where=f"endpoint {variants or '-'} x{counts}",
        instance_type=ep.instance_type,
        detail=ep.failure_reason,
        active=ep.status not in ("Failed", "Deleting"),
        hourly=ep.price_per_hour if ep.status not in ("Failed", "Deleting") else None,
    )


def training_workload(tj: TrainingJob) -> Workload:
    return Workload(
        kind=ResourceKind.TRAINING_JOB,
        ident=tj.name,
        name=tj.name,
        status=tj.status,
        created_at=tj.created_at,
        where=f"training x{tj.instance_count}",
        instance_type=tj.instance_type,
        detail=tj.failure_reason or (tj.secondary_status if tj.secondary_status != tj.status else ""),
        active=tj.status in ("InProgress", "Stopping"),
        # managed spot training bills a spot price the catalogue does not hold: None rather than a guess
        hourly=cost_per_hour(tj.instance_type, tj.instance_count, spot=tj.spot)
        if tj.status in ("InProgress", "Stopping")
        else None,
    )


def cost_per_hour(instance_type: str, count: int, *, spot: bool = False) -> float | None:
    """`count` instances of `instance_type` for an hour (USD), or None without a catalogue price."""
    price = hourly(instance_type, spot=spot)
    return price * count if price is not None and count else None


def tuning_workload(j: TuningJob) -> Workload:
    return Workload(
        kind=ResourceKind.TUNING_JOB,
        ident=j.name,
        name=j.name,
        status=j.status,
        created_at=j.created_at,
        where=f"tuning {j.in_progress} running, {j.completed} done, {j.failed} failed",
        instance_type=j.instance_type,
        detail=j.failure_reason,
        active=j.status in ("InProgress", "Stopping"),
        hourly=j.price_per_hour if j.status in ("InProgress", "Stopping") and j.in_progress else None,
    )


def pipeline_workload(p: Pipeline) -> Workload | None:
    e = p.latest
    if e is None:
        return None
    return Workload(
        kind=ResourceKind.PIPELINE,
        ident=p.name,
        name=f"{p.name}/{e.display_name or e.execution_id}",
        status=e.status,
        created_at=e.started_at,
        where="pipeline" + (f" failed at {e.failed_step}" if e.failed_step else ""),
        instance_type="",
        detail=e.failure_reason,
        active=not e.finished,
    )


def notebook_workload(n: Notebook) -> Workload:
    return Workload(
        kind=ResourceKind.NOTEBOOK,
        ident=n.key,
        name=n.label,
        status=n.status,
        created_at=n.created_at,
        where=f"studio {n.app_type} {n.owner}" if n.kind == STUDIO else "notebook instance",
        instance_type=n.instance_type,
        active=n.running,
        hourly=n.price_per_hour if n.running else None,
    )


def workloads(ctx: TriageContext) -> list[Workload]:
    out = [job_workload(j, ctx) for j in ctx.jobs]
    out += [endpoint_workload(e) for e in ctx.endpoints]
    out += [training_workload(t) for t in ctx.training_jobs]
    out += [tuning_workload(j) for j in ctx.tuning_jobs]
    out += [w for p in ctx.pipelines if (w := pipeline_workload(p)) is not None]
    out += [notebook_workload(n) for n in ctx.notebooks if n.status != "Deleted"]
    return out

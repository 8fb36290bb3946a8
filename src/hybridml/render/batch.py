"""Batch domain objects -> table rows. Each `*_COLUMNS` pairs with its `*_row` function."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime

from rich.text import Text

from hybridml.domain.batch import ComputeEnvironment, Job, JobDefinition, JobKind, JobQueue, JobStatus
from hybridml.render.fmt import age, human_duration, mib, status_text, truncate, vcpus
from hybridml.render.safe import TEXT_LIMIT, safe_text

Cell = str | Text

CE_COLUMNS = ("NAME", "STATE", "STATUS", "TYPE", "MIN", "DESIRED", "MAX", "INSTANCE TYPES", "REASON")
QUEUE_COLUMNS = (
    "NAME",
    "STATE",
    "STATUS",
    "PRIO",
    "CES",
    "SUBM",
    "PEND",
    "RUNNABLE",
    "START",
    "RUN",
    "OK",
    "FAIL",
)
JOBDEF_COLUMNS = ("NAME", "REV", "STATUS", "IMAGE", "VCPU", "MEM", "GPU", "PARAMETERS")
JOB_COLUMNS = ("NAME", "STATUS", "QUEUE", "DEFINITION", "AGE", "DURATION", "ARRAY", "REASON", "JOB ID")


def ce_row(ce: ComputeEnvironment) -> tuple[Cell, ...]:
    r = ce.resources
    return (
        ce.name,
        status_text(ce.state),
        status_text(ce.status),
        (r.type if r else ce.type),
        str(r.min_vcpus) if r else "-",
        str(r.desired_vcpus) if r else "-",
        str(r.max_vcpus) if r else "-",
        truncate(",".join(r.instance_types), 40) if r else "-",
        truncate(ce.status_reason, 60) if ce.status != "VALID" else "",
    )


def queue_row(queue: JobQueue, counts: Counter[JobStatus], ce_names: dict[str, str]) -> tuple[Cell, ...]:
    def n(status: JobStatus) -> Cell:
        value = counts.get(status, 0)
        return Text(str(value), style="yellow" if status is JobStatus.RUNNABLE and value else "") if value else "·"

    return (
        queue.name,
        status_text(queue.state),
        status_text(queue.status),
        str(queue.priority),
        truncate(",".join(ce_names.get(arn, arn.rsplit("/", 1)[-1]) for arn in queue.compute_environments), 30),
        n(JobStatus.SUBMITTED),
        n(JobStatus.PENDING),
        n(JobStatus.RUNNABLE),
        n(JobStatus.STARTING),
        n(JobStatus.RUNNING),
        n(JobStatus.SUCCEEDED),
        n(JobStatus.FAILED),
    )


def jobdef_row(jd: JobDefinition) -> tuple[Cell, ...]:
    return (
        jd.name,
        str(jd.revision),
        status_text(jd.status),
        truncate(jd.image.rsplit("/", 1)[-1], 36),
        vcpus(jd.resources.vcpus),
        mib(jd.resources.memory_mib),
        str(jd.resources.gpus or "-"),
        truncate(", ".join(jd.ref_parameters), 40),
    )


def array_cell(job: Job) -> str:
    if job.array is None:
        return ""
    if job.array.index is not None:
        return f"[{job.array.index}]"
    done = sum(n for s, n in job.array.status_counts if s in ("SUCCEEDED", "FAILED"))
    return f"{done}/{job.array.size}" if job.array.status_counts else f"x{job.array.size}"


def job_row(job: Job, now: datetime) -> tuple[Cell, ...]:
    status = status_text(job.status.value)
    reason: Cell = truncate(job.status_reason, 48)
    if job.held_by_batch:  # Batch says it cannot be placed: marked at once, whatever its age
        status.append(" !", style="bold red")
        reason = Text(truncate(job.status_reason, 48), style="red")
    return (
        job.name,
        status,
        job.queue,
        job.job_definition_name,
        age(job.created_at, now),
        human_duration(job.duration_s(now)),
        array_cell(job),
        reason,
        job.job_id,
    )


def job_sort_key(column: str, job: Job, now: datetime) -> object:
    """Sort keys by column title: numbers sort as numbers, times as ages."""
    if column == "AGE":
        return job.age_s(now) or 0.0
    if column == "DURATION":
        return job.duration_s(now) or 0.0
    if column == "STATUS":
        return list(JobStatus).index(job.status)
    if column == "QUEUE":
        return job.queue
    if column == "DEFINITION":
        return job.job_definition_name
    if column == "JOB ID":
        return job.job_id
    if column == "REASON":
        return job.status_reason
    return job.name.lower()


def job_detail(job: Job, now: datetime) -> Text:
    """A readable description of one job: summary, resources, parameters, attempts. Every value is one line of
    sanitised text: a reason holding `\n` or ESC cannot forge a field or reach the terminal."""
    out = Text()

    def field(name: str, value: Cell) -> None:
        out.append(f"{name:<14}", style="bold")
        out.append_text(value if isinstance(value, Text) else safe_text(value, limit=TEXT_LIMIT))
        out.append("\n")

    field("Name", job.name)
    field("Job ID", job.job_id)
    field("Status", status_text(job.status.value))
    if job.status_reason:
        field("Reason", job.status_reason)
    field("Queue", job.queue)
    field("Definition", job.job_definition.rsplit("/", 1)[-1])
    field("Image", job.image or "-")
    field(
        "Created",
        f"{job.created_at:%Y-%m-%d %H:%M:%S} UTC ({age(job.created_at, now)} ago)" if job.created_at else "-",
    )
    field("Started", f"{job.started_at:%Y-%m-%d %H:%M:%S} UTC" if job.started_at else "-")
    field("Stopped", f"{job.stopped_at:%Y-%m-%d %H:%M:%S} UTC" if job.stopped_at else "-")
    field("Duration", human_duration(job.duration_s(now)))
    r = job.resources
    total = " (all containers)" if job.containers else " (largest node range)" if job.is_multinode_parent else ""
    field("Resources", f"vCPU {vcpus(r.vcpus)}  memory {mib(r.memory_mib)}  GPU {r.gpus or '-'}{total}")
    if job.kind is not JobKind.CONTAINER or job.platform != "EC2":
        field("Kind", f"{KIND_TEXT[job.kind]} on {job.platform}")
    if job.instance_type:
        field("Instance", job.instance_type)
    if job.pod:
        field("Pod", job.pod)
    _multinode(job, field)
    if job.timeout_s:
        field("Timeout", human_duration(job.timeout_s))
    if job.array is not None:
        if job.array.index is not None:
            field("Array index", str(job.array.index))
        else:
            summary = "  ".join(f"{s}={n}" for s, n in job.array.status_counts) or "-"
            field("Array", f"size {job.array.size}: {summary}")
    if job.depends_on:
        field("Depends on", ", ".join(job.depends_on))
    if job.command:
        field("Command", " ".join(job.command))
    for key, value in job.parameters:
        field("Param", f"{key} = {value}")
    for key, value in job.environment:
        field("Env", f"{key} = {value}")
    if job.log_stream:
        field("Log stream", f"{job.log_group or '/aws/batch/job'} {job.log_stream}")
    for c in job.containers:
        out.append("\nContainer ", style="bold underline")
        out.append_text(safe_text(c.name + ("" if c.essential else " (not essential)"), style="bold underline"))
        out.append("\n")
        field("  Image", c.image or "-")
        if c.command:
            field("  Command", " ".join(c.command))
        cr = c.resources
        field("  Resources", f"vCPU {vcpus(cr.vcpus)}  memory {mib(cr.memory_mib)}  GPU {cr.gpus or '-'}")
        if c.log_stream or c.log_group:
            field("  Log stream", f"{c.log_group or job.log_group or '/aws/batch/job'} {c.log_stream or '-'}")
        if c.exit_code is not None or c.reason:
            field("  Exit", f"{'-' if c.exit_code is None else c.exit_code} {c.reason}".strip())
    if job.attempts:
        out.append("\nAttempts\n", style="bold underline")
        for n, attempt in enumerate(job.attempts, 1):
            took = (
                human_duration((attempt.stopped_at - attempt.started_at).total_seconds())
                if attempt.started_at and attempt.stopped_at
                else "-"
            )
            code = "-" if attempt.exit_code is None else str(attempt.exit_code)
            style = "green" if attempt.exit_code == 0 else "red"
            out.append(f"  #{n}  exit ", style="bold")
            out.append(code, style=style)
            streams = ", ".join(f"{c}: {st}" if c else st for c, st in attempt.log_streams) or "-"
            out.append_text(safe_text(f"  took {took}  {attempt.reason}  stream {streams}"))
            out.append("\n")
    return out


KIND_TEXT = {
    JobKind.CONTAINER: "container",
    JobKind.ECS: "multi-container (ECS task)",
    JobKind.EKS: "EKS pod",
    JobKind.MULTI_NODE: "multi-node parallel",
}


def _multinode(job: Job, field: Callable[[str, Cell], None]) -> None:
    mn = job.multinode
    if mn is None:
        return
    if mn.node_index is not None:
        field("Node", f"{mn.node_index}" + (" (main node)" if mn.is_main else "") + f" of job {job.parent_id}")
        return
    field("Nodes", f"{mn.num_nodes} (main node {mn.main_node}); each node is job {job.job_id}#N")
    for rng in mn.ranges:
        rr = rng.resources
        types = f"  on {','.join(rng.instance_types)}" if rng.instance_types else ""
        field(
            f"  nodes {rng.target_nodes}",
            f"{rng.image.rsplit('/', 1)[-1] or '-'}  vCPU {vcpus(rr.vcpus)}  memory {mib(rr.memory_mib)}  "
            f"GPU {rr.gpus or '-'}{types}",
        )

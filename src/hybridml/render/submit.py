"""Submit form and confirm texts: what will be sent, and whether it fits. Pure (rich only)."""

from __future__ import annotations

from rich.text import Text

from hybridml.domain.batch import ComputeEnvironment, Job, JobDefinition, JobKind, JobStatus
from hybridml.domain.fit import FitResult
from hybridml.domain.submit import SubmitRequest, join_words
from hybridml.render.fmt import mib, status_text, vcpus


def fit_text(fit: FitResult | None) -> Text:
    if fit is None:
        return Text("fit check: waiting for queue and compute environments…", style="dim")
    out = Text()
    if fit.ok:
        out.append("✔ " + fit.summary, style="green")
    else:
        out.append("✖ " + fit.summary, style="bold red")
        for problem in fit.problems[1:]:
            out.append(f"\n  • {problem}", style="red")
    for warning in fit.warnings:
        out.append(f"\n  ⚠ {warning}", style="yellow")
    return out


def problems_text(problems: list[str]) -> Text:
    out = Text()
    for i, problem in enumerate(problems):
        out.append(("\n" if i else "") + f"✖ {problem}", style="bold red")
    return out


def request_summary(request: SubmitRequest, definition: JobDefinition | None, fit: FitResult | None) -> Text:
    """The confirm body: every value that will be sent, then the fit verdict."""
    out = Text()

    def line(label: str, value: str, style: str = "") -> None:
        out.append(f"{label:<13}", style="bold")
        out.append(value + "\n", style=style)

    line("Job name", request.job_name)
    line("Queue", request.queue)
    line("Definition", definition.name_revision if definition else request.job_definition)
    resources = request.effective_resources(definition)
    line(
        "Resources",
        f"vCPU {vcpus(resources.vcpus)}  memory {mib(resources.memory_mib)}  GPU {resources.gpus or '-'}"
        + ("  (overridden)" if (request.vcpus, request.memory_mib, request.gpus) != (None, None, None) else ""),
    )
    resized = (request.vcpus, request.memory_mib, request.gpus) != (None, None, None)
    overridden = request.command is not None or bool(request.environment) or resized
    if overridden and request.definition_kind is not JobKind.CONTAINER:
        target = {
            JobKind.ECS: f"container {request.container} (ecsPropertiesOverride)",
            JobKind.EKS: f"container {request.container} (eksPropertiesOverride)",
            JobKind.MULTI_NODE: f"nodes {request.nodes} (nodeOverrides)",
        }[request.definition_kind]
        line("Overrides to", target)
    for key, value in request.parameters:
        line("Param", f"{key} = {value}")
    if request.command is not None:
        line("Command", join_words(request.command))
    for key, value in request.environment:
        line("Env", f"{key} = {value}")
    if request.timeout_s is not None:
        line("Timeout", f"{request.timeout_s} s")
    if request.retry_attempts is not None:
        line("Retries", str(request.retry_attempts))
    if request.array_size is not None:
        line("Array", f"{request.array_size} children")
    if request.depends_on:
        line("Depends on", ", ".join(request.depends_on))
    out.append("\n")
    out.append_text(fit_text(fit))
    return out


def definition_hint(definition: JobDefinition | None, typed: str, known: list[str]) -> Text:
    if definition is None:
        if not typed:
            return Text("type a definition name (→ accepts a suggestion): " + ", ".join(known[:6]), style="dim")
        matches = [name for name in known if typed.split(":", 1)[0].lower() in name.lower()]
        hint = f"; did you mean {', '.join(matches[:4])}?" if matches else f" among {len(known)}"
        return Text(f"no ACTIVE definition '{typed}'{hint}", style="yellow")
    r = definition.resources
    return Text(
        f"{definition.name_revision}  {definition.image.rsplit('/', 1)[-1]}  "
        f"vCPU {vcpus(r.vcpus)} mem {mib(r.memory_mib)} GPU {r.gpus or '-'}",
        style="dim",
    )


def queue_hint(state: str, status: str, ces: list[ComputeEnvironment], typed: str, known: list[str]) -> Text:
    if not state:
        if not typed:
            return Text("type a queue name (→ accepts a suggestion): " + ", ".join(known[:6]), style="dim")
        matches = [q for q in known if typed.lower() in q.lower()]
        return Text(
            f"no queue '{typed}'" + (f"; did you mean {', '.join(matches[:4])}?" if matches else ""), style="yellow"
        )
    style = "dim" if state == "ENABLED" else "yellow"
    types = ", ".join(sorted({t for ce in ces if ce.resources for t in ce.resources.instance_types}))
    return Text(f"{state} {status}  CEs: {', '.join(ce.name for ce in ces) or '-'}  types: {types or '-'}", style=style)


def dependency_hint(ids: list[str], found: dict[str, Job]) -> Text:
    """One line per dependency: its name and status; FAILED or unknown ones say the job will not start."""
    out = Text()
    for i, job_id in enumerate(ids):
        out.append("\n" if i else "")
        job = found.get(job_id)
        if job is None:
            out.append(f"⚠ {job_id}: not found in Batch", style="yellow")
        elif job.status is JobStatus.FAILED:
            out.append(f"✖ {job.name} FAILED: this job will not start", style="bold red")
        else:
            out.append(f"{job.name} ", style="dim")
            out.append_text(status_text(job.status.value))
    return out

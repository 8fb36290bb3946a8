"""What a person asks Batch to run (SubmitRequest) and the checks that need no AWS call.

Pure: no boto dicts (aws/batch_actions.py turns a SubmitRequest into a SubmitJob call), no Textual.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol

from hybridml.domain.batch import ContainerInfo, Job, JobDefinition, JobKind, ResourceRequest

JOB_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$")
PARAM_KEY_RE = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")
ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,255}$")

# AWS Batch limits (SubmitJob / ContainerOverrides / ArrayProperties / RetryStrategy).
MAX_VCPUS = 4096  # far above any instance type; the fit check says more
MAX_MEMORY_MIB = 24 * 1024 * 1024  # 24 TiB (u-24tb1); the fit check says more
MAX_GPUS = 64
MIN_TIMEOUT_S = 60
MAX_ARRAY_SIZE = 10_000
MIN_ARRAY_SIZE = 2
MAX_RETRY_ATTEMPTS = 10
MAX_DEPENDS_ON = 20
MAX_TIMEOUT_S = 2**31 - 1  # the API's integer range


def default_job_name(definition: str, now: datetime) -> str:
    """`<definition>-<yyyymmdd-hhmmss>`: a valid, sortable name for an ad hoc job."""
    base = re.sub(r"[^A-Za-z0-9_-]", "-", definition.rsplit("/", 1)[-1].split(":", 1)[0]).strip("-_") or "job"
    return f"{base[:100]}-{now:%Y%m%d-%H%M%S}"


def job_name_problem(name: str) -> str | None:
    """Why `name` is not a valid Batch job name, or None."""
    if not name:
        return "job name is required"
    if len(name) > 128:
        return f"job name is {len(name)} characters; Batch allows at most 128"
    if not name[0].isascii() or not name[0].isalnum():
        return "job name must start with a letter or a digit"
    if not JOB_NAME_RE.match(name):
        bad = sorted({c for c in name if not (c.isascii() and (c.isalnum() or c in "-_"))})
        return f"job name may hold only letters, digits, '-' and '_' (found {' '.join(repr(c) for c in bad)})"
    return None


@dataclass(frozen=True, slots=True)
class SubmitRequest:
    """One SubmitJob. `None` overrides mean "as the job definition says"."""

    queue: str
    job_definition: str  # name, name:revision or ARN
    job_name: str
    parameters: tuple[tuple[str, str], ...] = ()
    vcpus: float | None = None
    memory_mib: int | None = None
    gpus: int | None = None
    command: tuple[str, ...] | None = None
    environment: tuple[tuple[str, str], ...] = ()
    timeout_s: int | None = None
    retry_attempts: int | None = None
    array_size: int | None = None
    depends_on: tuple[str, ...] = ()
    tags: tuple[tuple[str, str], ...] = field(default=())
    # How the definition describes its work (`shaped_for` fills these): overrides go to `container` of an ECS task /
    # EKS pod, or to nodes `nodes` of a multi-node parallel job.
    definition_kind: JobKind = JobKind.CONTAINER
    container: str = ""
    nodes: str = "0:"

    def problems(self) -> list[str]:
        """Everything wrong with the request that Batch would reject, in words; empty when it can be sent."""
        out: list[str] = []
        name = job_name_problem(self.job_name)
        if name:
            out.append(name)
        if not self.queue.strip():
            out.append("a job queue is required")
        if not self.job_definition.strip():
            out.append("a job definition is required")
        for key, _ in self.parameters:
            if not PARAM_KEY_RE.match(key):
                out.append(f"parameter name {key!r} is not valid (letters, digits, '_', '.', '-')")
        if self.vcpus is not None and not 0 < self.vcpus <= MAX_VCPUS:
            out.append(f"vCPUs must be more than 0 and at most {MAX_VCPUS} (got {self.vcpus:g})")
        if self.memory_mib is not None and not 4 <= self.memory_mib <= MAX_MEMORY_MIB:
            out.append(f"memory must be 4..{MAX_MEMORY_MIB} MiB (got {self.memory_mib})")
        if self.gpus is not None and not 0 <= self.gpus <= MAX_GPUS:
            out.append(f"GPUs must be 0..{MAX_GPUS} (got {self.gpus})")
        if self.command is not None and not self.command:
            out.append("the command override is empty (clear the field to keep the definition's command)")
        for key, _ in self.environment:
            if not ENV_NAME_RE.match(key):
                out.append(f"environment name {key!r} is not valid")
            elif key.startswith("AWS_BATCH"):
                out.append(f"environment name {key!r} is reserved by Batch")
        if self.timeout_s is not None and not MIN_TIMEOUT_S <= self.timeout_s <= MAX_TIMEOUT_S:
            out.append(f"timeout must be {MIN_TIMEOUT_S}..{MAX_TIMEOUT_S} seconds (got {self.timeout_s})")
        if self.retry_attempts is not None and not 1 <= self.retry_attempts <= MAX_RETRY_ATTEMPTS:
            out.append(f"retry attempts must be 1..{MAX_RETRY_ATTEMPTS} (got {self.retry_attempts})")
        if self.array_size is not None and not MIN_ARRAY_SIZE <= self.array_size <= MAX_ARRAY_SIZE:
            out.append(f"array size must be {MIN_ARRAY_SIZE}..{MAX_ARRAY_SIZE} (got {self.array_size})")
        if len(self.depends_on) > MAX_DEPENDS_ON:
            out.append(f"at most {MAX_DEPENDS_ON} dependencies (got {len(self.depends_on)})")
        return out

    def effective_resources(self, definition: JobDefinition | None) -> ResourceRequest:
        """What one job (or one array child, or the largest node) asks for once the overrides are applied. The
        overrides of a multi-container job replace its target container's share of the task's total."""
        base = definition.resources if definition is not None else ResourceRequest()
        target = _container(definition, self.container) if definition is not None else None
        own = target.resources if target is not None else base
        others = ResourceRequest(base.vcpus - own.vcpus, base.memory_mib - own.memory_mib, base.gpus - own.gpus)
        return others + ResourceRequest(
            vcpus=self.vcpus if self.vcpus is not None else own.vcpus,
            memory_mib=self.memory_mib if self.memory_mib is not None else own.memory_mib,
            gpus=self.gpus if self.gpus is not None else own.gpus,
        )


def _container(definition: JobDefinition | None, name: str) -> ContainerInfo | None:
    containers = definition.containers if definition is not None else ()
    return next((c for c in containers if c.name == name), None)


def lead_container(containers: tuple[ContainerInfo, ...]) -> ContainerInfo | None:
    """The container overrides go to by default: the first essential one."""
    return next((c for c in containers if c.essential), containers[0] if containers else None)


def shaped_for(request: SubmitRequest, definition: JobDefinition | None) -> SubmitRequest:
    """`request` aimed at what `definition` runs: a plain container, an ECS task's (lead) container, an EKS pod's
    container or every node of a multi-node parallel job (SubmitJob takes a different override for each)."""
    if definition is None:
        return request
    lead = lead_container(definition.containers)
    container = request.container if _container(definition, request.container) else (lead.name if lead else "")
    return replace(request, definition_kind=definition.kind, container=container)


def parse_pairs(items: Iterable[str], what: str = "value") -> tuple[tuple[tuple[str, str], ...], list[str]]:
    """`k=v` strings -> pairs (the value may hold '=' and anything else); returns (pairs, problems)."""
    pairs: list[tuple[str, str]] = []
    problems: list[str] = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            problems.append(f"{what} {item!r} is not KEY=VALUE")
            continue
        pairs.append((key.strip(), value))
    return tuple(pairs), problems


def split_words(text: str) -> tuple[tuple[str, ...], str | None]:
    """A command line typed by a person -> argv (shell quoting rules, nothing is ever executed)."""
    try:
        return tuple(shlex.split(text)), None
    except ValueError as exc:
        return (), f"command: {exc}"


def join_words(words: Iterable[str]) -> str:
    return shlex.join(list(words))


def clone_request(job: Job, definition: JobDefinition | None) -> SubmitRequest:
    """A request that runs `job` again: same queue, definition, parameters and overrides.

    Only values that differ from the definition become overrides, so a clone keeps following the definition
    where the original did.
    """
    base = definition.resources if definition is not None else ResourceRequest()
    own_env = dict(definition.environment) if definition is not None else {}
    r = job.resources
    lead = lead_container(job.containers)
    job_env, job_command = job.environment, job.command
    if lead is not None:  # an ECS task / EKS pod: compare the lead container with the definition's
        base_lead = _container(definition, lead.name)
        base = base_lead.resources if base_lead is not None else base
        own_env = dict(base_lead.environment) if base_lead is not None else own_env
        r, job_env, job_command = lead.resources, lead.environment, lead.command
    environment = tuple((k, v) for k, v in job_env if not k.startswith("AWS_BATCH") and own_env.get(k) != v)
    defined = definition.command if definition is not None and lead is None else None
    if lead is not None and definition is not None:
        base_lead = _container(definition, lead.name)
        defined = base_lead.command if base_lead is not None else None
    command = job_command if job_command and (definition is None or job_command != defined) else None
    return SubmitRequest(
        queue=job.queue,
        job_definition=job.job_definition.rsplit("/", 1)[-1] or job.job_definition,
        job_name=job.name,
        parameters=job.parameters,
        vcpus=r.vcpus if r.vcpus and r.vcpus != base.vcpus else None,
        memory_mib=r.memory_mib if r.memory_mib and r.memory_mib != base.memory_mib else None,
        gpus=r.gpus if r.gpus != base.gpus else None,
        command=command,
        environment=environment,
        timeout_s=job.timeout_s if definition is None or job.timeout_s != definition.timeout_s else None,
        retry_attempts=(
            job.retry_attempts if definition is None or job.retry_attempts != definition.retry_attempts else None
        ),
        array_size=job.array.size if job.is_array_parent and job.array is not None else None,
        depends_on=job.depends_on,
        definition_kind=definition.kind if definition is not None else job.kind,
        container=lead.name if lead is not None else "",
    )


# Text fields of the submit form (and their labels); the TUI and tests refer to them by these names.
FORM_FIELDS: tuple[tuple[str, str], ...] = (
    ("queue", "Queue"),
    ("job_definition", "Definition"),
    ("job_name", "Job name"),
    ("vcpus", "vCPUs"),
    ("memory_mib", "Memory MiB"),
    ("gpus", "GPUs"),
    ("command", "Command"),
    ("environment", "Environment"),
    ("timeout_s", "Timeout s"),
    ("retry_attempts", "Retry attempts"),
    ("array_size", "Array size"),
    ("depends_on", "Depends on"),
)
_NUMBERS: dict[str, tuple[type, str]] = {
    "vcpus": (float, "vCPUs"),
    "memory_mib": (int, "memory"),
    "gpus": (int, "GPUs"),
    "timeout_s": (int, "timeout"),
    "retry_attempts": (int, "retry attempts"),
    "array_size": (int, "array size"),
}


def _number(text: str, kind: type, label: str, problems: list[str]) -> float | int | None:
    text = text.strip().replace("_", "")
    if not text:
        return None
    try:
        value = kind(text)
    except ValueError:
        problems.append(f"{label}: {text!r} is not {'a number' if kind is float else 'a whole number'}")
        return None
    if value != value or value in (float("inf"), float("-inf")):  # NaN / inf
        problems.append(f"{label}: {text!r} is not a finite number")
        return None
    return value  # type: ignore[no-any-return]


def request_from_form(
    values: dict[str, str], parameters: Iterable[tuple[str, str]] = ()
) -> tuple[SubmitRequest | None, list[str]]:
    """The form's text fields -> a SubmitRequest and every problem found (the request is None when the
    text cannot be read at all, e.g. a number field holding letters)."""
    problems: list[str] = []
    numbers = {key: _number(values.get(key, ""), kind, label, problems) for key, (kind, label) in _NUMBERS.items()}
    command_text = values.get("command", "").strip()
    command: tuple[str, ...] | None = None
    if command_text:
        command, problem = split_words(command_text)
        if problem:
            problems.append(problem)
    env_words, problem = split_words(values.get("environment", ""))
    if problem:
        problems.append(problem.replace("command", "environment"))
    environment, env_problems = parse_pairs(env_words, "environment entry")
    problems += env_problems
    depends = tuple(x for x in re.split(r"[\s,]+", values.get("depends_on", "")) if x)
    if problems:
        return None, problems
    request = SubmitRequest(
        queue=values.get("queue", "").strip(),
        job_definition=values.get("job_definition", "").strip(),
        job_name=values.get("job_name", "").strip(),
        parameters=tuple((k, v) for k, v in parameters if v != ""),
        vcpus=None if numbers["vcpus"] is None else float(numbers["vcpus"]),
        memory_mib=_int(numbers["memory_mib"]),
        gpus=_int(numbers["gpus"]),
        command=command,
        environment=environment,
        timeout_s=_int(numbers["timeout_s"]),
        retry_attempts=_int(numbers["retry_attempts"]),
        array_size=_int(numbers["array_size"]),
        depends_on=depends,
    )
    return request, request.problems()


def _int(value: float | int | None) -> int | None:
    return None if value is None else int(value)


def form_values(request: SubmitRequest) -> dict[str, str]:
    """Inverse of `request_from_form` for the text fields (prefill from a clone or a template)."""

    def num(value: float | int | None) -> str:
        return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)

    return {
        "queue": request.queue,
        "job_definition": request.job_definition,
        "job_name": request.job_name,
        "vcpus": num(request.vcpus),
        "memory_mib": num(request.memory_mib),
        "gpus": num(request.gpus),
        "command": "" if request.command is None else join_words(request.command),
        "environment": join_words(f"{k}={v}" for k, v in request.environment),
        "timeout_s": num(request.timeout_s),
        "retry_attempts": num(request.retry_attempts),
        "array_size": num(request.array_size),
        "depends_on": ", ".join(request.depends_on),
    }


def resolve_definition(ref: str, definitions: Iterable[JobDefinition]) -> JobDefinition | None:
    """`name` (latest revision), `name:rev` or an ARN -> the definition, or None."""
    ref = ref.strip()
    best: JobDefinition | None = None
    for d in definitions:
        if ref in (d.arn, d.name_revision):
            return d
        if ref == d.name and (best is None or d.revision > best.revision):
            best = d
    return best


class TemplateLike(Protocol):
    """What a named submit template holds (config.SubmitTemplate); None fields leave the form as it is."""

    queue: str | None
    job_definition: str | None
    job_name: str | None
    parameters: dict[str, str]
    vcpus: float | None
    memory_mib: int | None
    gpus: int | None
    command: list[str] | None
    environment: dict[str, str]
    timeout_s: int | None
    retry_attempts: int | None
    array_size: int | None


def apply_template(template: TemplateLike, request: SubmitRequest) -> SubmitRequest:
    """`request` with every value the template sets (template parameters/env are merged over the request's)."""
    params = dict(request.parameters) | dict(template.parameters)
    env = dict(request.environment) | dict(template.environment)
    return replace(
        request,
        queue=template.queue or request.queue,
        job_definition=template.job_definition or request.job_definition,
        job_name=template.job_name or request.job_name,
        parameters=tuple(params.items()),
        vcpus=template.vcpus if template.vcpus is not None else request.vcpus,
        memory_mib=template.memory_mib if template.memory_mib is not None else request.memory_mib,
        gpus=template.gpus if template.gpus is not None else request.gpus,
        command=tuple(template.command) if template.command is not None else request.command,
        environment=tuple(env.items()),
        timeout_s=template.timeout_s if template.timeout_s is not None else request.timeout_s,
        retry_attempts=template.retry_attempts if template.retry_attempts is not None else request.retry_attempts,
        array_size=template.array_size if template.array_size is not None else request.array_size,
    )

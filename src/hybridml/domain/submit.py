"""What a person asks Batch to run (SubmitRequest) and the checks that need no AWS call.

Pure: no boto dicts (aws/batch_actions.py turns a SubmitRequest into a SubmitJob call), no Textual.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from hybridml.domain.batch import Job, JobDefinition, ResourceRequest

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
        if self.timeout_s is not None and self.timeout_s < MIN_TIMEOUT_S:
            out.append(f"timeout must be at least {MIN_TIMEOUT_S} seconds (got {self.timeout_s})")
        if self.retry_attempts is not None and not 1 <= self.retry_attempts <= MAX_RETRY_ATTEMPTS:
            out.append(f"retry attempts must be 1..{MAX_RETRY_ATTEMPTS} (got {self.retry_attempts})")
        if self.array_size is not None and not MIN_ARRAY_SIZE <= self.array_size <= MAX_ARRAY_SIZE:
            out.append(f"array size must be {MIN_ARRAY_SIZE}..{MAX_ARRAY_SIZE} (got {self.array_size})")
        if len(self.depends_on) > MAX_DEPENDS_ON:
            out.append(f"at most {MAX_DEPENDS_ON} dependencies (got {len(self.depends_on)})")
        return out

    def effective_resources(self, definition: JobDefinition | None) -> ResourceRequest:
        """What one job (or one array child) asks for once the overrides are applied."""
        base = definition.resources if definition is not None else ResourceRequest()
        return ResourceRequest(
            vcpus=self.vcpus if self.vcpus is not None else base.vcpus,
            memory_mib=self.memory_mib if self.memory_mib is not None else base.memory_mib,
            gpus=self.gpus if self.gpus is not None else base.gpus,
        )


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
    environment = tuple(
        (k, v) for k, v in job.environment if not k.startswith("AWS_BATCH") and own_env.get(k) != v
    )
    command = job.command if job.command and (definition is None or job.command != definition.command) else None
    r = job.resources
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
    )


def with_template(request: SubmitRequest, **values: object) -> SubmitRequest:
    """`request` with the given fields replaced (None values are skipped)."""
    return replace(request, **{k: v for k, v in values.items() if v is not None})  # type: ignore[arg-type]

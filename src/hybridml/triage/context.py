"""TriageContext: one snapshot of everything the rules read. Built by `hybridml.snapshot.gather_context`."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from hybridml.domain.batch import ComputeEnvironment, Job, JobDefinition, JobQueue, JobStatus
from hybridml.domain.monitoring import MonitoringSchedule
from hybridml.domain.notebooks import Notebook
from hybridml.domain.pipelines import Pipeline
from hybridml.domain.sagemaker import Endpoint, TrainingJob
from hybridml.domain.tuning import TuningJob


@dataclass(frozen=True)
class Thresholds:
    """How long is too long (minutes). From `[batch].stuck_after_min` and `[watches]`."""

    job_stuck_min: float = 15.0
    endpoint_transition_min: float = 30.0
    training_starting_min: float = 20.0
    training_downloading_min: float = 30.0
    notebook_running_h: float = 12.0  # a notebook running longer is worth a look (0: never)


@dataclass(frozen=True)
class TriageContext:
    jobs: tuple[Job, ...] = ()  # every listed job; non-terminal ones are described (resources, dependsOn)
    queues: tuple[JobQueue, ...] = ()
    compute_environments: tuple[ComputeEnvironment, ...] = ()
    job_definitions: tuple[JobDefinition, ...] = ()
    endpoints: tuple[Endpoint, ...] = ()
    training_jobs: tuple[TrainingJob, ...] = ()
    pipelines: tuple[Pipeline, ...] = ()  # each with its newest execution
    tuning_jobs: tuple[TuningJob, ...] = ()
    monitors: tuple[MonitoringSchedule, ...] = ()
    notebooks: tuple[Notebook, ...] = ()
    quotas: tuple[tuple[str, float], ...] = ()  # EC2 quota code -> vCPU limit; empty when unreadable
    thresholds: Thresholds = field(default_factory=Thresholds)
    unreadable: tuple[tuple[str, str], ...] = ()  # part ("sagemaker", "quotas") -> why it was skipped
    array_children: tuple[Job, ...] = ()  # a page of RUNNABLE children of each active array parent (summaries)
    # endpoint -> Invocations over the idle watch's window, for the endpoints it could call idle (absent: not read)
    invocations: tuple[tuple[str, float], ...] = ()

    @cached_property
    def job_by_id(self) -> dict[str, Job]:
        return {j.job_id: j for j in self.jobs}

    @cached_property
    def children_by_parent(self) -> dict[str, list[Job]]:
        out: dict[str, list[Job]] = {}
        for child in self.array_children:
            out.setdefault(child.parent_id, []).append(child)
        return out

    def children_of(self, parent_id: str) -> list[Job]:
        return self.children_by_parent.get(parent_id, [])

    @cached_property
    def queue_by_name(self) -> dict[str, JobQueue]:
        out = {q.name: q for q in self.queues}
        out.update({q.arn: q for q in self.queues if q.arn})
        return out

    @cached_property
    def ce_by_ref(self) -> dict[str, ComputeEnvironment]:
        """By ARN and by name (queues refer to CEs by ARN, people by name)."""
        out = {ce.name: ce for ce in self.compute_environments}
        out.update({ce.arn: ce for ce in self.compute_environments if ce.arn})
        return out

    @cached_property
    def jobdef_by_ref(self) -> dict[str, JobDefinition]:
        out: dict[str, JobDefinition] = {}
        for jd in sorted(self.job_definitions, key=lambda d: d.revision):
            out[jd.name] = jd  # latest revision wins for a bare name
            out[jd.name_revision] = jd
            if jd.arn:
                out[jd.arn] = jd
        return out

    @cached_property
    def active_vcpus_by_first_ce(self) -> dict[str, float]:
        """CE name -> vCPUs of STARTING/RUNNING jobs (array parents aside) of the queues it is the first CE of."""
        first = {q.name: self.ce_by_ref.get(q.compute_environments[0]) for q in self.queues if q.compute_environments}
        out: dict[str, float] = {}
        for job in self.jobs:
            ce = first.get(job.queue)
            if ce is not None and job.status in (JobStatus.STARTING, JobStatus.RUNNING) and not job.is_array_parent:
                out[ce.name] = out.get(ce.name, 0.0) + job.resources.vcpus
        return out

    @cached_property
    def quota_by_code(self) -> dict[str, float]:
        return dict(self.quotas)

    def queue_ces(self, queue: JobQueue) -> list[ComputeEnvironment]:
        return [self.ce_by_ref[ref] for ref in queue.compute_environments if ref in self.ce_by_ref]

    def jobdef_of(self, job: Job) -> JobDefinition | None:
        ref = job.job_definition
        if ref in self.jobdef_by_ref:
            return self.jobdef_by_ref[ref]
        tail = ref.rsplit("/", 1)[-1]
        return self.jobdef_by_ref.get(tail) or self.jobdef_by_ref.get(job.job_definition_name)

"""Resource views, registered by their `:` command name (and aliases)."""

from __future__ import annotations

from typing import Any

from hybridml.tui.views.compute_environments import ComputeEnvironmentsView
from hybridml.tui.views.endpoints import EndpointsView
from hybridml.tui.views.job_definitions import JobDefinitionsView
from hybridml.tui.views.jobs import JobsView
from hybridml.tui.views.launches import LaunchesView
from hybridml.tui.views.models import ModelGroupsView, ModelVersionsView
from hybridml.tui.views.monitors import MonitorsView
from hybridml.tui.views.notebooks import NotebooksView
from hybridml.tui.views.pipelines import PipelineExecutionsView, PipelinesView
from hybridml.tui.views.queues import QueuesView
from hybridml.tui.views.sagemaker_jobs import SageMakerJobsView
from hybridml.tui.views.training import TrainingJobsView
from hybridml.tui.views.triage import TriageView
from hybridml.tui.views.tuning import TuningJobsView
from hybridml.tui.views.workloads import WorkloadsView
from hybridml.tui.widgets.resource_view import ResourceView

VIEWS: dict[str, type[ResourceView[Any]]] = {
    view.kind: view
    for view in (
        JobsView,
        QueuesView,
        ComputeEnvironmentsView,
        JobDefinitionsView,
        EndpointsView,
        TrainingJobsView,
        SageMakerJobsView,
        PipelinesView,
        PipelineExecutionsView,
        TuningJobsView,
        MonitorsView,
        ModelGroupsView,
        ModelVersionsView,
        NotebooksView,
        LaunchesView,
        TriageView,
        WorkloadsView,
    )
}

ALIASES: dict[str, str] = {
    "job": "jobs",
    "j": "jobs",
    "queue": "queues",
    "q": "queues",
    "jq": "queues",
    "compute": "ce",
    "computeenvironments": "ce",
    "jobdef": "jobdefs",
    "jd": "jobdefs",
    "definitions": "jobdefs",
    "ep": "endpoints",
    "endpoint": "endpoints",
    "tj": "training",
    "trainingjobs": "training",
    "processing": "smjobs",
    "transform": "smjobs",
    "pj": "smjobs",
    "pipeline": "pipelines",
    "pl": "pipelines",
    "execution": "executions",
    "runs": "executions",
    "hpo": "tuning",
    "tuningjobs": "tuning",
    "monitor": "monitors",
    "mon": "monitors",
    "model": "models",
    "registry": "models",
    "mpg": "models",
    "version": "versions",
    "packages": "versions",
    "notebook": "notebooks",
    "nb": "notebooks",
    "studio": "notebooks",
    "launch": "launches",
    "yolo": "launches",
    "findings": "triage",
    "why": "triage",
    "workloads": "all",
}


def resolve(name: str) -> str | None:
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    return key if key in VIEWS else None

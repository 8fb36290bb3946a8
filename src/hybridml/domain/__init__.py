"""Frozen dataclasses and enums: what the app knows about AWS resources, free of boto dicts."""

from hybridml.domain.batch import (
    ArraySummary,
    ComputeEnvironment,
    ComputeResources,
    Job,
    JobAttempt,
    JobDefinition,
    JobQueue,
    JobStatus,
    ResourceRequest,
)
from hybridml.domain.logs import LogEvent
from hybridml.domain.sagemaker import Endpoint, EndpointVariant, StatusTransition, TrainingJob

__all__ = [
    "ArraySummary",
    "ComputeEnvironment",
    "ComputeResources",
    "Endpoint",
    "EndpointVariant",
    "Job",
    "JobAttempt",
    "JobDefinition",
    "JobQueue",
    "JobStatus",
    "LogEvent",
    "ResourceRequest",
    "StatusTransition",
    "TrainingJob",
]

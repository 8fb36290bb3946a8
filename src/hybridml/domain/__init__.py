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
from hybridml.domain.logs import FollowStatus, LogEvent, LogSource, LogSourceKind, LogStreamRef, ResolvedLogs
from hybridml.domain.sagemaker import Endpoint, EndpointVariant, StatusTransition, TrainingJob

__all__ = [
    "ArraySummary",
    "ComputeEnvironment",
    "ComputeResources",
    "Endpoint",
    "EndpointVariant",
    "FollowStatus",
    "Job",
    "JobAttempt",
    "JobDefinition",
    "JobQueue",
    "JobStatus",
    "LogEvent",
    "LogSource",
    "LogSourceKind",
    "LogStreamRef",
    "ResolvedLogs",
    "ResourceRequest",
    "StatusTransition",
    "TrainingJob",
]

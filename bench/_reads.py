"""The reads one full refresh makes, done two ways: the app's concurrent services, and a sequential boto3 loop.

SageMaker: written while `hybridml.aws.sagemaker` was on another branch, this small local reader makes the
calls a SageMaker list needs (ListEndpoints, one DescribeEndpoint per endpoint for its variants and instance
counts, ListTrainingJobs); the service now on main also describes endpoint configs and recent training jobs.
"""

from __future__ import annotations

import asyncio
from typing import Any

from hybridml.aws._util import bounded_gather
from hybridml.aws.errors import aws_call
from hybridml.services import Services


async def _pages(services: Services, operation: str, key: str, **kwargs: Any) -> list[dict[str, Any]]:
    client = await services.session.client("sagemaker")
    items: list[dict[str, Any]] = []
    async with aws_call("sagemaker", operation):
        async for page in client.get_paginator(operation).paginate(**kwargs):
            items.extend(page.get(key, []) or [])
    return items


async def endpoints(services: Services) -> list[dict[str, Any]]:
    client = await services.session.client("sagemaker")
    names = [e["EndpointName"] for e in await _pages(services, "list_endpoints", "Endpoints")]

    async def one(name: str) -> dict[str, Any]:
        async with aws_call("sagemaker", "DescribeEndpoint"):
            return dict(await client.describe_endpoint(EndpointName=name))

    return await bounded_gather(services.session.settings.max_concurrency, one, names)


async def training_jobs(services: Services) -> list[dict[str, Any]]:
    return await _pages(services, "list_training_jobs", "TrainingJobSummaries")


async def app_refresh(services: Services, *, full: bool) -> dict[str, int]:
    """Everything the app shows, fetched concurrently; `full` forces a sweep of finished jobs too."""
    if full:
        services.batch.invalidate_jobs()
    jobs, queues, envs, eps, training = await asyncio.gather(
        services.batch.all_jobs(max_age_s=0),
        services.batch.job_queues(),
        services.batch.compute_environments(),
        endpoints(services),
        training_jobs(services),
    )
    counts = {"jobs": jobs, "queues": queues, "ces": envs, "endpoints": eps, "training": training}
    return {name: len(found) for name, found in counts.items()}


def sequential_refresh(url: str, region: str, keys: tuple[str, str]) -> dict[str, int]:
    """What a script over boto3 / the AWS CLI does: the same reads, one call after another."""
    import boto3

    def client(service: str) -> Any:
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=url,
            aws_access_key_id=keys[0],
            aws_secret_access_key=keys[1],
        )

    batch, sm = client("batch"), client("sagemaker")
    statuses = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")
    queues = [q["jobQueueName"] for p in batch.get_paginator("describe_job_queues").paginate() for q in p["jobQueues"]]
    jobs = 0
    for queue in queues:
        for status in statuses:
            for page in batch.get_paginator("list_jobs").paginate(jobQueue=queue, jobStatus=status):
                jobs += len(page["jobSummaryList"])
    envs = sum(len(p["computeEnvironments"]) for p in batch.get_paginator("describe_compute_environments").paginate())
    names = [e["EndpointName"] for p in sm.get_paginator("list_endpoints").paginate() for e in p["Endpoints"]]
    for name in names:
        sm.describe_endpoint(EndpointName=name)
    training = sum(len(p["TrainingJobSummaries"]) for p in sm.get_paginator("list_training_jobs").paginate())
    return {"jobs": jobs, "queues": len(queues), "ces": envs, "endpoints": len(names), "training": training}

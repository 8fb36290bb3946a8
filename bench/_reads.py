"""One full refresh of what the console shows, done three ways in the same run:

- the app: its own services (`r`: a resync of every queue's jobs, queues, compute environments, endpoints with
  their configs and autoscaling, training jobs with the newest ones described), with its caches warm as they
  are after the first screen (a config, a finished training job, an unchanged endpoint are not read again);
- a sequential CLI-style loop: what `aws batch list-jobs` / `aws sagemaker list-...` in a shell loop do, with
  the services' default page sizes and one call after another;
- a threaded boto3 script: the same calls, `ThreadPoolExecutor` with the app's concurrency.

Both peers read the same things the app shows (every status of every queue; every endpoint's description and
config; the newest DESCRIBE_LIMIT training jobs' descriptions), and count their requests and rows.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from hybridml.aws.sagemaker_training import DESCRIBE_LIMIT
from hybridml.services import Services

STATUSES = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")


async def app_refresh(services: Services) -> dict[str, int]:
    """What `r` costs on a warm app: every view's data, fresh."""
    services.batch.invalidate_jobs()
    jobs, queues, envs, endpoints, training = await asyncio.gather(
        services.batch.all_jobs(max_age_s=0),
        services.batch.job_queues(),
        services.batch.compute_environments(),
        services.sagemaker.endpoints(),
        services.training.training_jobs(),
    )
    counts = {"jobs": jobs, "queues": queues, "ces": envs, "endpoints": endpoints, "training": training}
    return {name: len(found) for name, found in counts.items()}


class Peer:
    """A boto3 script reading what the console shows; `workers` 1 is the sequential loop."""

    def __init__(self, url: str, region: str, keys: tuple[str, str], workers: int) -> None:
        import boto3
        from botocore.config import Config

        self.calls = 0
        self._lock = threading.Lock()
        config = Config(max_pool_connections=max(10, workers * 2), retries={"mode": "standard", "max_attempts": 5})

        def client(service: str) -> Any:
            made = boto3.client(
                service,
                region_name=region,
                endpoint_url=url,
                aws_access_key_id=keys[0],
                aws_secret_access_key=keys[1],
                config=config,
            )
            made.meta.events.register("before-send", self._count)
            return made

        self.batch, self.sm = client("batch"), client("sagemaker")
        self.workers = workers

    def _count(self, **_: Any) -> None:
        with self._lock:
            self.calls += 1

    def _map(self, func: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
        if self.workers <= 1:
            return [func(item) for item in items]
        with ThreadPoolExecutor(self.workers) as pool:
            return list(pool.map(func, items))

    def _all(self, client: Any, operation: str, key: str, **kwargs: Any) -> list[Any]:
        return [item for page in client.get_paginator(operation).paginate(**kwargs) for item in page[key]]

    def refresh(self) -> dict[str, int]:
        batch, sm = self.batch, self.sm
        queues = [q["jobQueueName"] for q in self._all(batch, "describe_job_queues", "jobQueues")]
        envs = self._all(batch, "describe_compute_environments", "computeEnvironments")
        combos = list(itertools.product(queues, STATUSES))
        jobs = self._map(
            lambda c: self._all(batch, "list_jobs", "jobSummaryList", jobQueue=c[0], jobStatus=c[1]), combos
        )
        names = [e["EndpointName"] for e in self._all(sm, "list_endpoints", "Endpoints")]

        def endpoint(name: str) -> Any:
            described = sm.describe_endpoint(EndpointName=name)
            return sm.describe_endpoint_config(EndpointConfigName=described["EndpointConfigName"])

        self._map(endpoint, names)
        self._all(self.sm_autoscaling(), "describe_scalable_targets", "ScalableTargets", ServiceNamespace="sagemaker")
        training = self._all(
            sm, "list_training_jobs", "TrainingJobSummaries", SortBy="CreationTime", SortOrder="Descending"
        )
        newest = [t["TrainingJobName"] for t in training[:DESCRIBE_LIMIT]]
        self._map(lambda name: sm.describe_training_job(TrainingJobName=name), newest)
        return {
            "jobs": sum(len(j) for j in jobs),
            "queues": len(queues),
            "ces": len(envs),
            "endpoints": len(names),
            "training": len(training),
        }

    def sm_autoscaling(self) -> Any:
        if not hasattr(self, "_autoscaling"):
            import boto3

            base = self.sm.meta
            self._autoscaling = boto3.client(
                "application-autoscaling",
                region_name=base.region_name,
                endpoint_url=base.endpoint_url,
                aws_access_key_id=self.sm._request_signer._credentials.access_key,
                aws_secret_access_key=self.sm._request_signer._credentials.secret_key,
            )
            self._autoscaling.meta.events.register("before-send", self._count)
        return self._autoscaling

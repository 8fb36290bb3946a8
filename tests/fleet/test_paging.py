"""The fleet answers list calls with AWS's documented page sizes, filters and sort orders (fleet/patches_paging.py),
and moto still lacks each of them (when one of the `moto_*` tests fails, moto caught up: drop that patch)."""

from __future__ import annotations

import random
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from hybridml.fleet.backends import batch_backend, sagemaker_backend
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.seed import JobSeeder, boto3_client


@pytest.fixture(scope="module")
def big_queue(fleet: EmbeddedFleet) -> dict[str, Any]:
    """A queue of its own with 130 jobs of mixed states, one second apart in age (newest: index 0)."""
    name = f"paging-{uuid.uuid4().hex[:6]}"
    boto3_client(fleet.url, "batch").create_job_queue(
        jobQueueName=name,
        state="ENABLED",
        priority=1,
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": "cpu-ondemand"}],
    )
    seeder = JobSeeder(random.Random(5), datetime.now(), logs=False)
    jobs = []
    for i in range(130):
        job = seeder.submit(f"page-job-{i:03d}", name, "etl-parquet" if i % 2 else "feature-backfill")
        seeder.set_state(job, ("RUNNING", "SUCCEEDED", "RUNNABLE")[i % 3], 60 + i)
        jobs.append(job)
    return {"name": name, "jobs": jobs}


def pages(client: Any, **kwargs: Any) -> list[list[dict[str, Any]]]:
    out, token = [], None
    while True:
        answer = client.list_jobs(**kwargs, **({"nextToken": token} if token else {}))
        out.append(answer["jobSummaryList"])
        token = answer.get("nextToken")
        if not token:
            return out


def ms(when: datetime) -> str:
    return str(int(when.timestamp() * 1000))


def test_status_listing_pages_through_next_token(fleet: EmbeddedFleet, big_queue: dict[str, Any]) -> None:
    client = boto3_client(fleet.url, "batch")
    got = pages(client, jobQueue=big_queue["name"], jobStatus="RUNNING", maxResults=7)
    ids = [j["jobId"] for page in got for j in page]
    running = {j.job_id for j in big_queue["jobs"] if j.status == "RUNNING"}
    assert len(got) == -(-len(running) // 7) and all(len(p) <= 7 for p in got)
    assert len(ids) == len(set(ids)) and set(ids) == running


def test_filtered_listing_is_every_status_newest_first_at_most_100(
    fleet: EmbeddedFleet, big_queue: dict[str, Any]
) -> None:
    client = boto3_client(fleet.url, "batch")
    since = datetime.now() - timedelta(days=1)
    got = pages(
        client,
        jobQueue=big_queue["name"],
        jobStatus="RUNNING",  # ignored when filters are given
        maxResults=1000,
        filters=[{"name": "AFTER_CREATED_AT", "values": [ms(since)]}],
    )
    assert [len(p) for p in got] == [100, 30]
    listed = [j for page in got for j in page]
    assert {j["status"] for j in listed} == {"RUNNING", "SUCCEEDED", "RUNNABLE"}
    created = [j["createdAt"] for j in listed]
    assert created == sorted(created, reverse=True)


def test_created_at_filters_cut_at_the_given_time(fleet: EmbeddedFleet, big_queue: dict[str, Any]) -> None:
    client = boto3_client(fleet.url, "batch")
    cut = big_queue["jobs"][40].job_created_at  # jobs 0..39 are newer
    after = pages(client, jobQueue=big_queue["name"], filters=[{"name": "AFTER_CREATED_AT", "values": [ms(cut)]}])
    before = pages(client, jobQueue=big_queue["name"], filters=[{"name": "BEFORE_CREATED_AT", "values": [ms(cut)]}])
    assert {j["jobName"] for p in after for j in p} == {f"page-job-{i:03d}" for i in range(40)}
    assert len([j for p in before for j in p]) == 130 - 41


def test_job_definition_filter_and_no_status_means_running(fleet: EmbeddedFleet, big_queue: dict[str, Any]) -> None:
    client = boto3_client(fleet.url, "batch")
    by_def = pages(client, jobQueue=big_queue["name"], filters=[{"name": "JOB_DEFINITION", "values": ["etl-*"]}])
    assert {j["jobName"] for p in by_def for j in p} == {f"page-job-{i:03d}" for i in range(1, 130, 2)}
    plain = pages(client, jobQueue=big_queue["name"])
    assert plain[0] and {j["status"] for p in plain for j in p} == {"RUNNING"}


def test_only_one_filter_at_a_time(fleet: EmbeddedFleet, big_queue: dict[str, Any]) -> None:
    client = boto3_client(fleet.url, "batch")
    two = [{"name": "JOB_NAME", "values": ["x"]}, {"name": "AFTER_CREATED_AT", "values": ["0"]}]
    with pytest.raises(ClientError):
        client.list_jobs(jobQueue=big_queue["name"], filters=two)


def test_describe_jobs_refuses_more_than_100_ids(fleet: EmbeddedFleet, big_queue: dict[str, Any]) -> None:
    client = boto3_client(fleet.url, "batch")
    ids = [j.job_id for j in big_queue["jobs"]]
    assert len(client.describe_jobs(jobs=ids[:100])["jobs"]) == 100
    with pytest.raises(ClientError):
        client.describe_jobs(jobs=ids[:101])


def test_job_queues_page_at_the_requested_size(fleet: EmbeddedFleet, big_queue: dict[str, Any]) -> None:
    client = boto3_client(fleet.url, "batch")
    first = client.describe_job_queues(maxResults=2)
    assert len(first["jobQueues"]) == 2 and first.get("nextToken")
    every = [q for page in client.get_paginator("describe_job_queues").paginate() for q in page["jobQueues"]]
    assert big_queue["name"] in {q["jobQueueName"] for q in every}


@pytest.fixture(scope="module")
def many_training_jobs(fleet: EmbeddedFleet) -> None:
    """Enough training jobs for two default pages, with distinct creation times."""
    from hybridml.fleet.seed_bulk import TRAIN_IMAGE

    client, backend = boto3_client(fleet.url, "sagemaker"), sagemaker_backend()
    now = datetime.utcnow()
    for n in range(14):
        name = f"paging-train-{uuid.uuid4().hex[:6]}"
        client.create_training_job(
            TrainingJobName=name,
            AlgorithmSpecification={"TrainingImage": TRAIN_IMAGE, "TrainingInputMode": "File"},
            RoleArn="arn:aws:iam::123456789012:role/SageMakerExecution",
            OutputDataConfig={"S3OutputPath": "s3://hybridml-models/output"},
            ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 50},
            StoppingCondition={"MaxRuntimeInSeconds": 3600},
        )
        backend.training_jobs[name].creation_time = now - timedelta(hours=n + 1, minutes=n)


def test_training_jobs_default_page_is_10_sorted_as_asked(fleet: EmbeddedFleet, many_training_jobs: None) -> None:
    client = boto3_client(fleet.url, "sagemaker")
    first = client.list_training_jobs(SortBy="CreationTime", SortOrder="Descending")
    assert len(first["TrainingJobSummaries"]) == 10 and first.get("NextToken")
    every = [
        s
        for page in client.get_paginator("list_training_jobs").paginate(
            SortBy="CreationTime", SortOrder="Descending", PaginationConfig={"PageSize": 100}
        )
        for s in page["TrainingJobSummaries"]
    ]
    created = [s["CreationTime"] for s in every]
    assert created == sorted(created, reverse=True) and len(every) == len(sagemaker_backend().training_jobs)
    newest = created[len(created) // 2]
    recent = client.list_training_jobs(CreationTimeAfter=newest, MaxResults=100)["TrainingJobSummaries"]
    assert recent and all(s["CreationTime"] > newest for s in recent)


def test_endpoints_default_page_is_10_newest_first(fleet: EmbeddedFleet) -> None:
    client = boto3_client(fleet.url, "sagemaker")
    total = len(sagemaker_backend().endpoints)
    first = client.list_endpoints()
    assert len(first["Endpoints"]) == min(10, total)
    created = [e["CreationTime"] for e in first["Endpoints"]]
    assert created == sorted(created, reverse=True)


# -- moto still lacks these (the patches stay while these pass) ------------------------------------
def test_moto_ignores_created_at_filters(big_queue: dict[str, Any]) -> None:
    future = str(int((time.time() + 3600) * 1000))
    after = [{"name": "AFTER_CREATED_AT", "values": [future]}]
    listed = batch_backend().list_jobs(big_queue["name"], None, None, after)
    assert len(listed) == 130  # AWS: none was created after a time an hour from now


def test_moto_lists_training_jobs_in_one_page(fleet: EmbeddedFleet, many_training_jobs: None) -> None:
    from moto.sagemaker.models import SageMakerModelBackend

    answer = SageMakerModelBackend.list_training_jobs(
        sagemaker_backend(),
        next_token=None,
        max_results=None,
        creation_time_after=None,
        creation_time_before=None,
        last_modified_time_after=None,
        last_modified_time_before=None,
        name_contains=None,
        status_equals=None,
    )
    assert len(answer["TrainingJobSummaries"]) > 10  # AWS: 10 without MaxResults


def test_moto_pages_endpoints_at_100() -> None:
    from hybridml.fleet.patches_paging import MOTO_DEFAULTS

    assert MOTO_DEFAULTS["list_endpoints.limit_default"] == 100  # AWS: 10

"""The hostile fleet holds the corpus where AWS allows arbitrary text, and only there; the queue-status patch
it relies on returns what DescribeJobQueues documents."""

from __future__ import annotations

import re
from typing import Any

from hybridml.fleet.backends import batch_backend
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.hostile import CORPUS, HOSTILE, HOSTILE_QUEUE, HOSTILE_TAG
from hybridml.fleet.seed import boto3_client

BATCH_NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}$")  # "Up to 128 letters ..., numbers, hyphens, and underscores"
SAGEMAKER_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
TAG_VALUE = re.compile(r"^([\w\s.:/=+\-@]*)$")  # the documented ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$, near enough


def test_queue_status_reason_is_returned_as_documented(fleet: EmbeddedFleet) -> None:
    """JobQueueDetail.statusReason: "A short, human-readable string to provide additional details for the
    current status of the job queue." (moto omits it; patch batch_job_queue_status_reason_is_stored)."""
    queue = next(q for q in batch_backend()._job_queues.values() if q.name == "spot-archive")
    batch = boto3_client(fleet.url, "batch")
    try:
        queue.hybridml_status, queue.hybridml_status_reason = "INVALID", "no valid compute environment"
        [detail] = batch.describe_job_queues(jobQueues=["spot-archive"])["jobQueues"]
        assert (detail["status"], detail["statusReason"]) == ("INVALID", "no valid compute environment")
    finally:
        del queue.hybridml_status, queue.hybridml_status_reason
    [detail] = batch.describe_job_queues(jobQueues=["spot-archive"])["jobQueues"]
    assert "statusReason" not in detail or detail["statusReason"] != "no valid compute environment"


def test_hostile_text_only_where_aws_takes_any_text(hostile_fleet: Any) -> None:
    batch = boto3_client(hostile_fleet.url, "batch")
    sagemaker = boto3_client(hostile_fleet.url, "sagemaker")
    summaries = batch.list_jobs(jobQueue=HOSTILE_QUEUE, jobStatus="FAILED")["jobSummaryList"]
    summaries += batch.list_jobs(jobQueue=HOSTILE_QUEUE, jobStatus="RUNNABLE")["jobSummaryList"]
    assert {s["statusReason"] for s in summaries} == set(CORPUS)  # every string, exactly as written
    assert all(BATCH_NAME.match(s["jobName"]) for s in summaries)
    detail = batch.describe_jobs(jobs=[summaries[0]["jobId"]])["jobs"][0]
    assert detail["parameters"]["note"] in CORPUS and detail["tags"]["note"] == HOSTILE_TAG
    assert TAG_VALUE.match(HOSTILE_TAG)
    [queue] = batch.describe_job_queues(jobQueues=[HOSTILE_QUEUE])["jobQueues"]
    assert queue["statusReason"].startswith(HOSTILE["click_key"])
    reasons = {c["statusReason"] for c in batch.describe_compute_environments()["computeEnvironments"]}
    assert HOSTILE["osc52_clipboard"] in reasons and HOSTILE["newline_row"] in reasons
    endpoints = [e["EndpointName"] for e in sagemaker.list_endpoints(MaxResults=100)["Endpoints"]]
    hostile = [name for name in endpoints if name.startswith("hostile-")]
    assert hostile and all(SAGEMAKER_NAME.match(name) for name in hostile)
    failure = sagemaker.describe_endpoint(EndpointName="hostile-ep-1")["FailureReason"]
    assert failure == HOSTILE["unbalanced_end"]

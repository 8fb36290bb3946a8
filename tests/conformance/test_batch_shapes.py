"""Issue 11.8 / 11.9 / 11.10: every job shape the Batch API documents is read, shown, logged and resubmitted.

The responses are the fixtures (validated against the botocore `batch` model in `test_fixtures_follow_the_model`),
fed through the same mappers the app uses on AWS's answers.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hybridml.aws.batch_actions import submit_job_kwargs
from hybridml.aws.batch_jobs import _job_from_api, _jobdef_from_api
from hybridml.domain.batch import JobKind, JobStatus, ResourceRequest
from hybridml.domain.logs import LogSource
from hybridml.domain.submit import SubmitRequest, clone_request, shaped_for
from hybridml.logtail.sources import BatchLogResolver, job_streams
from hybridml.render.batch import job_detail
from hybridml.render.submit import request_summary
from tests.conformance.conftest import FixtureBatch, assert_shape, cites, load

NOW = datetime(2025, 11, 25, 9, 0, tzinfo=UTC)
FIXTURES = {
    "describe_multinode.json": "DescribeJobsResponse",
    "list_multinode_nodes.json": "ListJobsResponse",
    "describe_ecs_properties.json": "DescribeJobsResponse",
    "describe_ecs_job_definition.json": "DescribeJobDefinitionsResponse",
    "describe_eks.json": "DescribeJobsResponse",
    "describe_fargate.json": "DescribeJobsResponse",
    "describe_second_attempt.json": "DescribeJobsResponse",
}


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_fixtures_follow_the_model(name: str) -> None:
    """Response shapes come from the service model: every field of a fixture is one the botocore `batch` model
    defines for that response, with its type."""
    assert_shape("batch", FIXTURES[name], load(name))


def test_array_fixture_follows_the_model() -> None:
    """ArrayPropertiesDetail `statusSummary`: "A summary of the number of array job children in each available job
    status. This parameter is returned for parent array jobs." ArrayPropertiesSummary `index`: "This parameter is
    returned for children of array jobs." """
    cites("batch", "ArrayPropertiesSummary", "index", "This parameter is returned for children of array jobs.")
    fixture = load("array_job.json")
    assert_shape("batch", "DescribeJobsResponse", fixture["parent"])
    for page in fixture["children"].values():
        assert_shape("batch", "ListJobsResponse", page)
    assert set(fixture["children"]) == {"PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED"}


def test_multi_node_job_and_its_nodes() -> None:
    """NodeRangeProperty `targetNodes`: "A range of 0:3 indicates nodes with index values of 0 through 3 [...] If the
    ending range value is omitted (n:), then the highest possible node index is used to end the range."
    NodeDetails `nodeIndex`: "The node index for the node. Node index numbering starts at zero." """
    cites("batch", "NodeRangeProperty", "targetNodes", "If the ending range value is omitted (n:), then the highest")
    cites("batch", "NodeDetails", "nodeIndex", "Node index numbering starts at zero.")
    parent, *nodes = (_job_from_api(d) for d in load("describe_multinode.json")["jobs"])
    assert parent.kind is JobKind.MULTI_NODE and parent.is_multinode_parent and not parent.is_node
    assert parent.multinode is not None and parent.multinode.num_nodes == 3
    worker = parent.multinode.range_of(2)
    assert worker is not None and worker.target_nodes == "1:" and worker.resources.gpus == 4
    assert parent.resources == ResourceRequest(48, 180000, 4)  # the largest node decides where it fits
    assert parent.image.endswith("ddp:2.1") and parent.command[-1] == "main"  # the main node's
    assert [n.multinode.node_index for n in nodes if n.multinode] == [0, 1, 2]
    assert all(n.is_node and n.parent_id == parent.job_id for n in nodes)
    text = job_detail(parent, NOW).plain
    assert "multi-node parallel" in text and "3 (main node 0)" in text and "nodes 1:" in text


async def test_multi_node_logs_are_one_stream_per_node() -> None:
    """ListJobs: "You must specify only one of the following items: [...] A multi-node parallel job ID to return a
    list of nodes for that job". Each node is a job `JOBID#N` with its own container `logStreamName`."""
    cites("batch", "ListJobs", None, "A multi-node parallel job ID to return a list of nodes for that job")
    detail = load("describe_multinode.json")
    parent_id = detail["jobs"][0]["jobId"]
    batch = FixtureBatch(detail, children={parent_id: load("list_multinode_nodes.json")["jobSummaryList"]})
    resolved = await BatchLogResolver(batch, LogSource.batch_job(parent_id))()  # type: ignore[arg-type]
    assert [(s.label, s.group, s.live) for s in resolved.streams] == [
        ("node0#1", "/hybridml/ddp", True),
        ("node1#1", "/hybridml/ddp", True),
        ("node2#1", "/hybridml/ddp", True),
    ]
    one = await BatchLogResolver(batch, LogSource.parse(f"{parent_id}#2"))()  # type: ignore[arg-type]
    assert [s.name for s in one.streams] == [resolved.streams[2].name]  # JOB#N names node N of a multi-node job


async def test_multi_container_job_logs_one_stream_per_container() -> None:
    """TaskContainerDetails `logStreamName`: "The name of the CloudWatch Logs log stream that's associated with the
    container. [...] Each container attempt receives a log stream name when they reach the RUNNING status." The
    group comes from the container's `logConfiguration` (`awslogs-group`)."""
    cites("batch", "TaskContainerDetails", "logStreamName", "Each container attempt receives a log stream name")
    response = load("describe_ecs_properties.json")
    job = _job_from_api(response["jobs"][0])
    assert job.kind is JobKind.ECS and [c.name for c in job.containers] == ["app", "log-router"]
    assert job.resources == ResourceRequest(4.25, 8704, 0)  # a task's containers share one instance
    assert job.image.endswith("etl:1.4") and job.command[:3] == ("python", "-m", "etl")  # the essential one
    streams = job_streams(job)
    assert [(s.label, s.live) for s in streams] == [
        ("#1/app", False),
        ("#1/log-router", False),
        ("#2/app", True),
        ("#2/log-router", True),
    ]
    assert {s.group for s in streams} == {"/hybridml/ecs-jobs"}
    text = job_detail(job, NOW).plain
    assert "Container app" in text and "Container log-router (not essential)" in text and "etl/app/" in text
    resolved = await BatchLogResolver(FixtureBatch(response), LogSource.batch_job(job.job_id))()  # type: ignore[arg-type]
    assert len(resolved.streams) == 4 and not resolved.note


def test_eks_job_is_read_and_says_where_its_logs_are() -> None:
    """EksContainerResourceRequirements `limits`: "memory: The memory hard limit (in MiB) for the container, using
    whole integers, with a "Mi" suffix."; EksPodPropertiesDetail `podName`: "The name of the pod for this job." """
    cites("batch", "EksPodPropertiesDetail", "podName", "The name of the pod for this job.")
    job = _job_from_api(load("describe_eks.json")["jobs"][0])
    assert job.kind is JobKind.EKS
    assert job.resources == ResourceRequest(4, 16384, 1)
    assert job.command == ("python", "train.py", "--epochs", "3") and job.image.endswith("finetune:0.3")
    assert job.pod.startswith("aws-batch.") and job.pod.endswith("on ip-10-0-12-34.ec2.internal")
    assert "EKS pod" in job_detail(job, NOW).plain


async def test_eks_job_logs_say_where_to_look() -> None:
    """JobDetail `container`: "If the details are for a multiple-container job, this object will be empty." An EKS
    job has no Batch log stream to follow: the view says so instead of waiting forever."""
    cites(
        "batch", "JobDetail", "container", "If the details are for a multiple-container job, this object will be empty."
    )
    response = load("describe_eks.json")
    resolved = await BatchLogResolver(FixtureBatch(response), LogSource.batch_job(response["jobs"][0]["jobId"]))()  # type: ignore[arg-type]
    assert resolved.streams == () and "EKS" in resolved.note and "kubectl logs" in resolved.note


async def test_fargate_job_and_its_own_log_group() -> None:
    """JobDetail `platformCapabilities`: "Jobs run on Fargate resources specify FARGATE." The job definition's
    `logConfiguration` (`awslogs-group`) decides the log group, not /aws/batch/job."""
    cites("batch", "JobDetail", "platformCapabilities", "Jobs run on Fargate resources specify FARGATE.")
    response = load("describe_fargate.json")
    job = _job_from_api(response["jobs"][0])
    assert job.platform == "FARGATE" and job.resources == ResourceRequest(0.5, 1024, 0)
    assert (job.log_group, job.log_stream_prefix) == ("/hybridml/fargate-etl", "etl")
    resolved = await BatchLogResolver(FixtureBatch(response), LogSource.batch_job(job.job_id))()  # type: ignore[arg-type]
    assert [(s.group, s.live) for s in resolved.streams] == [("/hybridml/fargate-etl", False)]
    assert resolved.finished and "FARGATE" in job_detail(job, NOW).plain


async def test_job_definition_log_group_is_used_when_the_job_does_not_say() -> None:
    """LogConfiguration `options`: "The configuration options to send to the log driver." A definition's
    `awslogs-group` applies to its jobs; a job whose detail carries no group reads it from its definition."""
    cites("batch", "LogConfiguration", "options", "The configuration options to send to the log driver.")
    detail = load("describe_second_attempt.json")
    job = detail["jobs"][0]
    job["container"].pop("logConfiguration")
    definition = {
        "jobDefinitions": [
            {
                "jobDefinitionName": "train-resnet50",
                "jobDefinitionArn": job["jobDefinition"],
                "revision": 4,
                "status": "ACTIVE",
                "type": "container",
                "containerProperties": {
                    "image": "train",
                    "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/hybridml/train"}},
                },
            }
        ]
    }
    assert_shape("batch", "DescribeJobDefinitionsResponse", definition)
    resolved = await BatchLogResolver(FixtureBatch(detail, definition), LogSource.batch_job(job["jobId"]))()  # type: ignore[arg-type]
    assert {s.group for s in resolved.streams} == {"/hybridml/train"}


def test_second_attempt_keeps_the_first_and_follows_the_running_one() -> None:
    """AttemptDetail `stoppedAt`: "when the attempt transitioned from the RUNNING state to a terminal state";
    RetryStrategy `attempts`: "The number of times to move a job to the RUNNABLE status." A job in its second
    attempt has its first attempt in `attempts` and its running one in `container.logStreamName`."""
    cites("batch", "RetryStrategy", "attempts", "The number of times to move a job to the RUNNABLE status.")
    job = _job_from_api(load("describe_second_attempt.json")["jobs"][0])
    assert job.status is JobStatus.RUNNING and len(job.attempts) == 1 and job.attempts[0].exit_code == 137
    streams = job_streams(job)
    assert [(s.label, s.live) for s in streams] == [("#1", False), ("#2", True)]
    assert streams[1].name == job.log_stream


def test_running_stream_is_live_whatever_attempts_holds() -> None:
    """ContainerDetail `logStreamName`: "Each container attempt receives a log stream name when they reach the
    RUNNING status." While the job is not finished its current stream is live, even where `attempts` already lists
    the running attempt (as moto does): issue 11.10."""
    cites("batch", "ContainerDetail", "logStreamName", "Each container attempt receives a log stream name")
    detail = load("describe_second_attempt.json")["jobs"][0]
    running = {"container": {"logStreamName": detail["container"]["logStreamName"]}, "startedAt": 1}
    detail["attempts"].append(running)  # listed early, without stoppedAt
    streams = job_streams(_job_from_api(detail))
    assert [(s.label, s.live) for s in streams] == [("#1", False), ("#2", True)]
    running["stoppedAt"] = 2  # even with a stoppedAt, the job's current stream stays live until the job ends
    assert [s.live for s in job_streams(_job_from_api(detail))] == [False, True]


def _validate_submit(kwargs: dict[str, object]) -> None:
    assert_shape("batch", "SubmitJobRequest", kwargs)


def test_submit_and_clone_send_the_override_the_definition_needs() -> None:
    """SubmitJob `ecsPropertiesOverride`: "An object, with properties that override defaults for the job definition,
    can only be specified for jobs that are run on Amazon ECS resources."; TaskContainerOverrides `name`: "A pointer
    to the container that you want to override."; `nodeOverrides`: "A list of node overrides in JSON format that
    specify the node range to target and the container overrides for that node range." """
    cites("batch", "TaskContainerOverrides", "name", "A pointer to the container that you want to override.")
    cites("batch", "SubmitJobRequest", "nodeOverrides", "specify the node range to target and the container overrides")
    ecs_def = _jobdef_from_api(load("describe_ecs_job_definition.json")["jobDefinitions"][0])
    request = shaped_for(SubmitRequest("cpu-etl", "etl-with-sidecar:2", "etl-x", vcpus=8, command=("run",)), ecs_def)
    kwargs = submit_job_kwargs(request)
    _validate_submit(kwargs)
    assert "containerOverrides" not in kwargs
    assert kwargs["ecsPropertiesOverride"] == {
        "taskProperties": [
            {
                "containers": [
                    {"name": "app", "resourceRequirements": [{"type": "VCPU", "value": "8"}], "command": ["run"]}
                ]
            }
        ]
    }
    assert request.effective_resources(ecs_def) == ResourceRequest(8.25, 8704, 0)  # the sidecar still counts
    assert "Overrides to container app (ecsPropertiesOverride)" in request_summary(request, ecs_def, None).plain

    job = _job_from_api(load("describe_ecs_properties.json")["jobs"][0])
    clone = clone_request(job, ecs_def)
    assert (clone.definition_kind, clone.container, clone.vcpus, clone.command) == (JobKind.ECS, "app", None, None)

    eks = _job_from_api(load("describe_eks.json")["jobs"][0])
    eks_request = SubmitRequest(
        "eks-gpu", "eks-finetune:1", "ft", gpus=2, memory_mib=32768, definition_kind=JobKind.EKS, container="trainer"
    )
    assert eks.containers[0].name == "trainer"
    eks_kwargs = submit_job_kwargs(eks_request)
    _validate_submit(eks_kwargs)
    limits = eks_kwargs["eksPropertiesOverride"]["podProperties"]["containers"][0]["resources"]["limits"]  # type: ignore[index]
    assert limits == {"memory": "32768Mi", "nvidia.com/gpu": "2"}

    mnp = _job_from_api(load("describe_multinode.json")["jobs"][0])
    mnp_kwargs = submit_job_kwargs(SubmitRequest("gpu-training", "ddp-resnet:3", "ddp", command=("python", "x.py"),
                                                 definition_kind=mnp.kind))  # fmt: skip
    _validate_submit(mnp_kwargs)
    assert mnp_kwargs["nodeOverrides"] == {
        "nodePropertyOverrides": [{"targetNodes": "0:", "containerOverrides": {"command": ["python", "x.py"]}}]
    }


def test_a_multi_node_job_listed_in_its_queue_is_one() -> None:
    """JobSummary `nodeProperties`: "The node properties for a single node in a job summary list." A summary with
    `numNodes` and no `nodeIndex` is the multi-node job itself: enter lists its nodes, `l` merges their logs."""
    cites("batch", "JobSummary", "nodeProperties", "The node properties for a single node in a job summary list.")
    summary = {"jobId": "mnp-1", "jobName": "ddp", "status": "RUNNING", "nodeProperties": {"numNodes": 4}}
    assert_shape("batch", "ListJobsResponse", {"jobSummaryList": [summary]})
    job = _job_from_api(summary)
    assert job.is_multinode_parent and job.kind is JobKind.MULTI_NODE and not job.is_node

"""Mappers for Batch jobs and job definitions: JobSummary / JobDetail / JobDefinition dicts -> domain objects.

Every shape the Batch API documents is read here (botocore `batch` service model): a single `container`, a
multi-container ECS task (`ecsProperties.taskProperties[].containers[]`, one log stream per container), a
Kubernetes pod (`eksProperties.podProperties`), a multi-node parallel job (`nodeProperties` on the job,
`nodeDetails` on each node `JOBID#N`), Fargate (`platformCapabilities`), arrays and past attempts.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from hybridml.aws._util import from_epoch_ms, name_value_pairs, pairs
from hybridml.domain.batch import (
    ArraySummary,
    ContainerInfo,
    Job,
    JobAttempt,
    JobDefinition,
    JobKind,
    JobStatus,
    MultiNode,
    NodeRange,
    ResourceRequest,
)

_QUANTITY = re.compile(r"^\s*([0-9.]+)\s*([A-Za-z]*)\s*$")
_MEMORY_UNITS_MIB = {
    "": 1 / (1024 * 1024),  # bytes
    "ki": 1 / 1024,
    "mi": 1,
    "gi": 1024,
    "ti": 1024 * 1024,
    "k": 1000 / (1024 * 1024),
    "m": 1000**2 / (1024 * 1024),
    "g": 1000**3 / (1024 * 1024),
    "t": 1000**4 / (1024 * 1024),
}


def resource_request(
    requirements: list[dict[str, Any]] | None, vcpus: Any = None, memory: Any = None
) -> ResourceRequest:
    values = {r.get("type"): r.get("value") for r in requirements or []}
    v = values.get("VCPU", vcpus)
    m = values.get("MEMORY", memory)
    g = values.get("GPU")
    return ResourceRequest(
        vcpus=float(v) if v not in (None, "") else 0.0,
        memory_mib=int(float(m)) if m not in (None, "") else 0,
        gpus=int(float(g)) if g not in (None, "") else 0,
    )


def _k8s_cpu(value: Any) -> float:
    match = _QUANTITY.match(str(value or ""))
    if not match:
        return 0.0
    number, unit = float(match.group(1)), match.group(2)
    return number / 1000 if unit == "m" else number


def _k8s_memory_mib(value: Any) -> int:
    match = _QUANTITY.match(str(value or ""))
    if not match:
        return 0
    factor = _MEMORY_UNITS_MIB.get(match.group(2).lower())
    return int(float(match.group(1)) * factor) if factor is not None else 0


def _eks_resources(d: dict[str, Any] | None) -> ResourceRequest:
    """EksContainerResourceRequirements: `limits` or `requests` of `cpu`, `memory` ("Mi") and `nvidia.com/gpu`."""
    d = d or {}
    merged = {**(d.get("requests") or {}), **(d.get("limits") or {})}
    return ResourceRequest(
        vcpus=_k8s_cpu(merged.get("cpu")),
        memory_mib=_k8s_memory_mib(merged.get("memory")),
        gpus=int(float(merged.get("nvidia.com/gpu", 0) or 0)),
    )


def _log_config(d: dict[str, Any] | None) -> tuple[str, str, str]:
    """(driver, awslogs-group, awslogs-stream-prefix) of a LogConfiguration."""
    d = d or {}
    options = d.get("options") or {}
    return (
        str(d.get("logDriver", "") or ""),
        str(options.get("awslogs-group", "") or ""),
        str(options.get("awslogs-stream-prefix", "") or ""),
    )


def _task_container(d: dict[str, Any]) -> ContainerInfo:
    """TaskContainerProperties / TaskContainerDetails / AttemptTaskContainerDetails -> ContainerInfo."""
    driver, group, prefix = _log_config(d.get("logConfiguration"))
    return ContainerInfo(
        name=str(d.get("name", "") or ""),
        image=str(d.get("image", "") or ""),
        command=tuple(str(c) for c in d.get("command", []) or ()),
        resources=resource_request(d.get("resourceRequirements")),
        environment=name_value_pairs(d.get("environment")),
        essential=bool(d.get("essential", True)),
        log_driver=driver,
        log_group=group,
        log_stream_prefix=prefix,
        log_stream=str(d.get("logStreamName", "") or ""),
        exit_code=d.get("exitCode"),
        reason=str(d.get("reason", "") or ""),
    )


def _eks_container(d: dict[str, Any]) -> ContainerInfo:
    """EksContainerDetail / EksContainer -> ContainerInfo (EKS jobs log where the cluster ships pod logs)."""
    return ContainerInfo(
        name=str(d.get("name", "") or "Default"),
        image=str(d.get("image", "") or ""),
        command=tuple(str(c) for c in [*(d.get("command") or ()), *(d.get("args") or ())]),
        resources=_eks_resources(d.get("resources")),
        environment=name_value_pairs(d.get("env")),
        exit_code=d.get("exitCode"),
        reason=str(d.get("reason", "") or ""),
    )


def _ecs_containers(ecs: dict[str, Any] | None) -> tuple[ContainerInfo, ...]:
    """`ecsProperties.taskProperties[].containers[]` (the list is limited to one task)."""
    tasks = (ecs or {}).get("taskProperties") or []
    return tuple(_task_container(c) for task in tasks for c in task.get("containers", []) or ())


def _eks_containers(eks: dict[str, Any] | None) -> tuple[ContainerInfo, ...]:
    pod = (eks or {}).get("podProperties") or {}
    return tuple(_eks_container(c) for c in pod.get("containers", []) or ())


def _total(containers: tuple[ContainerInfo, ...]) -> ResourceRequest:
    """A task's containers share one instance: the job needs their sum."""
    total = ResourceRequest()
    for container in containers:
        total = total + container.resources
    return total


def _lead(containers: tuple[ContainerInfo, ...]) -> ContainerInfo | None:
    """The container that stands for the job in one-line views: the first essential one."""
    return next((c for c in containers if c.essential), containers[0] if containers else None)


def _plain_container(d: dict[str, Any], name: str = "default") -> ContainerInfo:
    """ContainerProperties / ContainerDetail (one container, Batch names its streams `<definition>/default/...`)."""
    info = _task_container({**d, "name": name})
    return replace(info, resources=resource_request(d.get("resourceRequirements"), d.get("vcpus"), d.get("memory")))


def _node_range(d: dict[str, Any]) -> NodeRange:
    containers = _ecs_containers(d.get("ecsProperties"))
    if not containers and d.get("container"):
        containers = (_plain_container(d["container"]),)
    lead = _lead(containers)
    return NodeRange(
        target_nodes=str(d.get("targetNodes", "") or ""),
        image=lead.image if lead else "",
        command=lead.command if lead else (),
        resources=_total(containers),
        instance_types=tuple(str(t) for t in d.get("instanceTypes", []) or ()),
        containers=containers,
    )


def _multinode(d: dict[str, Any]) -> MultiNode | None:
    """`nodeProperties` (NodeProperties on a job or definition, NodePropertiesSummary in ListJobs) and a node's
    `nodeDetails`."""
    props = d.get("nodeProperties") or {}
    details = d.get("nodeDetails") or {}
    if not props and not details:
        return None
    index = details.get("nodeIndex", props.get("nodeIndex"))
    main = int(props.get("mainNode", 0) or 0)
    return MultiNode(
        num_nodes=int(props.get("numNodes", 0) or 0),
        main_node=main,
        node_index=int(index) if index is not None else None,
        is_main=bool(details.get("isMainNode", props.get("isMainNode", False))),
        ranges=tuple(_node_range(r) for r in props.get("nodeRangeProperties", []) or ()),
    )


def _attempt_from_api(d: dict[str, Any]) -> JobAttempt:
    c = d.get("container") or {}
    tasks = d.get("taskProperties") or []
    task = tasks[0] if tasks else {}
    return JobAttempt(
        started_at=from_epoch_ms(d.get("startedAt")),
        stopped_at=from_epoch_ms(d.get("stoppedAt")),
        exit_code=c.get("exitCode"),
        reason=str(c.get("reason", "") or d.get("statusReason", "") or ""),
        log_stream=str(c.get("logStreamName", "") or ""),
        task_arn=str(c.get("taskArn", "") or task.get("taskArn", "") or ""),
        instance_arn=str(c.get("containerInstanceArn", "") or task.get("containerInstanceArn", "") or ""),
        containers=tuple(_task_container(x) for t in tasks for x in t.get("containers", []) or ()),
    )


def _array_from_api(d: dict[str, Any] | None) -> ArraySummary | None:
    if not d:
        return None
    summary = d.get("statusSummary") or {}
    size = int(d.get("size", 0) or 0)
    index = d.get("index")
    if index is None and not size:
        return None
    return ArraySummary(
        size=size,
        index=int(index) if index is not None else None,
        status_counts=tuple((str(k), int(v)) for k, v in summary.items() if v),
    )


def _kind(d: dict[str, Any]) -> JobKind:
    if d.get("ecsProperties"):
        return JobKind.ECS
    if d.get("eksProperties"):
        return JobKind.EKS
    if (d.get("nodeProperties") or {}).get("nodeRangeProperties") or d.get("type") == "multinode":
        return JobKind.MULTI_NODE
    return JobKind.CONTAINER


def _job_from_api(d: dict[str, Any], queue: str = "") -> Job:
    """Map a JobSummary (ListJobs) or a JobDetail (DescribeJobs) to a Job."""
    container = d.get("container") or {}
    queue_ref = str(d.get("jobQueue", "") or queue)
    timeout = (d.get("timeout") or {}).get("attemptDurationSeconds")
    retry = (d.get("retryStrategy") or {}).get("attempts")
    kind = _kind(d)
    containers = _ecs_containers(d.get("ecsProperties")) if kind is JobKind.ECS else ()
    if kind is JobKind.EKS:
        containers = _eks_containers(d.get("eksProperties"))
    multinode = _multinode(d)
    if multinode is not None and multinode.node_index is None:  # the job itself (a JobSummary has no ranges)
        kind = JobKind.MULTI_NODE
    driver, group, prefix = _log_config(container.get("logConfiguration"))
    resources = resource_request(container.get("resourceRequirements"), container.get("vcpus"), container.get("memory"))
    image = str(container.get("image", "") or "")
    command = tuple(str(c) for c in container.get("command", []) or ())
    lead = _lead(containers)
    if containers:
        resources, image, command = _total(containers), (lead.image if lead else ""), (lead.command if lead else ())
        driver, group, prefix = (lead.log_driver, lead.log_group, lead.log_stream_prefix) if lead else ("", "", "")
    elif multinode is not None and multinode.ranges and not container.get("image"):
        main = multinode.range_of(multinode.main_node) or max(multinode.ranges, key=lambda r: r.resources.size)
        resources = max((r.resources for r in multinode.ranges), key=lambda r: r.size)
        image, command = main.image, main.command
    pod = ((d.get("eksProperties") or {}).get("podProperties")) or {}
    tasks = (d.get("ecsProperties") or {}).get("taskProperties") or [{}]
    platforms = d.get("platformCapabilities") or ["EC2"]
    return Job(
        job_id=d["jobId"],
        name=str(d.get("jobName", "")),
        queue=queue_ref.rsplit("/", 1)[-1],
        status=JobStatus(d.get("status", "SUBMITTED")),
        created_at=from_epoch_ms(d.get("createdAt")),
        started_at=from_epoch_ms(d.get("startedAt")),
        stopped_at=from_epoch_ms(d.get("stoppedAt")),
        status_reason=str(d.get("statusReason", "") or ""),
        job_definition=str(d.get("jobDefinition", "") or ""),
        arn=str(d.get("jobArn", "") or ""),
        array=_array_from_api(d.get("arrayProperties")),
        depends_on=tuple(str(x.get("jobId", "")) for x in d.get("dependsOn", []) or ()),
        attempts=tuple(_attempt_from_api(a) for a in d.get("attempts", []) or ()),
        resources=resources,
        parameters=pairs(d.get("parameters")),
        command=command,
        environment=name_value_pairs(container.get("environment")) or (lead.environment if lead else ()),
        image=image,
        log_stream=str(container.get("logStreamName", "") or ""),
        log_group=group,
        exit_code=container.get("exitCode"),
        timeout_s=int(timeout) if timeout else None,
        retry_attempts=int(retry) if retry else None,
        tags=pairs(d.get("tags")),
        share_identifier=str(d.get("shareIdentifier", "") or ""),
        instance_type=str(container.get("instanceType", "") or ""),
        kind=kind,
        containers=containers,
        multinode=multinode,
        platform=str(platforms[0]),
        log_driver=driver,
        log_stream_prefix=prefix,
        pod=" on ".join(x for x in (str(pod.get("podName", "") or ""), str(pod.get("nodeName", "") or "")) if x),
        is_cancelled=bool(d.get("isCancelled", False)),
        is_terminated=bool(d.get("isTerminated", False)),
        task_arn=str(container.get("taskArn", "") or tasks[0].get("taskArn", "") or ""),
    )


def _jobdef_from_api(d: dict[str, Any]) -> JobDefinition:
    cp = d.get("containerProperties") or {}
    timeout = (d.get("timeout") or {}).get("attemptDurationSeconds")
    retry = (d.get("retryStrategy") or {}).get("attempts")
    platforms = d.get("platformCapabilities") or ["EC2"]
    kind = _kind(d)
    containers = _ecs_containers(d.get("ecsProperties")) if kind is JobKind.ECS else ()
    if kind is JobKind.EKS:
        containers = _eks_containers(d.get("eksProperties"))
    multinode = _multinode(d) if kind is JobKind.MULTI_NODE else None
    driver, group, prefix = _log_config(cp.get("logConfiguration"))
    resources = resource_request(cp.get("resourceRequirements"), cp.get("vcpus"), cp.get("memory"))
    image = str(cp.get("image", "") or "")
    command = tuple(str(c) for c in cp.get("command", []) or ())
    env = name_value_pairs(cp.get("environment"))
    lead = _lead(containers)
    if lead is not None:
        resources, image, command, env = _total(containers), lead.image, lead.command, lead.environment
        driver, group, prefix = lead.log_driver, lead.log_group, lead.log_stream_prefix
    elif multinode is not None and multinode.ranges:
        main = multinode.range_of(multinode.main_node) or multinode.ranges[0]
        resources = max((r.resources for r in multinode.ranges), key=lambda r: r.size)
        image, command = main.image, main.command
        head = _lead(main.containers)
        if head is not None:
            driver, group, prefix = head.log_driver, head.log_group, head.log_stream_prefix
    return JobDefinition(
        name=d["jobDefinitionName"],
        arn=d.get("jobDefinitionArn", ""),
        revision=int(d.get("revision", 0) or 0),
        status=str(d.get("status", "") or ""),
        type=str(d.get("type", "container")),
        image=image,
        command=command,
        resources=resources,
        parameters=pairs(d.get("parameters")),
        environment=env,
        job_role_arn=str(cp.get("jobRoleArn", "") or ""),
        log_driver=driver,
        log_group=group,
        timeout_s=int(timeout) if timeout else None,
        retry_attempts=int(retry) if retry else None,
        platform=str(platforms[0]),
        kind=kind,
        containers=containers,
        multinode=multinode,
        log_stream_prefix=prefix,
    )

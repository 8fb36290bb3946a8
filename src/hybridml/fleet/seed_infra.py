"""The fleet's Batch infrastructure (roles, network, compute environments, queues, job definitions), created
in-process on moto's backends: the same calls the API would make, without building boto3 clients and a
round trip each, which were most of the demo's time to its first screen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hybridml.fleet import catalog
from hybridml.fleet.backends import batch_backend
from hybridml.fleet.server import DEMO_ACCOUNT, DEMO_REGION

if TYPE_CHECKING:
    from hybridml.fleet.seed import SeededFleet

BATCH_LOG_GROUP = "/aws/batch/job"
TRUST = '{"Version":"2012-10-17","Statement":[]}'


def _iam() -> Any:
    from moto.iam.models import iam_backends

    return iam_backends[DEMO_ACCOUNT]["aws"]


def _ec2(region: str) -> Any:
    from moto.ec2.models import ec2_backends

    return ec2_backends[DEMO_ACCOUNT][region]


def _role(name: str) -> str:
    """The role `name` (IAM is global: a second region seeded in the same account reuses it)."""
    existing = next((r for r in _iam().roles.values() if r.name == name), None)
    if existing is not None:
        return str(existing.arn)
    role = _iam().create_role(
        role_name=name,
        assume_role_policy_document=TRUST,
        path="/",
        permissions_boundary=None,
        description="",
        tags=[],
        max_session_duration=None,
    )
    return str(role.arn)


def _instance_profile(name: str) -> str:
    existing = next((p for p in _iam().instance_profiles.values() if p.name == name), None)
    if existing is not None:
        return str(existing.arn)
    return str(_iam().create_instance_profile(name=name, path="/", role_names=[]).arn)


def network(region: str = DEMO_REGION) -> tuple[str, str, str, str, str]:
    """Service role, instance profile, a subnet, a security group, and the SageMaker execution role."""
    service_role = _role("AWSBatchServiceRole")
    _role("ecsInstanceRole")
    profile = _instance_profile("ecsInstanceRole")
    sm_role = _role("SageMakerExecution")
    ec2 = _ec2(region)
    subnet = ec2.describe_subnets()[0].id
    vpc = ec2.describe_vpcs()[0].id
    sg = ec2.create_security_group(name="batch-gpu", description="batch", vpc_id=vpc).id
    return service_role, str(profile), str(subnet), str(sg), sm_role


def batch_infrastructure(result: SeededFleet, region: str = DEMO_REGION) -> str:
    """Compute environments, queues and job definitions of the catalog in `region`; returns the SageMaker role's
    ARN."""
    backend = batch_backend(region)
    service_role, profile, subnet, sg, sm_role = network(region)
    for ce in catalog.COMPUTE_ENVIRONMENTS:
        spot = {"bidPercentage": 70, "allocationStrategy": "SPOT_CAPACITY_OPTIMIZED"} if ce.type == "SPOT" else {}
        env = backend.create_compute_environment(
            compute_environment_name=ce.name,
            _type="MANAGED",
            state=ce.state,
            compute_resources={
                "type": ce.type,
                "minvCpus": ce.min_vcpus,
                "maxvCpus": ce.max_vcpus,
                "desiredvCpus": 0,
                "instanceTypes": list(ce.instance_types),
                "instanceRole": profile,
                "subnets": [subnet],
                "securityGroupIds": [sg],
                **spot,
            },
            service_role=service_role,
        )
        env.compute_resources["desiredvCpus"] = ce.desired_vcpus
        if ce.status != "VALID":
            env.hybridml_status, env.hybridml_status_reason = ce.status, ce.status_reason
    for q in catalog.QUEUES:
        queue = backend.create_job_queue(
            queue_name=q.name,
            priority=q.priority,
            schedule_policy=None,
            state="ENABLED",
            compute_env_order=[
                {"order": i + 1, "computeEnvironment": name} for i, name in enumerate(q.compute_environments)
            ],
        )
        actions = [
            {"reason": reason, "state": "RUNNABLE", "maxTimeSeconds": seconds, "action": "CANCEL"}
            for reason, seconds in q.cancel_after
        ]
        if actions:  # what CreateJobQueue's jobStateTimeLimitActions stores (patches_infra)
            queue.hybridml_time_limit_actions = actions
        result.queues.append(q.name)
    for jd in catalog.JOB_DEFINITIONS:
        requirements = [{"type": "VCPU", "value": str(jd.vcpus)}, {"type": "MEMORY", "value": str(jd.memory_mib)}]
        if jd.gpus:
            requirements.append({"type": "GPU", "value": str(jd.gpus)})
        backend.register_job_definition(
            def_name=jd.name,
            parameters=jd.parameters,
            _type="container",
            tags={},
            retry_strategy={"attempts": jd.retry_attempts} if jd.retry_attempts else None,
            container_properties={
                "image": jd.image,
                "command": list(jd.command),
                "resourceRequirements": requirements,
                "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": BATCH_LOG_GROUP}},
            },
            node_properties=None,
            eks_properties=None,
            timeout={"attemptDurationSeconds": jd.timeout_s} if jd.timeout_s else None,
            platform_capabilities=None,
            propagate_tags=None,
        )
    return sm_role

"""Put the demo fleet into one named trouble on demand: `Simulator.inject(cause)` creates a fresh job,
compute environment or endpoint in that situation and returns its id, so the demo (and the tests) can
show every cause triage knows."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from hybridml.fleet import catalog
from hybridml.fleet.backends import sagemaker_backend
from hybridml.fleet.seed import JobSeeder, _overrides, boto3_client
from hybridml.fleet.seed_sagemaker import create_endpoint

_counter = itertools.count(1)


class Injector:
    def __init__(self, url: str, seeder: JobSeeder) -> None:
        self.url = url
        self.seeder = seeder
        self.created: list[str] = []  # every job id made, so the simulator leaves them all alone

    def _name(self, base: str) -> str:
        return f"{base}-inj{next(_counter):03d}"

    def _stuck(self, spec_name: str, name: str) -> str:
        """Like the seeded scenario `spec_name`, under a new `name` (never a seeded name's prefix)."""
        spec = next(s for s in catalog.STUCK_JOBS if s.name == spec_name)
        job = self.seeder.submit(
            self._name(name),
            spec.queue,
            spec.job_definition,
            container_overrides=_overrides(spec.vcpus, spec.memory_mib, spec.gpus),
        )
        self.seeder.set_state(job, spec.status, spec.age_min * 60, reason=spec.reason)
        self.created.append(str(job.job_id))
        return str(job.job_id)

    def _job(self, name: str, queue: str, jobdef: str, status: str, age_min: float, **kw: Any) -> Any:
        job = self.seeder.submit(self._name(name), queue, jobdef, **kw)
        self.seeder.set_state(job, status, age_min * 60)
        self.created.append(str(job.job_id))
        return job

    # -- Batch --------------------------------------------------------------------------------------
    def capacity(self) -> str:
        return self._stuck("yolo-spot-burst-7", "burst-capacity")

    def ce_max_resource(self) -> str:
        return self._stuck("train-llm-8gpu", "pretrain-384vcpu")

    def job_resource_requirement(self) -> str:
        return self._stuck("etl-huge-memory", "etl-900g")

    def service_role(self) -> str:
        return self._stuck("embed-no-role", "embed-role-check")

    def invalid_ce(self) -> str:
        return self._stuck("p4-benchmark", "p4-bench-legacy")

    def gpu_on_cpu_queue(self) -> str:
        return self._stuck("yolo-cpu-queue", "detect-on-cpu")

    def disabled_queue(self) -> str:
        return str(self._job("archive-rebuild", "spot-archive", "etl-parquet", "RUNNABLE", 180).job_id)

    def dependency_failed(self) -> str:
        upstream = self._job("extract-upstream", "cpu-etl", "etl-parquet", "FAILED", 90)
        job = self._job(
            "load-after-failed", "cpu-etl", "etl-parquet", "PENDING", 70, depends_on=[{"jobId": upstream.job_id}]
        )
        return str(job.job_id)

    def starting_too_long(self) -> str:
        return str(self._job("detect-image-pull", "gpu-inference", "yolo-dog-detect", "STARTING", 40).job_id)

    def ec2_quota(self) -> str:
        """A P-instance queue in an account whose P vCPU quota is 0 (the default for new accounts)."""
        queue = self._small_queue(max_vcpus=192, instance_types=("p4d.24xlarge",), base="gpu-p4d")
        return str(self._job("p3-finetune", queue, "train-resnet50", "RUNNABLE", 45).job_id)

    def _small_queue(
        self, max_vcpus: int, instance_types: tuple[str, ...] = ("c6i.large", "c6i.2xlarge"), base: str = "cpu-small"
    ) -> str:
        """A fresh CE (`instance_types`, `max_vcpus`) and a queue on it, built like the seeded ones."""
        batch = boto3_client(self.url, "batch")
        template = batch.describe_compute_environments(computeEnvironments=["cpu-ondemand"])["computeEnvironments"][0]
        cr = template["computeResources"]
        name = self._name(base)
        batch.create_compute_environment(
            computeEnvironmentName=name,
            type="MANAGED",
            state="ENABLED",
            serviceRole=template["serviceRole"],
            computeResources={
                "type": "EC2",
                "minvCpus": 0,
                "maxvCpus": max_vcpus,
                "desiredvCpus": 0,
                "instanceTypes": list(instance_types),
                "instanceRole": cr["instanceRole"],
                "subnets": cr["subnets"],
                "securityGroupIds": cr["securityGroupIds"],
            },
        )
        batch.create_job_queue(
            jobQueueName=name,
            state="ENABLED",
            priority=1,
            computeEnvironmentOrder=[{"order": 1, "computeEnvironment": name}],
        )
        return name

    def max_vcpus_too_low(self) -> str:
        queue = self._small_queue(max_vcpus=4)
        job = self._job("etl-wide", queue, "etl-parquet", "RUNNABLE", 40, container_overrides=_overrides(8, 8000, None))
        return str(job.job_id)

    def ce_at_max(self) -> str:
        queue = self._small_queue(max_vcpus=8)
        for _ in range(2):
            self._job("etl-busy", queue, "etl-parquet", "RUNNING", 60, container_overrides=_overrides(4, 4096, None))
        return str(self._job("etl-waiting", queue, "etl-parquet", "RUNNABLE", 40).job_id)

    # -- SageMaker ----------------------------------------------------------------------------------
    def _endpoint(self, status: str, failure: str = "", minutes: float = 50) -> str:
        sm = boto3_client(self.url, "sagemaker")
        name = self._name(f"ep-{status.lower()}")
        role = "arn:aws:iam::123456789012:role/SageMakerExecution"
        create_endpoint(sm, name, role, "ml.g5.xlarge", 1)
        endpoint = sagemaker_backend().endpoints[name]
        now = datetime.now(UTC).replace(tzinfo=None)
        endpoint.endpoint_status, endpoint.failure_reason = status, failure or None
        endpoint.creation_time = endpoint.last_modified_time = now - timedelta(minutes=minutes)
        return name

    def endpoint_failed(self) -> str:
        return self._endpoint("Failed", "The primary container for production variant AllTraffic did not pass the ping")

    def endpoint_stuck(self) -> str:
        return self._endpoint("Creating")

    def _training(self, status: str, secondary: str, minutes: float, failure: str = "") -> str:
        sm = boto3_client(self.url, "sagemaker")
        name = self._name(f"train-{secondary.lower()}")
        sm.create_training_job(
            TrainingJobName=name,
            AlgorithmSpecification={
                "TrainingImage": "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3-gpu",
                "TrainingInputMode": "File",
            },
            RoleArn="arn:aws:iam::123456789012:role/SageMakerExecution",
            OutputDataConfig={"S3OutputPath": "s3://hybridml-models/output"},
            ResourceConfig={"InstanceType": "ml.g5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 50},
            StoppingCondition={"MaxRuntimeInSeconds": 3600},
        )
        job = sagemaker_backend().training_jobs[name]
        now = datetime.now(UTC).replace(tzinfo=None)
        created = now - timedelta(minutes=minutes)
        ended = None if status == "InProgress" else now - timedelta(minutes=5)
        job.training_job_status, job.secondary_status = status, secondary
        job.creation_time, job.training_end_time = created, ended
        job.training_start_time = None
        job.last_modified_time = ended or now
        job.secondary_status_transitions = [{"Status": secondary, "StartTime": created, "StatusMessage": secondary}]
        if failure:
            job.failure_reason = failure
        return name

    def training_starting(self) -> str:
        return self._training("InProgress", "Starting", 45)

    def training_downloading(self) -> str:
        return self._training("InProgress", "Downloading", 50)

    def training_max_runtime(self) -> str:
        return self._training("Stopped", "MaxRuntimeExceeded", 70)

    def training_failed(self) -> str:
        return self._training("Failed", "Failed", 30, "AlgorithmError: CUDA out of memory")


# Causes the seed does not hold already; `--demo` injects them at start so every rule has an example.
DEMO_EXTRAS: tuple[str, ...] = ("max_vcpus_too_low", "ce_at_max", "ec2_quota", "starting_too_long")

# cause -> (what triage calls it, how to make it)
CAUSES: dict[str, tuple[str, Callable[[Injector], str]]] = {
    "capacity": ("CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY", Injector.capacity),
    "ce_max_resource": ("MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE", Injector.ce_max_resource),
    "job_resource_requirement": ("MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT", Injector.job_resource_requirement),
    "service_role": ("MISCONFIGURATION:SERVICE_ROLE_PERMISSIONS", Injector.service_role),
    "invalid_ce": ("CE_INVALID", Injector.invalid_ce),
    "gpu_on_cpu_queue": ("NO_GPU_INSTANCE", Injector.gpu_on_cpu_queue),
    "disabled_queue": ("QUEUE_DISABLED", Injector.disabled_queue),
    "dependency_failed": ("DEPENDENCY_FAILED", Injector.dependency_failed),
    "starting_too_long": ("STARTING_TOO_LONG", Injector.starting_too_long),
    "max_vcpus_too_low": ("CE_MAX_VCPUS_TOO_LOW", Injector.max_vcpus_too_low),
    "ce_at_max": ("CE_AT_MAX_VCPUS", Injector.ce_at_max),
    "ec2_quota": ("EC2_VCPU_QUOTA", Injector.ec2_quota),
    "endpoint_failed": ("ENDPOINT_FAILED", Injector.endpoint_failed),
    "endpoint_stuck": ("ENDPOINT_TRANSITION_TOO_LONG", Injector.endpoint_stuck),
    "training_starting": ("TRAINING_STARTING_TOO_LONG", Injector.training_starting),
    "training_downloading": ("TRAINING_DOWNLOADING_TOO_LONG", Injector.training_downloading),
    "training_max_runtime": ("TRAINING_MAX_RUNTIME_EXCEEDED", Injector.training_max_runtime),
    "training_failed": ("TRAINING_FAILED", Injector.training_failed),
}

"""Seed pipelines (with the jobs their steps ran), tuning jobs (with the training jobs they launched), the model
registry, an A/B endpoint, Model Monitor schedules and notebooks — through the API, with what only SageMaker
produces (statuses, times, steps, monitoring runs) set in-process.

Every time is `anchor - offset` with a whole-second anchor, so a test that pins the clock to the anchor sees
the same ages on every run. `region` lets a test seed a region nothing else writes to.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from hybridml.fleet import catalog_mlops as cat
from hybridml.fleet.server import DEMO_ACCESS_KEY, DEMO_ACCOUNT, DEMO_REGION, DEMO_SECRET_KEY

TRAIN_IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3-gpu"
ETL_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/hybridml/etl:1.4"
SERVE_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/hybridml/serve:1.2"
STEP_JOB_STATUS = {"Succeeded": "Completed", "Failed": "Failed", "Stopped": "Stopped", "Executing": "InProgress"}


@dataclass
class MlopsSeed:
    anchor: datetime  # aware UTC, whole second: every seeded time is this minus an offset
    region: str
    pipelines: list[str] = field(default_factory=list)
    executions: dict[str, list[str]] = field(default_factory=dict)  # pipeline -> execution ARNs, newest first
    tuning_jobs: list[str] = field(default_factory=list)
    schedules: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    packages: dict[str, str] = field(default_factory=dict)  # description -> model package ARN
    ab_endpoints: list[str] = field(default_factory=list)
    notebooks: list[str] = field(default_factory=list)
    studio_domain: str = ""


class _Seeder:
    def __init__(self, url: str, role: str, rng: random.Random, region: str, anchor: datetime) -> None:
        import boto3
        from moto.sagemaker.models import sagemaker_backends

        self.url, self.role, self.rng, self.region = url, role, rng, region
        self.now = anchor.astimezone(UTC).replace(tzinfo=None)  # moto keeps naive UTC
        self.backend: Any = sagemaker_backends[DEMO_ACCOUNT][region]
        self._boto3 = boto3
        self._clients: dict[str, Any] = {}
        self.result = MlopsSeed(anchor=anchor, region=region)

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self._boto3.client(
                service,
                region_name=self.region,
                endpoint_url=self.url,
                aws_access_key_id=DEMO_ACCESS_KEY,
                aws_secret_access_key=DEMO_SECRET_KEY,
            )
        return self._clients[service]

    def ago(self, minutes: float) -> datetime:
        return self.now - timedelta(minutes=minutes)

    def hex(self, n: int) -> str:
        return f"{self.rng.getrandbits(n * 4):0{n}x}"

    def logs(self, group: str, stream: str, lines: list[str], start: datetime) -> None:
        logs = self.client("logs")
        try:
            logs.create_log_group(logGroupName=group)
        except logs.exceptions.ResourceAlreadyExistsException:
            pass
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        base = int(start.replace(tzinfo=UTC).timestamp() * 1000)
        events = [{"timestamp": base + i * 1500, "message": m} for i, m in enumerate(lines)]
        logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)

    # -- jobs a step or a tuning job ran ------------------------------------------------------------
    def training_job(
        self,
        name: str,
        instance_type: str,
        start: datetime,
        end: datetime | None,
        status: str,
        failure: str = "",
        hyperparameters: dict[str, str] | None = None,
        metric: tuple[str, float] | None = None,
    ) -> Any:
        self.client("sagemaker").create_training_job(
            TrainingJobName=name,
            AlgorithmSpecification={"TrainingImage": TRAIN_IMAGE, "TrainingInputMode": "File"},
            RoleArn=self.role,
            HyperParameters=hyperparameters or {"epochs": "30"},
            OutputDataConfig={"S3OutputPath": "s3://hybridml-models/output"},
            ResourceConfig={"InstanceType": instance_type, "InstanceCount": 1, "VolumeSizeInGB": 100},
            StoppingCondition={"MaxRuntimeInSeconds": 12 * 3600},
        )
        job: Any = self.backend.training_jobs[name]
        job.creation_time = start - timedelta(minutes=2)
        job.training_start_time, job.training_end_time = start, end
        job.last_modified_time = end or start
        job.training_job_status = status
        job.secondary_status = "Training" if status == "InProgress" else status
        job.secondary_status_transitions = [{"Status": "Training", "StartTime": start, "StatusMessage": "Training"}]
        if end is not None:
            job.secondary_status_transitions[0]["EndTime"] = end
            job.secondary_status_transitions.append({"Status": status, "StartTime": end, "StatusMessage": status})
            job.billable_time_in_seconds = int((end - job.creation_time).total_seconds())
        job.failure_reason = failure or None
        job.final_metric_data_list = [{"MetricName": metric[0], "Value": metric[1], "Timestamp": end}] if metric else []
        lines = [f"INFO starting {name} on {instance_type}", "INFO epoch 1/30 loss=2.113"]
        if failure:
            lines += [
                "Traceback (most recent call last):",
                '  File "train.py", line 88, in <module>',
                f"ERROR {failure}",
            ]
        elif metric:
            lines.append(f"INFO {metric[0]}={metric[1]:.4f}")
        self.logs("/aws/sagemaker/TrainingJobs", f"{name}/algo-1-{int(start.timestamp())}", lines, start)
        return job

    def processing_job(
        self,
        name: str,
        start: datetime,
        end: datetime | None,
        status: str,
        failure: str = "",
        output: str = "s3://hybridml-pipelines/out",
        image: str = ETL_IMAGE,
    ) -> Any:
        self.client("sagemaker").create_processing_job(
            ProcessingJobName=name,
            RoleArn=self.role,
            AppSpecification={"ImageUri": image},
            ProcessingResources={
                "ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 30}
            },
            ProcessingOutputConfig={
                "Outputs": [
                    {
                        "OutputName": "output",
                        "S3Output": {
                            "S3Uri": output,
                            "LocalPath": "/opt/ml/processing/output",
                            "S3UploadMode": "EndOfJob",
                        },
                    }
                ]
            },
            StoppingCondition={"MaxRuntimeInSeconds": 3600},
        )
        job: Any = self.backend.processing_jobs[name]
        job.creation_time, job.processing_start_time = start - timedelta(minutes=1), start
        job.processing_end_time, job.last_modified_time = end, end or start
        job.processing_job_status = status
        job.failure_reason = failure or None
        lines = [f"INFO {name}: reading inputs", "INFO wrote 1 output"]
        if failure:
            lines.append(f"ERROR {failure}")
        self.logs("/aws/sagemaker/ProcessingJobs", f"{name}/algo-1-{int(start.timestamp())}", lines, start)
        return job

    # -- pipelines -----------------------------------------------------------------------------------
    def pipelines(self) -> None:
        sm = self.client("sagemaker")
        for name, (description, runs) in cat.PIPELINES.items():
            kinds = {s.name: s.kind for run in runs for s in run.steps}
            definition = {
                "Version": "2020-12-01",
                "Steps": [{"Name": n, "Type": k, "Arguments": {}} for n, k in kinds.items()],
            }
            sm.create_pipeline(
                PipelineName=name,
                PipelineDefinition=json.dumps(definition),
                PipelineDescription=description,
                RoleArn=self.role,
            )
            pipeline = self.backend.pipelines[name]
            pipeline.creation_time = pipeline.last_modified_time = self.ago(60 * 24 * 40)
            arns: list[str] = []
            for run in reversed(runs):  # oldest first, as they ran
                arn = sm.start_pipeline_execution(PipelineName=name, PipelineExecutionDisplayName=run.display)[
                    "PipelineExecutionArn"
                ]
                self._run(pipeline.pipeline_executions[arn], run)
                arns.insert(0, arn)
            pipeline.last_execution_time = self.ago(runs[0].age_min)
            self.result.pipelines.append(name)
            self.result.executions[name] = arns

    def _run(self, execution: Any, run: cat.RunSpec) -> None:
        start = self.ago(run.age_min)
        execution.start_time = execution.creation_time = start
        execution.pipeline_execution_status = run.status
        execution.pipeline_execution_failure_reason = run.failure or None
        exec_id = execution.arn.rsplit("/", 1)[-1]
        steps: list[dict[str, Any]] = []
        at = start + timedelta(seconds=20)
        for spec in run.steps:
            end = None if spec.status == "Executing" else at + timedelta(minutes=spec.minutes)
            step: dict[str, Any] = {
                "StepName": spec.name,
                "StepDisplayName": spec.name,
                "StartTime": at,
                "StepStatus": spec.status,
                "AttemptCount": 1,
            }
            if end is not None:
                step["EndTime"] = end
            if spec.failure:
                step["FailureReason"] = spec.failure
            step["Metadata"] = self._step_job(spec, exec_id, at, end, run)
            steps.append(step)
            at = (end or at) + timedelta(seconds=15)
        execution.hybridml_steps = steps
        execution.last_modified_time = steps[-1].get("EndTime", start) if run.status != "Executing" else at

    def _step_job(
        self, spec: cat.StepSpec, exec_id: str, start: datetime, end: datetime | None, run: cat.RunSpec
    ) -> dict[str, Any]:
        job_name = f"pipelines-{exec_id}-{spec.name}-{self.hex(10)}"
        status = STEP_JOB_STATUS.get(spec.status, "Completed")
        if spec.kind == "Training":
            metric = ("validation:mAP50", round(0.6 + self.rng.random() * 0.15, 4)) if status == "Completed" else None
            job = self.training_job(job_name, "ml.g5.2xlarge", start, end, status, spec.failure, metric=metric)
            return {"TrainingJob": {"Arn": job.arn}}
        if spec.kind == "Processing":
            job = self.processing_job(job_name, start, end, status, spec.failure)
            return {"ProcessingJob": {"Arn": job.arn}}
        if spec.kind == "Condition":
            return {"Condition": {"Outcome": "True"}}
        arn = self.result.packages.get(run.display, "")
        return {"RegisterModel": {"Arn": arn}} if arn else {}

    # -- tuning ----------------------------------------------------------------------------------------
    def tuning(self) -> None:
        sm = self.client("sagemaker")
        for spec in cat.TUNING_JOBS:
            sm.create_hyper_parameter_tuning_job(
                HyperParameterTuningJobName=spec.name,
                HyperParameterTuningJobConfig={
                    "Strategy": spec.strategy,
                    "HyperParameterTuningJobObjective": {"Type": spec.objective_type, "MetricName": spec.objective},
                    "ResourceLimits": {
                        "MaxNumberOfTrainingJobs": spec.max_jobs,
                        "MaxParallelTrainingJobs": spec.max_parallel,
                    },
                    "ParameterRanges": {
                        "ContinuousParameterRanges": [{"Name": "lr", "MinValue": "0.0001", "MaxValue": "0.01"}],
                        "CategoricalParameterRanges": [{"Name": "batch_size", "Values": list(cat.TUNED["batch_size"])}],
                        "IntegerParameterRanges": [{"Name": "warmup_steps", "MinValue": "100", "MaxValue": "500"}],
                    },
                },
                TrainingJobDefinition={
                    "AlgorithmSpecification": {"TrainingImage": TRAIN_IMAGE, "TrainingInputMode": "File"},
                    "RoleArn": self.role,
                    "StaticHyperParameters": {"epochs": "30"},
                    "OutputDataConfig": {"S3OutputPath": f"s3://hybridml-models/hpo/{spec.name}"},
                    "ResourceConfig": {"InstanceType": spec.instance_type, "InstanceCount": 1, "VolumeSizeInGB": 100},
                    "StoppingCondition": {"MaxRuntimeInSeconds": 4 * 3600},
                },
            )
            job: Any = self.backend.hyper_parameter_tuning_jobs[spec.name]
            created = self.ago(spec.age_min)
            job.creation_time = created
            job.hyper_parameter_tuning_job_status = spec.status
            slot = spec.age_min / max(1, -(-len(spec.jobs) // spec.max_parallel)) * 0.95
            last_end = created
            for i, (status, value, failure) in enumerate(spec.jobs):
                start = created + timedelta(minutes=2 + slot * (i // spec.max_parallel))
                end = None if status == "InProgress" else start + timedelta(minutes=slot * self.rng.uniform(0.5, 0.9))
                hp = {"epochs": "30", **{k: self.rng.choice(v) for k, v in cat.TUNED.items()}}
                metric = (spec.objective, value) if value is not None else None
                training = self.training_job(
                    f"{spec.name}-{i + 1:03d}-{self.hex(8)}",
                    spec.instance_type,
                    start,
                    end,
                    status,
                    failure,
                    hyperparameters=hp,
                    metric=metric,
                )
                training.tuning_job_arn = job.arn
                if status == "InProgress":  # the demo's simulator finishes it with an objective value
                    training.hybridml_objective = (spec.objective, round(self.rng.uniform(0.6, 0.75), 4))
                last_end = max(last_end, end or start)
            job.last_modified_time = last_end
            job.hyper_parameter_tuning_end_time = last_end if spec.status == "Completed" else None
            self.result.tuning_jobs.append(spec.name)

    # -- registry ----------------------------------------------------------------------------------------
    def registry(self) -> None:
        sm = self.client("sagemaker")
        for group, versions in cat.REGISTRY.items():
            sm.create_model_package_group(ModelPackageGroupName=group, ModelPackageGroupDescription=f"{group} models")
            self.backend.model_package_groups[group].creation_time = self.ago(60 * 24 * 45)
            for approval, age, description in versions:
                arn = sm.create_model_package(
                    ModelPackageGroupName=group,
                    ModelPackageDescription=description or f"{group} candidate",
                    ModelApprovalStatus=approval,
                    InferenceSpecification={
                        "Containers": [
                            {
                                "Image": SERVE_IMAGE,
                                "ModelDataUrl": f"s3://hybridml-models/{group}/{age:.0f}/model.tar.gz",
                            }
                        ],
                        "SupportedContentTypes": ["application/json"],
                        "SupportedResponseMIMETypes": ["application/json"],
                    },
                )["ModelPackageArn"]
                package = self.backend.model_packages[arn]
                package.creation_time = package.last_modified_time = self.ago(age)
                if description:
                    self.result.packages[description] = arn
            self.result.groups.append(group)


def seed_mlops(
    url: str, role: str, rng: random.Random, *, region: str = DEMO_REGION, anchor: datetime | None = None
) -> MlopsSeed:
    """Seed everything in `catalog_mlops` into `region`; times are `anchor` (default: now, whole second) minus
    the catalogued ages."""
    from hybridml.fleet import seed_mlops_serving as serving

    anchor = (anchor or datetime.now(UTC)).replace(microsecond=0)
    seeder = _Seeder(url, role, rng, region, anchor)
    serving.ab_endpoints(seeder)
    seeder.registry()
    seeder.pipelines()
    seeder.tuning()
    serving.monitors(seeder)
    serving.notebooks(seeder)
    return seeder.result

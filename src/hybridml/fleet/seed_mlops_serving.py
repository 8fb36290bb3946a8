"""The serving side of the MLOps demo: A/B endpoints (with per-variant traffic), Model Monitor schedules and their
runs (processing jobs, violation reports in S3), notebook instances and Studio apps. Used by `seed_mlops`."""

from __future__ import annotations

import json
import math
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from hybridml.fleet import catalog_mlops as cat
from hybridml.fleet.server import DEMO_ACCOUNT

if TYPE_CHECKING:
    from hybridml.fleet.seed_mlops import _Seeder

SAGEMAKER_NS = "AWS/SageMaker"


def ab_endpoints(s: _Seeder) -> None:
    """Endpoints with several production variants and their weights, InService, with a day of per-variant
    Invocations / ModelLatency / 4xx / 5xx (traffic split by weight)."""
    from moto.cloudwatch.models import cloudwatch_backends

    sm = s.client("sagemaker")
    data: list[dict[str, Any]] = []
    for name, variants in cat.AB_ENDPOINTS.items():
        for variant, _type, _count, _weight in variants:
            sm.create_model(
                ModelName=f"{name}-{variant.lower()}",
                ExecutionRoleArn=s.role,
                PrimaryContainer={"Image": _variant_image(variant)},
            )
        sm.create_endpoint_config(
            EndpointConfigName=f"{name}-config",
            ProductionVariants=[
                {
                    "VariantName": v,
                    "ModelName": f"{name}-{v.lower()}",
                    "InitialInstanceCount": n,
                    "InstanceType": t,
                    "InitialVariantWeight": w,
                }
                for v, t, n, w in variants
            ],
        )
        sm.create_endpoint(EndpointName=name, EndpointConfigName=f"{name}-config")
        endpoint = s.backend.endpoints[name]
        endpoint.endpoint_status = "InService"
        endpoint.creation_time = s.ago(60 * 24 * 12)
        endpoint.last_modified_time = s.ago(60 * 24 * 2)
        total = sum(w for *_, w in variants) or 1.0
        for i, (variant, _type, _count, weight) in enumerate(variants):
            share = weight / total
            for minutes in [*range(24 * 60, 60, -15), *range(60, 0, -5)]:  # sparse: moto scans every point
                when = s.ago(minutes)
                daily = 0.55 + 0.45 * math.sin((when.hour - 9) / 24 * 2 * math.pi)
                dims = [{"Name": "EndpointName", "Value": name}, {"Name": "VariantName", "Value": variant}]
                latency = 21_000 + 9_000 * i + 12_000 * daily + s.rng.gauss(0, 1500)
                served = share > 0  # a variant with weight 0 gets no requests: no latency, no errors
                values = [
                    ("Invocations", max(0.0, 900 * share * daily + s.rng.gauss(0, 8 * share)), "None"),
                    ("Invocation4XXErrors", float(s.rng.choice((0, 0, 1))) if served else 0.0, "None"),
                    ("Invocation5XXErrors", float(s.rng.choice((0, 0, 0, 0, 1))) if served else 0.0, "None"),
                ]
                if served:
                    values.append(("ModelLatency", max(1000.0, latency), "Microseconds"))
                data += [
                    {"MetricName": m, "Value": v, "Unit": u, "Timestamp": when, "Dimensions": dims}
                    for m, v, u in values
                ]
        s.result.ab_endpoints.append(name)
    cloudwatch_backends[DEMO_ACCOUNT][s.region].put_metric_data(SAGEMAKER_NS, data)


def _variant_image(variant: str) -> str:
    return f"123456789012.dkr.ecr.us-east-1.amazonaws.com/hybridml/serve:{variant.lower()}"


def monitors(s: _Seeder) -> None:
    """One schedule per catalogued monitor and its last runs: a processing job each (its ExitMessage says how many
    violations), and the violations report in S3 where the prebuilt container writes it."""
    from hybridml.fleet.patches_sagemaker_monitor import add_monitoring_execution

    sm, s3 = s.client("sagemaker"), s.client("s3")
    if s.region == "us-east-1":
        s3.create_bucket(Bucket=_bucket(s))
    else:
        s3.create_bucket(Bucket=_bucket(s), CreateBucketConfiguration={"LocationConstraint": s.region})
    for spec in cat.MONITORS:
        prefix = f"s3://{_bucket(s)}/{spec.endpoint}/{spec.name}"
        sm.create_monitoring_schedule(
            MonitoringScheduleName=spec.name,
            MonitoringScheduleConfig={
                "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"},
                "MonitoringType": spec.monitoring_type,
                "MonitoringJobDefinition": {
                    "MonitoringInputs": [
                        {
                            "EndpointInput": {
                                "EndpointName": spec.endpoint,
                                "LocalPath": "/opt/ml/processing/input/endpoint",
                            }
                        }
                    ],
                    "MonitoringOutputConfig": {
                        "MonitoringOutputs": [
                            {
                                "S3Output": {
                                    "S3Uri": prefix,
                                    "LocalPath": "/opt/ml/processing/output",
                                    "S3UploadMode": "EndOfJob",
                                }
                            }
                        ]
                    },
                    "MonitoringResources": {
                        "ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 20}
                    },
                    "MonitoringAppSpecification": {
                        "ImageUri": "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
                    },
                    "BaselineConfig": {"ConstraintsResource": {"S3Uri": f"{prefix}/baseline/constraints.json"}},
                    "RoleArn": s.role,
                },
            },
        )
        schedule = s.backend.hybridml_monitoring_schedules[spec.name]
        schedule["CreationTime"] = schedule["LastModifiedTime"] = s.ago(60 * 24 * 20)
        for hours, status, violations, failure in reversed(spec.runs):
            scheduled = s.ago(hours * 60 + 5)
            stamp = f"{scheduled:%Y%m%d%H}00"
            output = f"{prefix}/{scheduled:%Y/%m/%d/%H}"
            job_status = "Failed" if status == "Failed" else "Completed"
            start, end = scheduled + timedelta(minutes=2), scheduled + timedelta(minutes=11)
            job = s.processing_job(
                f"model-monitoring-{stamp}-{s.hex(24)}",
                start,
                end,
                job_status,
                failure,
                output=output,
                image="156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer",
            )
            job.monitoring_schedule_arn = schedule["MonitoringScheduleArn"]
            if status != "Failed":
                job.exit_message = (
                    f"CompletedWithViolations: Job completed successfully with {violations} violations."
                    if violations
                    else "Completed: Job completed successfully with no violations."
                )
                report = {
                    "violations": [
                        {"feature_name": f, "constraint_check_type": c, "description": d}
                        for f, c, d in cat.VIOLATIONS[:violations]
                    ]
                }
                key = f"{output.split('/', 3)[3]}/constraint_violations.json"
                s3.put_object(Bucket=_bucket(s), Key=key, Body=json.dumps(report, indent=2).encode())
            execution = {
                "MonitoringScheduleName": spec.name,
                "ScheduledTime": scheduled,
                "CreationTime": start,
                "LastModifiedTime": end,
                "MonitoringExecutionStatus": status,
                "ProcessingJobArn": job.arn,
                "EndpointName": spec.endpoint,
                "MonitoringType": spec.monitoring_type,
            }
            if failure:
                execution["FailureReason"] = failure
            add_monitoring_execution(s.backend, execution)
        s.result.schedules.append(spec.name)


def _bucket(s: _Seeder) -> str:
    return cat.MONITOR_BUCKET if s.region == "us-east-1" else f"{cat.MONITOR_BUCKET}-{s.region}"


def notebooks(s: _Seeder) -> None:
    """Notebook instances (status and since-when set in-process) and a Studio domain with its apps."""
    sm = s.client("sagemaker")
    for name, instance_type, status, minutes in cat.NOTEBOOK_INSTANCES:
        sm.create_notebook_instance(NotebookInstanceName=name, InstanceType=instance_type, RoleArn=s.role)
        instance = s.backend.notebook_instances[name]
        instance.status = status
        instance.creation_time = s.ago(minutes + 60 * 24 * 10)
        instance.last_modified_time = s.ago(minutes)
        s.result.notebooks.append(name)
    domain_id = sm.create_domain(
        DomainName=cat.STUDIO_DOMAIN,
        AuthMode="IAM",
        DefaultUserSettings={"ExecutionRole": s.role},
        SubnetIds=["subnet-0studio"],
        VpcId="vpc-0studio",
    )["DomainArn"].rsplit("/", 1)[-1]
    s.result.studio_domain = domain_id
    for user, app_type, app, instance_type, status, minutes in cat.STUDIO_APPS:
        sm.create_app(
            DomainId=domain_id,
            UserProfileName=user,
            AppType=app_type,
            AppName=app,
            ResourceSpec={"InstanceType": instance_type},
        )
        record = s.backend.hybridml_apps[(domain_id, f"user:{user}", app_type, app)]
        record["Status"], record["CreationTime"] = status, s.ago(minutes)
        s.result.notebooks.append(f"{user}/{app}")

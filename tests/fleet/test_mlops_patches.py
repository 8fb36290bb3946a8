"""The MLOps fleet patches emulate what the SageMaker API reference documents (quoted in each patch's docstring).

Seeded resources are only read; tests that change something create their own, uniquely named."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from hybridml.fleet import patches_sagemaker, patches_sagemaker_notebooks, patches_sagemaker_ops
from hybridml.fleet.backends import sagemaker_backend
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.patches_sagemaker_monitor import add_monitoring_execution
from hybridml.fleet.seed import boto3_client
from tests.sagemaker_helpers import ROLE, create_training_job, create_tuning_job, unique


@pytest.fixture
def sm(fleet: EmbeddedFleet) -> Any:
    return boto3_client(fleet.url, "sagemaker")


def test_executions_are_paged_newest_first_and_filtered(fleet: EmbeddedFleet, sm: Any) -> None:
    assert fleet.seeded.mlops is not None
    name = "dogs-detector-train"
    first = sm.list_pipeline_executions(PipelineName=name, MaxResults=2, SortOrder="Descending")
    assert len(first["PipelineExecutionSummaries"]) == 2 and first["NextToken"]
    rest = sm.list_pipeline_executions(PipelineName=name, MaxResults=2, NextToken=first["NextToken"])
    arns = [e["PipelineExecutionArn"] for e in first["PipelineExecutionSummaries"] + rest["PipelineExecutionSummaries"]]
    assert arns == fleet.seeded.mlops.executions[name]  # newest first, every one once
    starts = [e["StartTime"] for e in first["PipelineExecutionSummaries"]]
    assert starts == sorted(starts, reverse=True)
    recent = sm.list_pipeline_executions(PipelineName=name, CreatedAfter=datetime.now(UTC) - timedelta(hours=2))
    assert [e["PipelineExecutionArn"] for e in recent["PipelineExecutionSummaries"]] == arns[:1]
    failed, succeeded = first["PipelineExecutionSummaries"]
    assert "out of memory" not in failed.get("PipelineExecutionFailureReason", "")  # the execution's own reason
    assert failed["PipelineExecutionFailureReason"].startswith("Step failure")
    assert "PipelineExecutionFailureReason" not in succeeded  # absent unless it failed (moto: "None")
    described = sm.describe_pipeline_execution(PipelineExecutionArn=arns[1])
    assert "FailureReason" not in described and described["LastModifiedTime"] > described["CreationTime"]


def test_execution_steps_name_the_job_each_ran(fleet: EmbeddedFleet, sm: Any) -> None:
    assert fleet.seeded.mlops is not None
    arn = fleet.seeded.mlops.executions["dogs-detector-train"][0]
    page = sm.list_pipeline_execution_steps(PipelineExecutionArn=arn, MaxResults=1)
    assert [s["StepName"] for s in page["PipelineExecutionSteps"]] == ["Train"] and page["NextToken"]
    ascending = sm.list_pipeline_execution_steps(PipelineExecutionArn=arn, SortOrder="Ascending")
    first, train = ascending["PipelineExecutionSteps"]
    assert first["StepName"] == "Preprocess" and first["StepStatus"] == "Succeeded"
    assert train["StepStatus"] == "Failed" and "CUDA out of memory" in train["FailureReason"]
    job = train["Metadata"]["TrainingJob"]["Arn"].rsplit("/", 1)[-1]
    described = sm.describe_training_job(TrainingJobName=job)
    assert described["TrainingJobStatus"] == "Failed" and "CUDA out of memory" in described["FailureReason"]
    with pytest.raises(ClientError, match="Could not find pipeline execution"):
        sm.list_pipeline_execution_steps(PipelineExecutionArn=arn + "x")


def test_tuning_job_counts_and_best_job_come_from_its_training_jobs(fleet: EmbeddedFleet, sm: Any) -> None:
    name = create_tuning_job(fleet, [("Completed", 0.5), ("Completed", 0.3), ("Failed", None), ("InProgress", None)])
    described = sm.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)
    assert described["TrainingJobStatusCounters"] == {
        "Completed": 2,
        "InProgress": 1,
        "RetryableError": 0,
        "NonRetryableError": 1,
        "Stopped": 0,
    }
    assert described["ObjectiveStatusCounters"] == {"Succeeded": 2, "Pending": 1, "Failed": 1}
    best = described["BestTrainingJob"]
    assert best["TrainingJobName"].endswith("-001-abcdef01")  # Minimize: the lowest loss
    assert best["FinalHyperParameterTuningJobObjectiveMetric"]["Value"] == 0.3
    assert "OverallBestTrainingJob" not in described and "HyperParameterTuningEndTime" not in described
    listed = sm.list_training_jobs_for_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)[
        "TrainingJobSummaries"
    ]
    assert [s["TrainingJobName"][-12:-9] for s in listed] == ["000", "001", "002", "003"]  # default: by name
    assert listed[0]["TunedHyperParameters"] == {"lr": "0.01"}  # only the tuned ranges, not epochs
    by_value = sm.list_training_jobs_for_hyper_parameter_tuning_job(
        HyperParameterTuningJobName=name, SortBy="FinalObjectiveMetricValue"
    )["TrainingJobSummaries"]
    assert [s["FinalHyperParameterTuningJobObjectiveMetric"]["Value"] for s in by_value] == [
        0.3,
        0.5,
    ]  # no metric: none
    failed = sm.list_training_jobs_for_hyper_parameter_tuning_job(
        HyperParameterTuningJobName=name, StatusEquals="Failed"
    )
    assert [s["FailureReason"] for s in failed["TrainingJobSummaries"]] == ["AlgorithmError: boom"]
    page = sm.list_training_jobs_for_hyper_parameter_tuning_job(HyperParameterTuningJobName=name, MaxResults=3)
    assert len(page["TrainingJobSummaries"]) == 3 and page["NextToken"]


def test_stopping_a_tuning_job_stops_its_running_training_jobs(
    fleet: EmbeddedFleet, sm: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(patches_sagemaker_ops, "TUNING_STOP_S", 0.0)
    monkeypatch.setattr(patches_sagemaker, "TRAINING_STOP_S", 0.0)
    name = create_tuning_job(fleet, [("Completed", 0.4), ("InProgress", None)])
    sm.stop_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)
    running = f"{name}-001-abcdef01"
    assert sm.describe_training_job(TrainingJobName=running)["TrainingJobStatus"] in ("Stopping", "Stopped")
    described = sm.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)  # due now: settles
    assert described["HyperParameterTuningJobStatus"] == "Stopped"
    assert described["TrainingJobStatusCounters"]["Stopped"] == 1
    assert sm.describe_training_job(TrainingJobName=running)["TrainingJobStatus"] == "Stopped"
    with pytest.raises(ClientError, match="in status Stopped"):
        sm.stop_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)
    with pytest.raises(ClientError) as missing:
        sm.stop_hyper_parameter_tuning_job(HyperParameterTuningJobName=unique("nope"))
    assert missing.value.response["Error"]["Code"] == "ResourceNotFound"


def test_monitoring_schedules_and_executions(fleet: EmbeddedFleet, sm: Any) -> None:
    name = unique("t-mon")
    config = {
        "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"},
        "MonitoringJobDefinition": {
            "MonitoringInputs": [{"EndpointInput": {"EndpointName": "t-ep-x", "LocalPath": "/opt/ml/processing/in"}}],
            "MonitoringOutputConfig": {"MonitoringOutputs": [{"S3Output": {"S3Uri": "s3://b/x", "LocalPath": "/o"}}]},
            "MonitoringResources": {
                "ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 1}
            },
            "MonitoringAppSpecification": {"ImageUri": "monitor:1"},
            "RoleArn": ROLE,
        },
    }
    arn = sm.create_monitoring_schedule(MonitoringScheduleName=name, MonitoringScheduleConfig=config)[
        "MonitoringScheduleArn"
    ]
    assert arn.endswith(f"monitoring-schedule/{name}")
    with pytest.raises(ClientError, match="already exists"):
        sm.create_monitoring_schedule(MonitoringScheduleName=name, MonitoringScheduleConfig=config)
    described = sm.describe_monitoring_schedule(MonitoringScheduleName=name)
    assert described["EndpointName"] == "t-ep-x" and "LastMonitoringExecutionSummary" not in described
    start = datetime(2025, 3, 1, 10)
    for hour, status in ((0, "Completed"), (1, "Failed"), (2, "CompletedWithViolations")):
        when = start + timedelta(hours=hour)
        add_monitoring_execution(
            sagemaker_backend(),
            {
                "MonitoringScheduleName": name,
                "ScheduledTime": when,
                "CreationTime": when,
                "LastModifiedTime": when,
                "MonitoringExecutionStatus": status,
                "EndpointName": "t-ep-x",
                "MonitoringType": "DataQuality",
            },
        )
    assert (
        sm.describe_monitoring_schedule(MonitoringScheduleName=name)["LastMonitoringExecutionSummary"][
            "MonitoringExecutionStatus"
        ]
        == "CompletedWithViolations"
    )
    page = sm.list_monitoring_executions(MonitoringScheduleName=name, MaxResults=2)
    statuses = [e["MonitoringExecutionStatus"] for e in page["MonitoringExecutionSummaries"]]
    assert statuses == ["CompletedWithViolations", "Failed"] and page["NextToken"]  # newest first by default
    only_failed = sm.list_monitoring_executions(MonitoringScheduleName=name, StatusEquals="Failed")
    assert len(only_failed["MonitoringExecutionSummaries"]) == 1
    by_endpoint = sm.list_monitoring_schedules(EndpointName="t-ep-x")["MonitoringScheduleSummaries"]
    assert [s["MonitoringScheduleName"] for s in by_endpoint] == [name]
    with pytest.raises(ClientError) as missing:
        sm.describe_monitoring_schedule(MonitoringScheduleName=unique("nope"))
    assert missing.value.response["Error"]["Code"] == "ResourceNotFound"


def test_seeded_violations_report_is_where_the_processing_job_wrote(fleet: EmbeddedFleet, sm: Any) -> None:
    last = sm.describe_monitoring_schedule(MonitoringScheduleName="yolo-dogs-prod-data-quality")[
        "LastMonitoringExecutionSummary"
    ]
    assert last["MonitoringExecutionStatus"] == "CompletedWithViolations"
    job = sm.describe_processing_job(ProcessingJobName=last["ProcessingJobArn"].rsplit("/", 1)[-1])
    assert job["ExitMessage"] == "CompletedWithViolations: Job completed successfully with 3 violations."
    uri = job["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]["S3Uri"]
    bucket, _, prefix = uri.removeprefix("s3://").partition("/")
    body = boto3_client(fleet.url, "s3").get_object(Bucket=bucket, Key=f"{prefix}/constraint_violations.json")["Body"]
    assert len(json.loads(body.read())["violations"]) == 3


def test_studio_apps_are_created_listed_and_deleted(
    fleet: EmbeddedFleet, sm: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(patches_sagemaker_notebooks, "APP_DELETE_S", 0.0)
    assert fleet.seeded.mlops is not None
    domain, user = fleet.seeded.mlops.studio_domain, unique("t-user")
    app = {"DomainId": domain, "UserProfileName": user, "AppType": "JupyterLab", "AppName": "default"}
    sm.create_app(**app, ResourceSpec={"InstanceType": "ml.t3.medium"})
    with pytest.raises(ClientError, match="already exists"):
        sm.create_app(**app)
    mine = sm.list_apps(DomainIdEquals=domain, UserProfileNameEquals=user)["Apps"]
    assert [(a["AppName"], a["Status"], a["ResourceSpec"]["InstanceType"]) for a in mine] == [
        ("default", "InService", "ml.t3.medium")
    ]
    sm.delete_app(**app)
    assert sm.describe_app(**app)["Status"] == "Deleted"  # Deleting, then Deleted once due
    assert sm.list_apps(UserProfileNameEquals=user)["Apps"][0]["Status"] == "Deleted"  # still listed
    with pytest.raises(ClientError, match="cannot be deleted again"):
        sm.delete_app(**app)
    with pytest.raises(ClientError, match="Exactly one of UserProfileName or SpaceName"):
        sm.create_app(DomainId=domain, UserProfileName=user, SpaceName="s", AppType="JupyterLab", AppName="x")


def test_notebook_instance_stops_through_stopping(fleet: EmbeddedFleet, sm: Any) -> None:
    name = unique("t-nb")
    sm.create_notebook_instance(NotebookInstanceName=name, InstanceType="ml.t3.medium", RoleArn=ROLE)
    sm.stop_notebook_instance(NotebookInstanceName=name)
    described = sm.describe_notebook_instance(NotebookInstanceName=name)
    assert described["NotebookInstanceStatus"] == "Stopping"
    assert described["LastModifiedTime"] > described["CreationTime"]
    patches_sagemaker_notebooks.settle_notebook(sagemaker_backend().notebook_instances[name], force=True)
    assert sm.describe_notebook_instance(NotebookInstanceName=name)["NotebookInstanceStatus"] == "Stopped"


def test_demo_run_finishes_when_its_running_step_job_does(fleet: EmbeddedFleet, sm: Any) -> None:
    from hybridml.fleet.mlops_live import advance_pipelines

    name = unique("t-pipe")
    sm.create_pipeline(PipelineName=name, PipelineDefinition=json.dumps({"Steps": []}), RoleArn=ROLE)
    arn = sm.start_pipeline_execution(PipelineName=name)["PipelineExecutionArn"]
    training = create_training_job(fleet)
    execution: Any = sagemaker_backend().pipelines[name].pipeline_executions[arn]
    execution.pipeline_execution_status = "Executing"
    started = datetime(2025, 1, 1)
    execution.hybridml_steps = [
        {
            "StepName": "Train",
            "StepStatus": "Executing",
            "StartTime": started,
            "Metadata": {"TrainingJob": {"Arn": f"arn:x:training-job/{training}"}},
        }
    ]
    assert advance_pipelines(sagemaker_backend()) == 0  # the job still runs: nothing moves
    assert sm.describe_pipeline_execution(PipelineExecutionArn=arn)["PipelineExecutionStatus"] == "Executing"
    job: Any = sagemaker_backend().training_jobs[training]
    job.training_job_status, job.failure_reason = "Failed", "AlgorithmError: boom"
    assert advance_pipelines(sagemaker_backend()) == 1
    described = sm.describe_pipeline_execution(PipelineExecutionArn=arn)
    assert described["PipelineExecutionStatus"] == "Failed" and described["FailureReason"].startswith("Step failure")
    [step] = sm.list_pipeline_execution_steps(PipelineExecutionArn=arn)["PipelineExecutionSteps"]
    assert (step["StepStatus"], step["FailureReason"]) == ("Failed", "AlgorithmError: boom") and "EndTime" in step

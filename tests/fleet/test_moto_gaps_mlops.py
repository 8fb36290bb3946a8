"""moto 5.2 still has the gaps the MLOps fleet patches close. Run against plain moto (a fresh interpreter, no
hybridml patches): when one of these fails, moto changed — re-check the patch named in the assertion and drop
it if moto now does what AWS documents."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = r"""
import json
import boto3
from moto import mock_aws

ROLE = "arn:aws:iam::123456789012:role/r"
out = {}
with mock_aws():
    sm = boto3.client("sagemaker", region_name="us-east-1")

    def lacks(name, call):
        try:
            call()
            out[name] = "implemented"
        except NotImplementedError:
            out[name] = "missing"
        except Exception as exc:  # noqa: BLE001
            out[name] = "missing" if "not been implemented" in str(exc) or "500" in str(exc) else f"other: {exc}"

    sm.create_pipeline(PipelineName="p", PipelineDefinition=json.dumps({"Steps": []}), RoleArn=ROLE)
    for _ in range(3):
        arn = sm.start_pipeline_execution(PipelineName="p")["PipelineExecutionArn"]
    page = sm.list_pipeline_executions(PipelineName="p", MaxResults=1)
    out["executions_paged"] = len(page["PipelineExecutionSummaries"]) == 1 and "NextToken" in page
    out["execution_reason"] = page["PipelineExecutionSummaries"][0].get("PipelineExecutionFailureReason")
    described = sm.describe_pipeline_execution(PipelineExecutionArn=arn)
    out["execution_starts_succeeded"] = described["PipelineExecutionStatus"]
    lacks("ListPipelineExecutionSteps", lambda: sm.list_pipeline_execution_steps(PipelineExecutionArn=arn))
    sm.create_hyper_parameter_tuning_job(
        HyperParameterTuningJobName="t",
        HyperParameterTuningJobConfig={"Strategy": "Random", "ResourceLimits": {"MaxNumberOfTrainingJobs": 2,
            "MaxParallelTrainingJobs": 1}, "HyperParameterTuningJobObjective": {"Type": "Minimize", "MetricName": "m"}},
        TrainingJobDefinition={"AlgorithmSpecification": {"TrainingImage": "i", "TrainingInputMode": "File"},
            "RoleArn": ROLE, "OutputDataConfig": {"S3OutputPath": "s3://b/"},
            "StoppingCondition": {"MaxRuntimeInSeconds": 60},
            "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 1}},
    )
    tuning = sm.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName="t")
    out["tuning_best_job"] = tuning["BestTrainingJob"]["TrainingJobName"]
    lacks("ListTrainingJobsForHyperParameterTuningJob",
          lambda: sm.list_training_jobs_for_hyper_parameter_tuning_job(HyperParameterTuningJobName="t"))
    lacks("StopHyperParameterTuningJob", lambda: sm.stop_hyper_parameter_tuning_job(HyperParameterTuningJobName="t"))
    lacks("ListMonitoringSchedules", lambda: sm.list_monitoring_schedules())
    lacks("ListMonitoringExecutions", lambda: sm.list_monitoring_executions())
    lacks("ListApps", lambda: sm.list_apps())
    lacks("DeleteApp", lambda: sm.delete_app(DomainId="d", UserProfileName="u", AppType="JupyterLab", AppName="a"))
    sm.create_notebook_instance(NotebookInstanceName="nb", InstanceType="ml.t3.medium", RoleArn=ROLE)
    sm.stop_notebook_instance(NotebookInstanceName="nb")
    out["notebook_after_stop"] = sm.describe_notebook_instance(NotebookInstanceName="nb")["NotebookInstanceStatus"]
print(json.dumps(out))
"""


def _plain_moto() -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=300, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_moto_still_lacks_what_the_mlops_patches_add() -> None:
    found = _plain_moto()
    # patches_sagemaker_ops.sagemaker_pipeline_executions_are_paged_newest_first
    assert found["executions_paged"] is False
    assert found["execution_reason"] == "None"
    # patches_sagemaker_ops.sagemaker_pipeline_execution_steps_are_listed
    assert found["ListPipelineExecutionSteps"] == "missing"
    # patches_sagemaker_ops.sagemaker_tuning_job_reports_its_training_jobs
    assert found["tuning_best_job"] == "FakeTrainingJobName"
    # patches_sagemaker_ops.sagemaker_tuning_job_training_jobs_are_listed / sagemaker_stop_tuning_job_is_implemented
    assert found["ListTrainingJobsForHyperParameterTuningJob"] == "missing"
    assert found["StopHyperParameterTuningJob"] == "missing"
    # patches_sagemaker_monitor.sagemaker_monitoring_schedules_are_implemented
    assert found["ListMonitoringSchedules"] == "missing" and found["ListMonitoringExecutions"] == "missing"
    # patches_sagemaker_notebooks.sagemaker_studio_apps_are_implemented
    assert found["ListApps"] == "missing" and found["DeleteApp"] == "missing"
    # patches_sagemaker_notebooks.sagemaker_notebook_instance_stop_takes_time
    assert found["notebook_after_stop"] == "Stopped"

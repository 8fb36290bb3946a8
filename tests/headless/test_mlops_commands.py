"""The headless twins of the MLOps views and actions, through `hybridml.cli.main` against the session's fleet:
pipelines / pipeline diagnose / wait, tuning / stop-tuning, monitors / violations, models / approve / reject,
notebooks / stop-notebook, weights."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hybridml.cli import main
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.seed import boto3_client
from tests.sagemaker_helpers import ROLE, create_endpoint, create_model_group, create_tuning_job, fast_settle, unique

__all__ = ["fast_settle"]


@pytest.fixture
def args(fleet: EmbeddedFleet, tmp_path: Path) -> list[str]:
    config = tmp_path / "config.toml"
    config.write_text(
        f'audit_log = "{tmp_path / "audit.jsonl"}"\n[aws]\nmax_attempts = 2\n[sagemaker]\nendpoint_poll_s = 0.05\n'
    )
    return ["--config", str(config), "--endpoint-url", fleet.url, "--region", "us-east-1"]


def audit(tmp_path: Path) -> list[dict[str, object]]:
    path = tmp_path / "audit.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def executions(fleet: EmbeddedFleet, pipeline: str) -> list[str]:
    assert fleet.seeded.mlops is not None
    return fleet.seeded.mlops.executions[pipeline]


def test_pipelines_json_and_table(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*args, "pipelines", "--json"]) == 0
    found = {p["name"]: p for p in json.loads(capsys.readouterr().out)}
    assert found["dogs-detector-train"]["latest"]["status"] == "Failed"
    assert found["dogs-detector-train"]["latest"]["failed_step"] == "Train"
    assert main([*args, "pipelines", "--executions", "--pipeline", "churn-features-daily", "--json"]) == 0
    assert [e["status"] for e in json.loads(capsys.readouterr().out)] == ["Failed", "Succeeded"]
    assert main([*args, "pipelines"]) == 0
    table = capsys.readouterr().out
    assert table.startswith("NAME") and "text-embed-nightly" in table and "Executing" in table


def test_pipeline_diagnose_names_the_failed_step(
    args: list[str], fleet: EmbeddedFleet, capsys: pytest.CaptureFixture[str]
) -> None:
    failed, succeeded, _ = executions(fleet, "dogs-detector-train")
    assert main([*args, "pipeline", "diagnose", failed]) == 3
    out = capsys.readouterr().out
    assert "First failed step: Train" in out and "CUDA out of memory" in out and "hybridml logs training/" in out
    assert main([*args, "pipeline", "diagnose", failed, "--json"]) == 3
    report = json.loads(capsys.readouterr().out)
    assert report["failed_step"]["name"] == "Train" and report["logs"].startswith("training/pipelines-")
    assert main([*args, "pipeline", "diagnose", succeeded]) == 0
    assert "Nothing failed" in capsys.readouterr().out
    assert main([*args, "pipeline", "diagnose", failed + "x"]) == 2
    assert "not found" in capsys.readouterr().err


def test_wait_exit_code_follows_the_outcome(
    args: list[str], fleet: EmbeddedFleet, capsys: pytest.CaptureFixture[str]
) -> None:
    failed, succeeded, _ = executions(fleet, "dogs-detector-train")
    assert main([*args, "wait", succeeded, "--poll", "0.05"]) == 0
    assert main([*args, "wait", failed, "--poll", "0.05"]) == 1
    assert "Failed: Step failure" in capsys.readouterr().out
    assert main([*args, "wait", executions(fleet, "yolo-eval-weekly")[0], "--poll", "0.05"]) == 3
    running = executions(fleet, "text-embed-nightly")[0]
    assert main([*args, "wait", running, "--timeout", "0.2", "--poll", "0.05"]) == 124
    assert "still Executing" in capsys.readouterr().err
    training = "arn:aws:sagemaker:us-east-1:123456789012:training-job/dogs-yolo11n-ft-1121"
    assert main([*args, "wait", training, "--json", "--poll", "0.05"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "Completed"
    assert main([*args, "wait", "arn:aws:sagemaker:us-east-1:123456789012:endpoint/fraud-scorer"]) == 0
    assert main([*args, "wait", "arn:aws:s3:::bucket"]) == 2
    assert "not a SageMaker ARN" in capsys.readouterr().err
    assert main([*args, "wait", "arn:aws:sagemaker:us-east-1:123456789012:model/x"]) == 2


def test_tuning_list_trials_and_stop(
    args: list[str], fleet: EmbeddedFleet, tmp_path: Path, capsys: pytest.CaptureFixture[str], fast_settle: None
) -> None:
    assert main([*args, "tuning", "--json"]) == 0
    jobs = {j["name"]: j for j in json.loads(capsys.readouterr().out)}
    assert (
        jobs["embed-lr-sweep-1124"]["non_retryable_errors"] == 4 and jobs["dogs-yolo-hpo-1125"]["best_value"] == 0.742
    )
    assert main([*args, "tuning", "dogs-yolo-hpo-1125", "--json"]) == 0
    trials = json.loads(capsys.readouterr().out)["training_jobs"]
    assert [t["objective_value"] for t in trials[:2]] == [0.742, 0.719]
    name = create_tuning_job(fleet, [("InProgress", None)])
    assert main(["--read-only", *args, "stop-tuning", name]) == 4
    assert main([*args, "stop-tuning", name]) == 0
    entry = audit(tmp_path)[-1]
    assert entry["action"] == "sagemaker.tuning.stop" and entry["request"] == {"HyperParameterTuningJobName": name}
    assert main([*args, "stop-tuning", "resnet-hpo-1120"]) == 2
    assert "only an InProgress" in capsys.readouterr().err


def test_monitors_and_violations(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*args, "monitors", "--json"]) == 0
    schedules = {s["name"]: s for s in json.loads(capsys.readouterr().out)}
    assert schedules["yolo-dogs-prod-data-quality"]["last"]["violations"] == 3
    assert main([*args, "violations", "yolo-dogs-prod-data-quality"]) == 0
    out = capsys.readouterr().out
    assert "constraint_violations.json" in out and "baseline_drift_check" in out and "camera_id" in out
    assert main([*args, "violations", "yolo-dogs-canary-model-quality", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["execution"]["failure_reason"] == "Job inputs had no data"


def test_models_approve_and_reject(
    args: list[str], fleet: EmbeddedFleet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    group, arns = create_model_group(fleet, ("PendingManualApproval",))
    assert main([*args, "models", group, "--json"]) == 0
    assert [p["approval"] for p in json.loads(capsys.readouterr().out)] == ["PendingManualApproval"]
    assert main(["--read-only", *args, "approve", arns[0]]) == 4
    assert main([*args, "approve", arns[0]]) == 0
    assert "PendingManualApproval -> Approved" in capsys.readouterr().out
    assert main([*args, "approve", arns[0]]) == 2  # already approved
    assert main([*args, "reject", arns[0]]) == 2  # a reason is required
    assert main([*args, "reject", arns[0], "--description", "drift on night frames"]) == 0
    assert "Approved -> Rejected" in capsys.readouterr().out
    assert [e["action"] for e in audit(tmp_path)][-2:] == [
        "sagemaker.model_package.approve",
        "sagemaker.model_package.reject",
    ]
    assert audit(tmp_path)[-1]["request"]["ApprovalDescription"] == "drift on night frames"
    assert main([*args, "models", "--json"]) == 0
    groups = {g["name"]: g for g in json.loads(capsys.readouterr().out)}
    assert groups[group]["versions"][0]["approval"] == "Rejected"


def test_notebooks_and_stop(
    args: list[str], fleet: EmbeddedFleet, tmp_path: Path, capsys: pytest.CaptureFixture[str], fast_settle: None
) -> None:
    name = unique("t-nb")
    boto3_client(fleet.url, "sagemaker").create_notebook_instance(
        NotebookInstanceName=name, InstanceType="ml.t3.medium", RoleArn=ROLE
    )
    assert main([*args, "notebooks", "--json"]) == 0
    found = {n["key"]: n for n in json.loads(capsys.readouterr().out)}
    assert found["instance/gpu-bob-finetune"]["instance_type"] == "ml.p3.2xlarge"
    assert any(k.startswith("studio/d-ml-studio/dave/") for k in found)
    assert main(["--read-only", *args, "stop-notebook", name]) == 4
    assert main([*args, "stop-notebook", name]) == 0
    assert audit(tmp_path)[-1]["action"] == "sagemaker.notebook.stop"
    assert main([*args, "stop-notebook", "no-such-notebook"]) == 2
    assert main([*args, "stop-notebook", "carol-eda"]) == 2  # Stopped already
    assert "only an InService" in capsys.readouterr().err


def test_weights_shift_and_wait(
    args: list[str], fleet: EmbeddedFleet, tmp_path: Path, capsys: pytest.CaptureFixture[str], fast_settle: None
) -> None:
    name = create_endpoint(fleet, variants=("Blue", "Green"))
    assert main([*args, "weights", name, "Blue=x"]) == 2
    assert main([*args, "weights", name, "Purple=1"]) == 2
    assert "has no variant 'Purple'" in capsys.readouterr().err
    assert main(["--read-only", *args, "weights", name, "Blue=0.3"]) == 4
    assert main([*args, "weights", name, "Blue=0.3", "Green=0.7"]) == 0
    out = capsys.readouterr().out
    assert "Blue: 1 (50%) -> 0.3 (30%)" in out and "Green: 1 (50%) -> 0.7 (70%)" in out
    assert audit(tmp_path)[-1]["action"] == "sagemaker.endpoint.weights"
    assert main([*args, "endpoints", "--json"]) == 0
    endpoint = next(e for e in json.loads(capsys.readouterr().out) if e["name"] == name)
    assert {v["name"]: v["current_weight"] for v in endpoint["variants"]} == {"Blue": 0.3, "Green": 0.7}

"""moto's gaps behind fleet/patches_launch.py (still there: when moto closes one, its test fails and the patch can
go) and the documented rules the launch targets follow."""

from __future__ import annotations

from hybridml.fleet.backends import sagemaker_backend
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.patches import unpatched
from tests.conformance.conftest import cites, model
from tests.sagemaker_helpers import ROLE, unique


def _moto_processing_job() -> object:
    """moto's own CreateProcessingJob (the backend call; the patches wrap the response layer)."""
    name = unique("gap-proc")
    return sagemaker_backend().create_processing_job(
        app_specification={"ImageUri": "x/hybridml/yolo-dogs:latest"},
        experiment_config={},
        network_config={},
        processing_inputs=[],
        processing_job_name=name,
        processing_output_config={},
        role_arn=ROLE,
        tags=[],
        stopping_condition={"MaxRuntimeInSeconds": 60},
    )


def test_moto_drops_processing_resources_and_runs_nothing(fleet: EmbeddedFleet) -> None:
    """patches sagemaker_processing_job_keeps_its_request and sagemaker_processing_job_runs_its_container."""
    job = _moto_processing_job()
    assert not hasattr(job, "processing_resources")
    assert job.processing_job_status == "Completed"  # type: ignore[attr-defined]
    cites(
        "sagemaker",
        "DescribeProcessingJobResponse",
        "ProcessingStartTime",
        "The time at which the processing job started",
    )
    cites("sagemaker", "DescribeProcessingJobResponse", "FailureReason", "up to one KB in size")
    assert "ProcessingResources" in model("sagemaker").shape_for("DescribeProcessingJobResponse").required_members


def test_moto_stops_a_finished_processing_job(fleet: EmbeddedFleet) -> None:
    """patch sagemaker_stop_processing_job_is_gradual: moto sets Stopped whatever the status."""
    from moto.sagemaker.models import SageMakerModelBackend

    job = _moto_processing_job()
    unpatched(SageMakerModelBackend, "stop_processing_job")(sagemaker_backend(), job.processing_job_name)  # type: ignore[attr-defined]
    assert job.processing_job_status == "Stopped"  # type: ignore[attr-defined]
    assert set(model("sagemaker").shape_for("ProcessingJobStatus").enum) == {
        "InProgress", "Completed", "Failed", "Stopping", "Stopped"
    }  # fmt: skip


def test_moto_endpoints_are_in_service_at_once(fleet: EmbeddedFleet) -> None:
    """patch sagemaker_endpoint_serves_its_container (for the bundled image: Creating until /ping answers)."""
    from moto.sagemaker.models import SageMakerModelBackend

    from hybridml.fleet.seed import boto3_client

    name = unique("gap-ep")
    sm = boto3_client(fleet.url, "sagemaker")
    sm.create_model(ModelName=f"{name}-model", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "x/yolo-dogs:1"})
    sm.create_endpoint_config(
        EndpointConfigName=f"{name}-config",
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": f"{name}-model",
                "InstanceType": "ml.m5.large",
                "InitialInstanceCount": 1,
            }
        ],
    )
    endpoint = unpatched(SageMakerModelBackend, "create_endpoint")(sagemaker_backend(), name, f"{name}-config", [])
    assert endpoint.endpoint_status == "InService"
    sagemaker_backend().delete_endpoint(name)
    cites("sagemaker-runtime", "ModelError", None, "returned 4xx or 5xx error code")


def test_a_container_argument_is_at_most_256_characters() -> None:
    """aws/processing.py refuses a longer URL before sending (ContainerArgument max 256)."""
    assert model("sagemaker").shape_for("ContainerArgument").metadata["max"] == 256
    assert model("sagemaker").shape_for("ContainerArguments").metadata["max"] == 100

"""Issue 11.7 (EC2 vCPU quotas per instance family; the permission probe calls the API triage uses) and 11.13
(algorithm metrics are read with the TrainingJobName dimension)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hybridml.aws.metrics import TRAINING_NS, training_metric_specs
from hybridml.aws.permissions import PROBES, probe
from hybridml.fleet.backends import sagemaker_backend
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.fleet.faultproxy import FaultProxy
from hybridml.fleet.faultrules import FaultRules
from hybridml.services import Services
from hybridml.triage.instances import QUOTA_CODES, quota_family_code
from tests.conformance.conftest import cites
from tests.conftest import make_services


@pytest.mark.parametrize(
    ("instance_type", "on_demand", "spot"),
    [
        ("trn1.32xlarge", "L-2C3B7624", "L-6B0D517C"),  # Running On-Demand Trn / All Trn Spot Instance Requests
        ("x2idn.16xlarge", "L-7295265B", "L-E3A00192"),  # X
        ("f1.2xlarge", "L-74FC7D96", "L-88CF9481"),  # F
        ("dl1.24xlarge", "L-6E869C2A", "L-85EED4F7"),  # DL
        ("u-6tb1.112xlarge", "L-43DA4232", "L-43DA4232"),  # High Memory (no spot)
        ("hpc6a.48xlarge", "L-F7808C92", "L-F7808C92"),  # HPC (no spot)
        ("inf2.xlarge", "L-1945791B", "L-B5D1601B"),  # Inf
        ("g5.xlarge", "L-DB2E81BA", "L-3819A6DF"),  # G and VT
        ("p4d.24xlarge", "L-417A185B", "L-7212CCBC"),  # P
        ("d3.xlarge", "L-1216C47A", "L-34B43A08"),  # standard (A, C, D, H, I, M, R, T, Z)
        ("t3.large", "L-1216C47A", "L-34B43A08"),
        ("h1.2xlarge", "L-1216C47A", "L-34B43A08"),
    ],
)
def test_each_instance_family_maps_to_its_own_vcpu_quota(instance_type: str, on_demand: str, spot: str) -> None:
    """GetServiceQuota "Retrieves the applied quota value for the specified account-level or resource-level quota".
    EC2 counts running vCPUs per family group: Standard (A, C, D, H, I, M, R, T, Z), F, G and VT, Inf, P, Trn, X, DL,
    High Memory, HPC — each with its own on-demand and spot quota code."""
    cites("service-quotas", "GetServiceQuota", None, "Retrieves the applied quota value for the specified")
    assert quota_family_code(instance_type, spot=False)[0] == on_demand
    assert quota_family_code(instance_type, spot=True)[0] == spot
    assert on_demand in QUOTA_CODES and spot in QUOTA_CODES


async def test_quota_probe_calls_get_service_quota(services: Services) -> None:
    """The start-up permission probe of Service Quotas makes the call triage makes (GetServiceQuota, service "ec2"),
    so "denied" means triage's quota reads are denied, not some other action."""
    cites("service-quotas", "GetServiceQuotaRequest", "QuotaCode", "Specifies the quota identifier.")
    assert PROBES["service-quotas"][0] == "servicequotas:GetServiceQuota"
    before = services.session.meter.by_operation.get("GetServiceQuota", 0)
    access = await probe(services.session, "service-quotas")
    assert access.allowed is True
    assert services.session.meter.by_operation.get("GetServiceQuota", 0) == before + 1


async def test_quota_probe_reports_a_denied_get_service_quota(fleet: EmbeddedFleet) -> None:
    """When GetServiceQuota is denied, the probe says so (and names the permission)."""
    cites("service-quotas", "GetServiceQuota", None, "Retrieves the applied quota value")
    with FaultProxy(fleet.url) as proxy:
        proxy.set_rules(FaultRules(access_denied={"servicequotas"}))  # its signing name
        denied = make_services(fleet)
        denied.session._explicit_endpoint = proxy.url
        try:
            access = await probe(denied.session, "service-quotas")
        finally:
            await denied.close()
    assert access.allowed is False and access.permission == "servicequotas:GetServiceQuota"


async def test_training_curves_read_algorithm_metrics_by_training_job_name(services: Services) -> None:
    """Algorithm metrics (a training job's MetricDefinitions) are published in /aws/sagemaker/TrainingJobs with the
    TrainingJobName dimension; `Host` ("[training-job-name]/algo-[n]") is the dimension of instance metrics. The
    CloudWatch model: a metric is identified by its namespace, name and dimensions (Metric `Dimensions`: "The
    dimensions for the metric.")."""
    cites("cloudwatch", "Metric", "Dimensions", "The dimensions for the metric.")
    job = next(j for j in sagemaker_backend().training_jobs.values() if j.training_job_status == "Completed")
    name = job.training_job_name
    spec = training_metric_specs(name, ["train:loss"])[0]
    assert spec.namespace == TRAINING_NS and spec.dimensions == (("TrainingJobName", name),)
    end = (job.training_end_time or datetime.now(UTC).replace(tzinfo=None)).replace(tzinfo=UTC) + timedelta(minutes=1)
    window = int((end - job.training_start_time.replace(tzinfo=UTC)).total_seconds()) + 120
    series = await services.metrics.series([spec], window, end=end)
    assert len(series[0].values) > 10  # the fleet publishes them as SageMaker does, and they are found

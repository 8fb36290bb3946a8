"""Pure SageMaker logic: scale validation, count parsing, periods, sparklines, payloads, clone requests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from hybridml.aws.sagemaker_training import clone_request, valid_job_name
from hybridml.config import TrainingTemplate
from hybridml.domain.metrics import WINDOWS, MetricSeries, period_for, summed
from hybridml.domain.sagemaker import EndpointVariant, ScaleRequest, parse_count
from hybridml.render.sagemaker import spark

VARIANT = EndpointVariant("AllTraffic", "ml.g5.xlarge", 2, 2, autoscaling_min=1, autoscaling_max=4)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", None), (" 3 ", 3), ("0", 0)],
)
def test_parse_count(text: str, expected: int | None) -> None:
    assert parse_count(text, "instances") == expected


@pytest.mark.parametrize(
    ("text", "message"), [("two", "not a whole number"), ("-1", "must not be negative"), ("1.5", "whole")]
)
def test_parse_count_rejects(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_count(text, "instances")


def test_scale_problems() -> None:
    assert ScaleRequest("e", "v", desired=3).problems(VARIANT) == []
    assert "nothing to change" in ScaleRequest("e", "v").problems(VARIANT)[0]
    assert "min (5) is greater than max (4)" in ScaleRequest("e", "v", min_capacity=5).problems(VARIANT)[0]
    assert "between 0 and 1000" in ScaleRequest("e", "v", desired=5000).problems(VARIANT)[0]
    unbounded = EndpointVariant("v", "ml.g5.xlarge", 1, 1)
    assert "needs both min and max" in ScaleRequest("e", "v", min_capacity=1).problems(unbounded)[0]
    assert ScaleRequest("e", "v", min_capacity=1, max_capacity=2).problems(unbounded) == []
    assert "at least 1" in ScaleRequest("e", "v", desired=0).problems(VARIANT)[-1]


def test_scale_warns_outside_autoscaling_range() -> None:
    assert "autoscaling will undo it" in ScaleRequest("e", "v", desired=9).warnings(VARIANT)[0]
    assert ScaleRequest("e", "v", desired=9, max_capacity=10).warnings(VARIANT) == []


def test_periods_give_about_sixty_points() -> None:
    assert [period_for(WINDOWS[w]) for w in ("1h", "6h", "24h")] == [60, 300, 1500]
    for seconds in WINDOWS.values():
        assert 40 <= seconds // period_for(seconds) <= 80


def test_spark() -> None:
    assert spark([]) == ""
    assert spark([0, 0, 0]) == "▁▁▁"
    line = spark([1, 2, 3, 4, 5, 6, 7, 8])
    assert line[0] == "▁" and line[-1] == "█" and len(line) == 8
    assert len(spark(list(range(100)), width=60)) == 60


def test_payload_from(tmp_path: Path) -> None:
    from hybridml.payload import payload_from

    assert payload_from('{"a": 1}', "", "application/json") == b'{"a": 1}'
    assert payload_from("a,b\n1,2", "", "text/csv") == b"a,b\n1,2"
    with pytest.raises(ValueError, match="not valid JSON"):
        payload_from("{", "", "application/json")
    with pytest.raises(ValueError, match="empty"):
        payload_from("", "", "text/csv")
    with pytest.raises(ValueError, match="file not found"):
        payload_from("", str(tmp_path / "nope"), "text/csv")
    with pytest.raises(ValueError, match="is a directory"):
        payload_from("", str(tmp_path), "text/csv")
    image = tmp_path / "dog.jpg"
    image.write_bytes(b"\xff\xd8\xff")
    assert payload_from("ignored", str(image), "image/jpeg") == b"\xff\xd8\xff"


def test_clone_request_applies_template() -> None:
    source = {
        "TrainingJobName": "old",
        "TrainingJobStatus": "Completed",
        "AlgorithmSpecification": {"TrainingImage": "img:1", "TrainingInputMode": "File"},
        "RoleArn": "arn:aws:iam::1:role/r",
        "ResourceConfig": {"InstanceType": "ml.g5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 50},
        "HyperParameters": {"epochs": "10", "lr": "0.001"},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "OutputDataConfig": {"S3OutputPath": "s3://b/o"},
        "CreationTime": datetime.now(UTC),
    }
    template = TrainingTemplate(instance_count=4, hyperparameters={"lr": "0.01"}, max_runtime_s=7200, spot=True)
    request = clone_request(source, "new", template)
    assert request["TrainingJobName"] == "new" and "TrainingJobStatus" not in request and "CreationTime" not in request
    assert request["ResourceConfig"] == {"InstanceType": "ml.g5.xlarge", "InstanceCount": 4, "VolumeSizeInGB": 50}
    assert request["HyperParameters"] == {"epochs": "10", "lr": "0.01"}
    assert request["StoppingCondition"]["MaxRuntimeInSeconds"] == 7200 and request["EnableManagedSpotTraining"] is True
    assert source["ResourceConfig"]["InstanceCount"] == 1  # the source is not modified
    assert clone_request(source, "same", None)["ResourceConfig"]["InstanceCount"] == 1


@pytest.mark.parametrize(
    ("name", "ok"), [("job-1", True), ("", False), ("-x", False), ("a b", False), ("x" * 64, False)]
)
def test_valid_job_name(name: str, ok: bool) -> None:
    assert (valid_job_name(name) is None) is ok


def test_summed_adds_series_point_by_point() -> None:
    """An A/B endpoint's traffic is the sum of its variants' (a point one variant lacks counts 0 there)."""
    t = [datetime(2026, 11, 25, 10, m, tzinfo=UTC) for m in (0, 5, 10)]
    champion = MetricSeries("ep|inv", (t[0], t[1], t[2]), (90.0, 80.0, 70.0), stat="Sum")
    challenger = MetricSeries("ep|inv", (t[1], t[2]), (10.0, 30.0), stat="Sum")
    total = summed([champion, challenger], "ep|inv")
    assert total.timestamps == (t[0], t[1], t[2]) and total.values == (90.0, 90.0, 100.0)
    assert total.total == champion.total + challenger.total and total.stat == "Sum"
    assert summed([], "none").values == ()

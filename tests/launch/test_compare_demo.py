"""The done-when of issue 15, end to end on the demo fleet: one synthetic video on the local runner, on Batch, as
a SageMaker processing job and through a deployed endpoint, all running the real container (the fleet runs the
bundled image where AWS would: fleet/containers.py), compared in one table whose dogs agree — printed by the
headless twin as JSON. Slow (four runs of the pipeline on a CPU): the only test that runs all of them."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from hybridml.fleet.backends import logs_backend, sagemaker_backend
from hybridml.fleet.containers import HOST
from hybridml.fleet.embedded import EmbeddedFleet
from hybridml.launch.local import CHECKOUT
from hybridml.services import Services
from tests.headless.test_batch_commands import cli, unique

CONTAINER_READY = (CHECKOUT / ".venv-gpu" / "bin" / "python").exists()
pytestmark = [
    pytest.mark.gpu_container,
    pytest.mark.skipif(not CONTAINER_READY, reason="needs the container's environment: run `make gpu-venv`"),
]


@pytest.fixture
def running_containers(fleet: EmbeddedFleet) -> Iterator[None]:
    """The shared test fleet runs the bundled container for this test only."""
    HOST.enabled = True
    try:
        yield
    finally:
        HOST.enabled = False
        HOST.shutdown()


async def test_one_video_on_every_target_finds_the_same_dogs(
    running_containers: None, services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    endpoint = unique("cmp-ep")
    argv = ["yolo", "compare", "--synthetic", "--endpoint", endpoint, "--deploy", "--yes", "--json"]
    code = await cli(services, *argv, "--timeout", "900")
    out, err = capsys.readouterr()
    assert code == 0, err[-2000:]
    comparison = json.loads(out)
    rows = {row["target"]: row for row in comparison["rows"]}
    assert set(rows) == {"local", "batch", "sagemaker-processing", "sagemaker-endpoint"}
    assert comparison["agree"] is True and all(row["agrees"] for row in rows.values())
    dogs = {json.dumps(row["dogs"], sort_keys=True) for row in rows.values()}
    assert len(dogs) == 1 and rows["local"]["dogs"]["frames"] > 0  # the same, and not nothing
    for kind in ("batch", "sagemaker-processing"):
        assert rows[kind]["status"] == "SUCCEEDED" and rows[kind]["queue_wait_s"] > 0
        assert rows[kind]["run_s"] > 0 and rows[kind]["cost"] > 0 and rows[kind]["price_h"] > 0
    assert rows["batch"]["billable_s"] >= 60  # EC2's one-minute minimum
    assert rows["sagemaker-endpoint"]["billable_s"] is None and rows["sagemaker-endpoint"]["cost"] > 0
    verdict = comparison["verdict"]
    assert verdict["flip_per_day"] > 0 and verdict["endpoint_per_day"] > 0 and verdict["choice"]
    assert any("demo fleet" in note for note in comparison["notes"])

    # What the fleet wrote where AWS writes it: the streams of the processing job and of the endpoint.
    processing = [name for name in sagemaker_backend().processing_jobs if name.startswith("yolo-")]
    groups = logs_backend().groups
    streams = set(groups["/aws/sagemaker/ProcessingJobs"].streams)
    assert any(s.startswith(f"{processing[-1]}/algo-1-") for s in streams)
    assert any(s.startswith("AllTraffic/i-") for s in groups[f"/aws/sagemaker/Endpoints/{endpoint}"].streams)

    # A video the container cannot fetch: it answers 502 with its error report (gpu_container serve.py: "502 (the
    # video could not be fetched)"), which InvokeEndpoint returns as ModelError naming the container's status
    # ("Received server error (502) from primary ..."); the run says it.
    bad = "http://127.0.0.1:9/nothing-listens-here.mp4"
    code = await cli(services, "yolo", "invoke", endpoint, "--video-url", bad, "--allow-private-urls", "--json")
    out, err = capsys.readouterr()
    assert code == 1 and "Received server error (502) from primary" in err
    failed = json.loads(out)
    assert failed["status"] == "FAILED" and failed["target"] == "sagemaker-endpoint"
    assert failed["result"]["status"] == "error" and failed["result"]["error"]  # the container's own report
    assert await cli(services, "yolo", "undeploy", endpoint, "--yes") == 0
    assert endpoint not in sagemaker_backend().endpoints

"""SubmitRequest checks, form parsing and clone — pure."""

from __future__ import annotations

from datetime import datetime

from hybridml.domain.batch import ArraySummary, Job, JobDefinition, JobStatus, ResourceRequest
from hybridml.domain.submit import (
    SubmitRequest,
    clone_request,
    default_job_name,
    form_values,
    job_name_problem,
    request_from_form,
    resolve_definition,
)


def test_job_name_rules() -> None:
    assert job_name_problem("yolo-run_01") is None
    assert job_name_problem("a" * 128) is None
    assert "at most 128" in (job_name_problem("a" * 129) or "")
    assert "start with a letter" in (job_name_problem("_x") or "")
    assert "'$'" in (job_name_problem("x$y") or "")
    assert "required" in (job_name_problem("") or "")
    assert "start with" in (job_name_problem("ñame") or "")


def test_form_round_trip_keeps_quoting() -> None:
    request = SubmitRequest(
        "q", "d:2", "n", command=("sh", "-c", "echo 'a b' && ls"), environment=(("A", "x y"),), depends_on=("j1", "j2")
    )
    parsed, problems = request_from_form(form_values(request))
    assert problems == [] and parsed == request


def test_form_numbers_and_problems() -> None:
    values = form_values(SubmitRequest("q", "d", "n")) | {"vcpus": "abc", "timeout_s": "1.5", "environment": "NOPE"}
    parsed, problems = request_from_form(values)
    assert parsed is None
    assert any("vCPUs: 'abc'" in p for p in problems) and any("whole number" in p for p in problems)
    assert any("KEY=VALUE" in p for p in problems)
    ok, problems = request_from_form(form_values(SubmitRequest("q", "d", "n")) | {"timeout_s": "30", "gpus": "65"})
    assert ok is not None and any("timeout must be 60.." in p for p in problems) and any("GPUs" in p for p in problems)
    _, problems = request_from_form(
        form_values(SubmitRequest("q", "d", "n")) | {"timeout_s": "9" * 30, "vcpus": "1e400"}
    )
    assert any("finite" in p for p in problems)
    huge, problems = request_from_form(form_values(SubmitRequest("q", "d", "n")) | {"timeout_s": "9" * 30})
    assert huge is not None and any("timeout must be" in p for p in problems)


def test_clone_only_overrides_what_differs() -> None:
    definition = JobDefinition(
        "train", "arn:jd/train:3", 3, "ACTIVE", "container", command=("python", "t.py"),
        resources=ResourceRequest(8, 60000, 1), environment=(("A", "1"),), timeout_s=3600,
    )  # fmt: skip
    job = Job(
        "id-1", "train-x", "gpu-training", JobStatus.FAILED, None, job_definition="arn:jd/train:3",
        resources=ResourceRequest(16, 60000, 1), command=("python", "t.py"), parameters=(("lr", "0.1"),),
        environment=(("A", "1"), ("B", "2"), ("AWS_BATCH_JOB_ID", "id-1")), timeout_s=3600,
        array=ArraySummary(size=5),
    )  # fmt: skip
    request = clone_request(job, definition)
    assert (request.vcpus, request.memory_mib, request.gpus, request.command) == (16, None, None, None)
    assert request.environment == (("B", "2"),) and request.timeout_s is None and request.array_size == 5
    assert request.job_definition == "train:3" and request.parameters == (("lr", "0.1"),)


def test_resolve_definition_and_default_name() -> None:
    defs = [JobDefinition("d", f"arn:d:{r}", r, "ACTIVE", "container") for r in (1, 3, 2)]
    assert (resolve_definition("d", defs) or defs[0]).revision == 3
    assert (resolve_definition("d:2", defs) or defs[0]).revision == 2
    assert resolve_definition("e", defs) is None
    name = default_job_name("arn:aws:batch:x:job-definition/yolo.v2:3", datetime(2026, 1, 2, 3, 4, 5))
    assert name == "yolo-v2-20260102-030405" and job_name_problem(name) is None

"""Request classification and error shapes, without a server."""

from __future__ import annotations

import json

import pytest
from multidict import CIMultiDict

from hybridml.fleet.awswire import ApiCall, batch_operation, cbor_text_map, classify, error_answer

SCOPE = "AWS4-HMAC-SHA256 Credential=testing/20250101/us-east-1/{}/aws4_request, SignedHeaders=host, Signature=0"


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("POST", "/v1/submitjob", "SubmitJob"),
        ("POST", "/v1/describejobqueues", "DescribeJobQueues"),
        ("POST", "/v1/getjobqueuesnapshot/", "GetJobQueueSnapshot"),
        ("GET", "/v1/tags/arn:aws:batch:us-east-1:123456789012:job-queue/q", "ListTagsForResource"),
        ("POST", "/v1/tags/arn", "TagResource"),
        ("DELETE", "/v1/tags/arn", "UntagResource"),
        ("POST", "/v1/nosuchthing", None),
        ("POST", "/2015-01-01/x", None),
    ],
)
def test_batch_paths_map_to_operations(method: str, path: str, expected: str | None) -> None:
    assert batch_operation(method, path) == expected


def test_credential_scope_names_the_service() -> None:
    headers = CIMultiDict({"Authorization": SCOPE.format("batch")})
    assert classify("POST", "/v1/submitjob", headers, {}, {}) == ApiCall("batch", "SubmitJob", "rest-json")


@pytest.mark.parametrize(
    ("target", "service", "operation"),
    [
        ("SageMaker.ListEndpoints", "sagemaker", "ListEndpoints"),
        ("Logs_20140328.GetLogEvents", "logs", "GetLogEvents"),
        ("AmazonEC2ContainerRegistry_V20150921.DescribeImages", "ecr", "DescribeImages"),
        ("Kinesis_20131202.ListStreams", "kinesis", "ListStreams"),
    ],
)
def test_target_header_names_service_and_operation(target: str, service: str, operation: str) -> None:
    call = classify("POST", "/", CIMultiDict({"X-Amz-Target": target}), {}, {})
    assert call == ApiCall(service, operation, "json")


def test_scope_wins_over_target_prefix() -> None:
    headers = CIMultiDict({"Authorization": SCOPE.format("sagemaker"), "x-amz-target": "Odd.ListThings"})
    assert classify("POST", "/", headers, {}, {}) == ApiCall("sagemaker", "ListThings", "json")


def test_rpc_v2_cbor_and_query_protocols() -> None:
    cbor = CIMultiDict({"Authorization": SCOPE.format("monitoring"), "smithy-protocol": "rpc-v2-cbor"})
    path = "/service/GraniteServiceVersion20100801/operation/GetMetricData"
    assert classify("POST", path, cbor, {}, {}) == ApiCall("monitoring", "GetMetricData", "rpc-v2-cbor")
    query = CIMultiDict({"Authorization": SCOPE.format("sts")})
    assert classify("POST", "/", query, {}, {"Action": "GetCallerIdentity"}).operation == "GetCallerIdentity"
    presigned = {"X-Amz-Credential": "testing/20250101/us-east-1/s3/aws4_request"}
    assert classify("GET", "/bucket/key", CIMultiDict(), presigned, {}) == ApiCall("s3", None, "rest-json")


def test_unknown_requests_are_unclassified() -> None:
    assert classify("GET", "/moto-api/data.json", CIMultiDict(), {}, {}) == ApiCall(None, None, "rest-json")


def test_error_shapes_per_protocol() -> None:
    batch = error_answer(ApiCall("batch", "SubmitJob", "rest-json"), "throttled")
    assert (batch.status, batch.headers["x-amzn-ErrorType"]) == (429, "ThrottlingException")
    assert json.loads(batch.body) == {"__type": "ThrottlingException", "message": "Rate exceeded"}

    logs = error_answer(ApiCall("logs", "GetLogEvents", "json"), "denied")
    assert (logs.status, json.loads(logs.body)["__type"]) == (400, "AccessDeniedException")
    assert "x-amzn-ErrorType" not in logs.headers

    sts = error_answer(ApiCall("sts", "GetCallerIdentity", "query"), "throttled")
    assert sts.status == 400 and b"<Code>Throttling</Code>" in sts.body

    unavailable = error_answer(ApiCall("sagemaker", None, "json"), "error", 503)
    assert (unavailable.status, json.loads(unavailable.body)["__type"]) == (503, "ServiceUnavailable")


def test_cbor_text_map_encoding() -> None:
    assert cbor_text_map({"a": "b"}) == bytes([0xA1, 0x61, 0x61, 0x61, 0x62])
    long = "x" * 30
    assert cbor_text_map({"k": long}) == bytes([0xA1, 0x61, 0x6B, 0x78, 30]) + long.encode()

"""What an AWS API request is, seen from the wire, and AWS-shaped error answers.

Used by the fault proxy: it tells the service from the SigV4 credential scope, the
operation from the Batch REST path, the ``X-Amz-Target`` header, the Smithy RPC v2 path
or a query ``Action``, and it writes error responses in the shape each protocol's
botocore parser reads (``rest-json``, ``json``, ``query``/XML and ``rpc-v2-cbor``).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from xml.sax.saxutils import escape

Protocol = Literal["rest-json", "json", "query", "rpc-v2-cbor"]
FaultKind = Literal["throttled", "error", "denied"]

_CREDENTIAL_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/[^/,\s]+/([^/,\s]+)/aws4_request")
_RPC_V2_PATH = re.compile(r"^/service/([^/]+)/operation/([^/]+)$")
_TARGET_VERSION_SUFFIX = re.compile(r"(_?[vV]?\d{8})$")

# X-Amz-Target prefixes (JSON protocols) whose service name is not just the prefix lower-cased.
_TARGET_SERVICES: dict[str, str] = {
    "SageMaker": "sagemaker",
    "Logs_20140328": "logs",
    "AmazonEC2ContainerRegistry_V20150921": "ecr",
    "AmazonSSM": "ssm",
    "AWSEvents": "events",
    "DynamoDB_20120810": "dynamodb",
    "GraniteServiceVersion20100801": "monitoring",
    "AWSSecurityTokenServiceV20110615": "sts",
    "AmazonEC2ContainerServiceV20141113": "ecs",
    "AWSStepFunctions": "states",
}

# Every AWS Batch operation is POST /v1/<lower-cased name>, except the tag operations.
_BATCH_OPERATIONS: dict[str, str] = {
    name.lower(): name
    for name in [
        "CancelJob",
        "CancelJobs",
        "CreateComputeEnvironment",
        "CreateConsumableResource",
        "CreateJobQueue",
        "CreateQuotaShare",
        "CreateSchedulingPolicy",
        "CreateServiceEnvironment",
        "DeleteComputeEnvironment",
        "DeleteConsumableResource",
        "DeleteJobQueue",
        "DeleteQuotaShare",
        "DeleteSchedulingPolicy",
        "DeleteServiceEnvironment",
        "DeregisterJobDefinition",
        "DescribeComputeEnvironments",
        "DescribeConsumableResource",
        "DescribeJobDefinitions",
        "DescribeJobQueues",
        "DescribeJobs",
        "DescribeQuotaShare",
        "DescribeSchedulingPolicies",
        "DescribeServiceEnvironments",
        "DescribeServiceJob",
        "GetJobQueueSnapshot",
        "ListConsumableResources",
        "ListJobs",
        "ListJobsByConsumableResource",
        "ListQuotaShares",
        "ListSchedulingPolicies",
        "ListServiceJobs",
        "RegisterJobDefinition",
        "SubmitJob",
        "SubmitServiceJob",
        "TerminateJob",
        "TerminateJobs",
        "TerminateServiceJob",
        "TerminateServiceJobs",
        "UpdateComputeEnvironment",
        "UpdateConsumableResource",
        "UpdateJobQueue",
        "UpdateQuotaShare",
        "UpdateSchedulingPolicy",
        "UpdateServiceEnvironment",
        "UpdateServiceJob",
    ]
}
_BATCH_TAG_OPERATIONS: dict[str, str] = {
    "GET": "ListTagsForResource",
    "POST": "TagResource",
    "DELETE": "UntagResource",
}


@dataclass(frozen=True, slots=True)
class ApiCall:
    """One request as the proxy understands it; ``None`` where it could not tell."""

    service: str | None
    operation: str | None
    protocol: Protocol


def batch_operation(method: str, path: str) -> str | None:
    """``POST /v1/submitjob`` -> ``SubmitJob``; ``GET /v1/tags/<arn>`` -> ``ListTagsForResource``."""
    if not path.startswith("/v1/"):
        return None
    rest = path[len("/v1/") :].strip("/")
    if rest.startswith("tags/"):
        return _BATCH_TAG_OPERATIONS.get(method.upper())
    return _BATCH_OPERATIONS.get(rest.lower())


def service_from_target(target: str) -> str:
    """``SageMaker.ListEndpoints`` -> ``sagemaker``; ``Logs_20140328.GetLogEvents`` -> ``logs``."""
    prefix = target.split(".", 1)[0]
    known = _TARGET_SERVICES.get(prefix)
    if known is not None:
        return known
    return _TARGET_VERSION_SUFFIX.sub("", prefix).lower()


def classify(
    method: str,
    path: str,
    headers: Mapping[str, str],
    query: Mapping[str, str],
    form: Mapping[str, str],
) -> ApiCall:
    """Service, operation and wire protocol of one request.

    ``headers`` must be case-insensitive (aiohttp's ``CIMultiDictProxy`` is). ``form`` holds
    the fields of an ``application/x-www-form-urlencoded`` body (query protocol), if any.
    """
    service: str | None = None
    scope = _CREDENTIAL_SCOPE.search(headers.get("Authorization", ""))
    if scope is not None:
        service = scope.group(1)
    elif "X-Amz-Credential" in query:  # presigned URL: AKID/date/region/service/aws4_request
        parts = query["X-Amz-Credential"].split("/")
        service = parts[3] if len(parts) >= 5 else None

    target = headers.get("X-Amz-Target")
    if target:
        operation = target.rsplit(".", 1)[1] if "." in target else None
        return ApiCall(service or service_from_target(target), operation, "json")

    rpc = _RPC_V2_PATH.match(path)
    if rpc is not None and headers.get("smithy-protocol", "").lower() == "rpc-v2-cbor":
        return ApiCall(service or service_from_target(rpc.group(1)), rpc.group(2), "rpc-v2-cbor")

    action = query.get("Action") or form.get("Action")
    if action:
        return ApiCall(service, action, "query")

    operation = batch_operation(method, path)
    if service is None and operation is not None:
        service = "batch"
    elif service is not None and service != "batch":
        operation = None  # a REST path of some other service: not mapped
    return ApiCall(service, operation, "rest-json")


@dataclass(frozen=True, slots=True)
class ErrorAnswer:
    """An HTTP error response, ready to hand to ``aiohttp.web.Response``."""

    status: int
    headers: dict[str, str]
    body: bytes


def error_answer(call: ApiCall, kind: FaultKind, status: int = 500) -> ErrorAnswer:
    """The error a real endpoint of ``call``'s protocol would send for ``kind``.

    ``status`` is only used for ``kind == "error"`` (a 5xx code).
    """
    query = call.protocol == "query"
    if kind == "throttled":
        code = "Throttling" if query else "ThrottlingException"
        message = "Rate exceeded"
        status = 429 if call.protocol == "rest-json" else 400
    elif kind == "denied":
        code = "AccessDenied" if query else "AccessDeniedException"
        service = call.service or "aws"
        message = (
            f"User: arn:aws:iam::123456789012:user/testing is not authorized to perform: "
            f"{service}:{call.operation or '*'}"
        )
        status = 400 if call.protocol in ("json", "rpc-v2-cbor") else 403
    elif status == 503:
        code, message = "ServiceUnavailable", "Service is unavailable. Please try again later."
    else:
        code = "ServerException" if call.service == "batch" else "InternalFailure"
        message = "The request processing has failed because of an unknown error."

    request_id = str(uuid.uuid4())
    headers = {"x-amzn-RequestId": request_id}
    if call.protocol == "rest-json":
        headers["x-amzn-ErrorType"] = code
        headers["Content-Type"] = "application/json"
        body = json.dumps({"__type": code, "message": message}).encode()
    elif call.protocol == "json":
        headers["Content-Type"] = "application/x-amz-json-1.1"
        body = json.dumps({"__type": code, "message": message}).encode()
    elif call.protocol == "rpc-v2-cbor":
        headers["Content-Type"] = "application/cbor"
        headers["smithy-protocol"] = "rpc-v2-cbor"
        body = cbor_text_map({"__type": code, "message": message})
    else:
        sender = "Receiver" if kind == "error" else "Sender"
        headers["Content-Type"] = "text/xml"
        body = (
            f"<ErrorResponse><Error><Type>{sender}</Type><Code>{code}</Code>"
            f"<Message>{escape(message)}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        ).encode()
    return ErrorAnswer(status, headers, body)


def cbor_text_map(fields: Mapping[str, str]) -> bytes:
    """CBOR encoding of a map of text strings (all an RPC v2 error body needs)."""
    out = bytearray(_cbor_head(5, len(fields)))
    for key, value in fields.items():
        for text in (key, value):
            raw = text.encode()
            out += _cbor_head(3, len(raw)) + raw
    return bytes(out)


def _cbor_head(major: int, length: int) -> bytes:
    if length < 24:
        return bytes([major << 5 | length])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if length < 1 << (8 * size):
            return bytes([major << 5 | info]) + length.to_bytes(size, "big")
    raise ValueError("CBOR item too long")

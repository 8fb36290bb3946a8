"""AWS and network errors -> a small exception tree with human messages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    CredentialRetrievalError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
    RefreshWithMFAUnsupportedError,
    SSOError,
    TokenRetrievalError,
)

_THROTTLE_CODES = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "ProvisionedThroughputExceededException",
    "RequestThrottled",
    "SlowDown",
}


def is_throttling(code: str, status: int) -> bool:
    return code in _THROTTLE_CODES or status == 429


_DENIED_CODES = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError"}
_CREDENTIAL_CODES = {
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "RequestExpired",
}
_NOT_FOUND_CODES = {"ResourceNotFoundException", "ResourceNotFound", "NoSuchEntity", "NotFoundException"}
_INVALID_CODES = {"ValidationException", "ClientException", "InvalidParameterException", "ValidationError"}


class AwsError(Exception):
    """Base of every error the AWS layer raises. `str()` is a message fit for the status bar.

    `outcome_unknown` is set on a failed *mutation* whose request may have reached AWS anyway (the
    connection dropped or the service answered 5xx): the change may or may not have happened.
    """

    kind = "error"
    outcome_unknown = False

    def __init__(
        self, message: str, *, service: str = "", operation: str = "", code: str = "", not_sent: bool = False
    ) -> None:
        super().__init__(message)
        self.message = message
        self.service = service
        self.operation = operation
        self.code = code
        # True when the request never left this machine (no credentials, a parameter botocore rejected, no
        # connection could be opened): nothing can have happened in AWS.
        self.not_sent = not_sent

    def __str__(self) -> str:
        where = f"{self.service} {self.operation}".strip()
        return f"{where}: {self.message}" if where else self.message


class Throttled(AwsError):
    kind = "throttled"


class AccessDenied(AwsError):
    kind = "denied"


class CredentialsProblem(AwsError):
    kind = "credentials"


class NotFound(AwsError):
    kind = "not found"


class InvalidRequest(AwsError):
    kind = "invalid"


class Unreachable(AwsError):
    kind = "unreachable"


class ServiceFailure(AwsError):
    """5xx or an operation the endpoint does not implement."""

    kind = "service error"


def may_have_landed(error: AwsError) -> bool:
    """Whether a request that failed this way may still have been carried out by AWS.

    A lost connection (reset, timeout, closed mid-answer) or a 5xx says nothing about whether the work
    was done; a throttle, a denial, bad credentials or an invalid request means it was refused, and a
    request that never left (no connection, no credentials, rejected by botocore's checks) did nothing.
    """
    return isinstance(error, Unreachable | ServiceFailure) and not error.not_sent


def as_not_found(exc: AwsError, what: str) -> AwsError:
    """SageMaker answers 'Could not find endpoint' with a ValidationException: make it a NotFound."""
    if isinstance(exc, InvalidRequest) and (
        "could not find" in exc.message.lower() or "not found" in exc.message.lower()
    ):
        return NotFound(
            f"{what} not found (deleted, or never existed here)",
            service=exc.service,
            operation=exc.operation,
            code=exc.code,
        )
    return exc


def with_message(exc: AwsError, message: str) -> AwsError:
    """The same error (class, codes, flags) with another message."""
    copy = type(exc)(message, service=exc.service, operation=exc.operation, code=exc.code, not_sent=exc.not_sent)
    copy.outcome_unknown = exc.outcome_unknown
    return copy


def mark_outcome_unknown(error: AwsError, action: str, target: str) -> AwsError:
    """Say plainly that `action` on `target` may have happened, and that it was not sent again."""
    if not error.outcome_unknown:
        error.outcome_unknown = True
        error.message = (
            f"{error.message} - outcome unknown: '{action}' on {target} may or may not have been applied "
            "(not resent); check it before trying again"
        )
    return error


def is_aws_failure(exc: BaseException) -> bool:
    """Whether `exc` is something AWS or the network did (as opposed to a bug in this program)."""
    if isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        return is_aws_failure(exc.exceptions[0])
    return isinstance(
        exc, AwsError | BotoCoreError | ClientError | OSError | asyncio.TimeoutError | TimeoutError
    ) or exc.__class__.__module__.startswith("aiohttp")


def translate(exc: BaseException, service: str = "", operation: str = "") -> AwsError:
    """Map a botocore / network exception to the tree above (never raises)."""
    if isinstance(exc, BaseExceptionGroup) and exc.exceptions:  # from a TaskGroup: report the first failure
        return translate(exc.exceptions[0], service, operation)
    if isinstance(exc, AwsError):
        return exc
    kw: dict[str, Any] = {"service": service, "operation": operation}
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        code = str(err.get("Code", "") or "")
        message = str(err.get("Message", "") or "") or code or "request failed"
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        operation = operation or getattr(exc, "operation_name", "")
        kw["operation"] = operation
        if code in _THROTTLE_CODES or status == 429:
            return Throttled(f"throttled by AWS ({code or status})", code=code, **kw)
        if code in _DENIED_CODES or (status == 403 and code not in _CREDENTIAL_CODES):
            return AccessDenied(f"access denied: {message}", code=code, **kw)
        if code in _CREDENTIAL_CODES:
            return CredentialsProblem(f"credentials rejected ({code}): {message}", code=code, **kw)
        if code in _NOT_FOUND_CODES or status == 404:
            return NotFound(message, code=code, **kw)
        if code in _INVALID_CODES or 400 <= status < 500:
            return InvalidRequest(message, code=code, **kw)
        return ServiceFailure(f"AWS error {status or ''} {code}: {message}".replace("  ", " "), code=code, **kw)
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return CredentialsProblem(
            "no AWS credentials found (set AWS_PROFILE or run `aws configure` / `aws sso login`)", not_sent=True, **kw
        )
    if isinstance(exc, TokenRetrievalError | CredentialRetrievalError | SSOError | RefreshWithMFAUnsupportedError):
        return CredentialsProblem(
            f"AWS credentials expired or unavailable ({exc.__class__.__name__}): run `aws sso login` "
            "(or refresh the profile's credentials) and try again",
            not_sent=True,
            **kw,
        )
    if isinstance(exc, ProfileNotFound):
        return CredentialsProblem(str(exc), not_sent=True, **kw)
    if isinstance(exc, ParamValidationError):
        report = str(exc).replace("Parameter validation failed:", "").strip().replace("\n", "; ")
        return InvalidRequest(f"rejected before sending (parameter validation): {report}", not_sent=True, **kw)
    if isinstance(exc, NoRegionError):
        return InvalidRequest("no AWS region configured (set AWS_REGION or --region)", not_sent=True, **kw)
    if isinstance(exc, EndpointConnectionError | ConnectTimeoutError):
        url = getattr(exc, "kwargs", {}).get("endpoint_url", "")
        # A connect timeout means no connection: nothing was sent. A connection error can also be a pooled
        # connection reset after the request went out, so it may have landed.
        sent = not isinstance(exc, ConnectTimeoutError)
        return Unreachable(f"cannot connect to {url or 'the AWS endpoint'}", not_sent=not sent, **kw)
    if isinstance(exc, ReadTimeoutError | asyncio.TimeoutError | TimeoutError):
        return Unreachable("the AWS endpoint did not answer in time", **kw)
    if isinstance(exc, ConnectionClosedError | ConnectionError | OSError):
        return Unreachable(f"connection to AWS lost: {exc.__class__.__name__}", **kw)
    if isinstance(exc, BotoCoreError):
        return ServiceFailure(str(exc), **kw)
    # aiohttp client errors (ServerDisconnected, ClientOSError ...) do not share a botocore base.
    if exc.__class__.__module__.startswith("aiohttp"):
        return Unreachable(f"connection to AWS lost: {exc.__class__.__name__}", **kw)
    return AwsError(f"{exc.__class__.__name__}: {exc}", **kw)


@asynccontextmanager
async def aws_call(service: str, operation: str) -> AsyncIterator[None]:
    """Wrap one call so that what AWS or the network did escapes as an `AwsError`.

    Anything else (a bug here: AttributeError, KeyError ...) propagates unchanged, so it is reported as the
    programming error it is, with its traceback, instead of looking like an AWS answer."""
    try:
        yield
    except AwsError:
        raise
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        if not is_aws_failure(exc):
            raise
        raise translate(exc, service, operation) from exc

"""Named patches: the documented page sizes, filters and sort orders of the list calls moto answers in one page.

moto 5.2 returns every ListJobs / ListTrainingJobs / Describe* answer in one page, ignores ListJobs' filters
(except JOB_NAME) and ListTrainingJobs' sort order, and pages ListEndpoints at 100. On AWS a client that
forgets to paginate sees the first page only, and a client that lists everything pays a call per page:
these patches make the demo and test fleet answer the way the service models say, so the app's call counts
and its pagination are exercised honestly. Each function quotes the rule it emulates.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from hybridml.fleet.patches import patch, replace, unpatched

LIST_JOBS_STATUS_PAGE = 1000  # "When --job-status is used, Batch returns up to 1000 values."
LIST_JOBS_FILTER_PAGE = 100  # "When --filters is used, Batch returns up to 100 values."
DESCRIBE_JOBS_MAX = 100  # DescribeJobs: "A list of up to 100 job IDs."
BATCH_DESCRIBE_PAGE = 100  # Describe{JobQueues,ComputeEnvironments,JobDefinitions}: "returns up to 100 results"
TRAINING_PAGE_DEFAULT, TRAINING_PAGE_MAX = 10, 100  # ListTrainingJobs: default 10, MaxResults 1..100
ENDPOINTS_PAGE_DEFAULT = 10  # ListEndpoints MaxResults: "This value defaults to 10."
MOTO_DEFAULTS: dict[str, Any] = {}  # what moto did before a patch changed it (tests check moto still does)
FILTER_NAMES = ("JOB_NAME", "JOB_DEFINITION", "BEFORE_CREATED_AT", "AFTER_CREATED_AT", "SHARE_IDENTIFIER")


def encode_token(position: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode()


def decode_token(token: str | None) -> Any:
    if not token:
        return None
    try:
        return json.loads(base64.urlsafe_b64decode(token.encode()))
    except ValueError:
        return None


def _ms(value: datetime | None) -> int:
    from moto.batch.models import datetime2int_milliseconds

    return int(datetime2int_milliseconds(value)) if value is not None else 0


def _name_matches(value: str, actual: str, *, case: bool) -> bool:
    """The JOB_NAME / JOB_DEFINITION rule: a trailing '*' matches any name that begins with the rest."""
    if not case:
        value, actual = value.lower(), actual.lower()
    return actual.startswith(value[:-1]) if value.endswith("*") else actual == value


def job_matches_filter(job: Any, name: str, values: list[str]) -> bool:
    """ListJobs `filters` as documented: JOB_NAME (case-insensitive), JOB_DEFINITION (name: any revision;
    ARN: that revision), BEFORE_CREATED_AT / AFTER_CREATED_AT (milliseconds since the epoch)."""
    if name == "JOB_NAME":
        return any(_name_matches(v, job.job_name, case=False) for v in values)
    if name == "JOB_DEFINITION":
        definition = job.job_definition
        for value in values:
            if value.startswith("arn:"):
                if value == definition.arn:
                    return True
            elif _name_matches(value, definition.name, case=True):
                return True
        return False
    created = _ms(job.job_created_at)
    if name == "AFTER_CREATED_AT":
        return any(created > int(v) for v in values)
    if name == "BEFORE_CREATED_AT":
        return any(created < int(v) for v in values)
    if name == "SHARE_IDENTIFIER":
        return any(getattr(job, "share_identifier", None) == v for v in values)
    return True


def _page(items: list[Any], key: Callable[[Any], Any], size: int, token: str | None) -> tuple[list[Any], str | None]:
    """Keyset paging: the token holds the last key returned, so items added between pages neither repeat nor
    shift what comes next (AWS's tokens are opaque; this is one way to make them stable)."""
    after = decode_token(token)
    if after is not None:
        after = tuple(after)
        items = [i for i in items if tuple(key(i)) > after]
    page = items[:size]
    more = len(items) > size
    return page, (encode_token(list(key(page[-1]))) if more and page else None)


@patch
def batch_list_jobs_pages_filters_and_sorts() -> None:
    """ListJobs by queue as the Batch API reference says (moto: one page, filters other than JOB_NAME ignored):

    - maxResults: "When --job-status is used, Batch returns up to 1000 values. When --filters is used, Batch
      returns up to 100 values." Longer lists continue through `nextToken`.
    - filters: "If the filters parameter is specified, the jobStatus parameter is ignored and jobs with any
      status are returned" (SHARE_IDENTIFIER combines with jobStatus); "Only one filter can be used at a time";
      "The results are sorted by the createdAt field, with the most recent jobs being first."
    - jobStatus: "If you don't specify a status, only RUNNING jobs are returned."

    Listing by `arrayJobId` is left to moto (and its own patches).
    """
    from moto.batch.exceptions import ClientException
    from moto.batch.models import BatchBackend
    from moto.batch.responses import BatchResponse

    original = BatchResponse.listjobs

    def listjobs(self: Any) -> str:
        queue = self._get_param("jobQueue")
        if not queue or self._get_param("arrayJobId"):
            result: str = original(self)
            return result
        status = self._get_param("jobStatus")
        filters = self._get_param("filters") or []
        if len(filters) > 1:
            raise ClientException("Only one filter can be used at a time")
        wanted = int(self._get_param("maxResults") or 0)
        backend = getattr(self.batch_backend, "backend", self.batch_backend)
        jobs = [  # every status of the queue (moto's own listing), children left to `arrayJobId`
            j
            for j in unpatched(BatchBackend, "list_jobs")(backend, queue, None)
            if "index" not in (j.array_properties or {})
        ]
        if filters:
            name, values = str(filters[0].get("name", "")), [str(v) for v in filters[0].get("values", []) or []]
            if name not in FILTER_NAMES:
                raise ClientException(f"Invalid filter name {name}; valid names: {', '.join(FILTER_NAMES)}")
            jobs = [j for j in jobs if job_matches_filter(j, name, values)]
            if name == "SHARE_IDENTIFIER" and status:
                jobs = [j for j in jobs if j.status == status]
            cap = LIST_JOBS_FILTER_PAGE

            def key(j: Any) -> tuple[int, str]:
                return (-_ms(j.job_created_at), j.job_id)  # newest first

        else:
            jobs = [j for j in jobs if j.status == (status or "RUNNING")]
            cap = LIST_JOBS_STATUS_PAGE

            def key(j: Any) -> tuple[int, str]:
                return (_ms(j.job_created_at), j.job_id)

        jobs.sort(key=key)
        size = min(wanted, cap) if wanted > 0 else cap
        page, token = _page(jobs, key, size, self._get_param("nextToken"))
        body: dict[str, Any] = {"jobSummaryList": [j.describe_short() for j in page]}
        if token:
            body["nextToken"] = token
        return json.dumps(body)

    replace(BatchResponse, "listjobs", listjobs)


@patch
def batch_describe_jobs_takes_at_most_100_ids() -> None:
    """DescribeJobs `jobs`: "A list of up to 100 job IDs." (moto accepts any number)."""
    from moto.batch.exceptions import ClientException
    from moto.batch.responses import BatchResponse

    original = BatchResponse.describejobs

    def describejobs(self: Any) -> str:
        ids = self._get_param("jobs") or []
        if len(ids) > DESCRIBE_JOBS_MAX:
            raise ClientException(f"jobs: at most {DESCRIBE_JOBS_MAX} job IDs per call (got {len(ids)})")
        result: str = original(self)
        return result

    replace(BatchResponse, "describejobs", describejobs)


def _describe_paged(key: str) -> Callable[[Callable[[Any], str]], Callable[[Any], str]]:
    """Describe{JobQueues,ComputeEnvironments,JobDefinitions}: "This value can be between 1 and 100. If this
    parameter isn't used, then ... returns up to 100 results and a nextToken value if applicable." """

    def wrap(original: Callable[[Any], str]) -> Callable[[Any], str]:
        def describe(self: Any) -> str:
            body = json.loads(original(self))
            items = list(body.get(key, []))
            wanted = int(self._get_param("maxResults") or 0)
            size = min(wanted, BATCH_DESCRIBE_PAGE) if wanted > 0 else BATCH_DESCRIBE_PAGE
            start = int(decode_token(self._get_param("nextToken")) or 0)
            body[key] = items[start : start + size]
            if start + size < len(items):
                body["nextToken"] = encode_token(start + size)
            return json.dumps(body)

        return describe

    return wrap


@patch
def batch_describe_lists_page_at_100() -> None:
    """DescribeJobQueues / DescribeComputeEnvironments / DescribeJobDefinitions page at 100 (moto: one page)."""
    from moto.batch.responses import BatchResponse

    for method, key in (
        ("describejobqueues", "jobQueues"),
        ("describecomputeenvironments", "computeEnvironments"),
        ("describejobdefinitions", "jobDefinitions"),
    ):
        replace(BatchResponse, method, _describe_paged(key)(getattr(BatchResponse, method)))


def _naive_utc(value: Any) -> datetime | None:
    """A timestamp parameter as moto keeps SageMaker times (naive UTC); JSON clients send epoch seconds."""
    if value in (None, ""):
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and value.replace(".", "", 1).isdigit()):
        return datetime.fromtimestamp(float(value), tz=UTC).replace(tzinfo=None)
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def _to_ms(value: datetime) -> datetime:
    """Timestamps travel with millisecond precision: compare at that precision."""
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def training_page(backend: Any, params: Callable[[str], Any]) -> dict[str, Any]:
    """One ListTrainingJobs answer: filter every job, sort, then cut the page (pending stops settle first)."""
    from hybridml.fleet.patches_sagemaker import settle_training_job

    for job in list(backend.training_jobs.values()):
        settle_training_job(job)
    after, before = _naive_utc(params("CreationTimeAfter")), _naive_utc(params("CreationTimeBefore"))
    mod_after, mod_before = _naive_utc(params("LastModifiedTimeAfter")), _naive_utc(params("LastModifiedTimeBefore"))
    name, status = params("NameContains"), params("StatusEquals")
    jobs = [
        j
        for j in list(backend.training_jobs.values())
        if (after is None or _to_ms(j.creation_time) > after)
        and (before is None or _to_ms(j.creation_time) < before)
        and (mod_after is None or _to_ms(j.last_modified_time) > mod_after)
        and (mod_before is None or _to_ms(j.last_modified_time) < mod_before)
        and (not name or name in j.training_job_name)
        and (not status or j.training_job_status == status)
    ]
    sort_by = params("SortBy") or "CreationTime"
    attribute = {"Name": "training_job_name", "Status": "training_job_status"}.get(sort_by, "creation_time")
    jobs.sort(key=lambda j: (getattr(j, attribute), j.training_job_name), reverse=params("SortOrder") == "Descending")
    size = int(params("MaxResults") or TRAINING_PAGE_DEFAULT)
    start = int(decode_token(params("NextToken")) or 0)
    page = jobs[start : start + size]
    summaries = [
        {
            "TrainingJobName": j.training_job_name,
            "TrainingJobArn": j.arn,
            "CreationTime": j.creation_time,
            "TrainingEndTime": j.training_end_time,
            "LastModifiedTime": j.last_modified_time,
            "TrainingJobStatus": j.training_job_status,
        }
        for j in page
    ]
    answer: dict[str, Any] = {"TrainingJobSummaries": summaries}
    if start + size < len(jobs):
        answer["NextToken"] = encode_token(start + size)
    return answer


@patch
def sagemaker_list_training_jobs_sorts_then_pages() -> None:
    """ListTrainingJobs: filters, then "SortBy ... The default is CreationTime", "SortOrder ... The default is
    Ascending", then pages of MaxResults (1..100; AWS's default page is 10). moto pages first, filters the page,
    never sorts, answers everything at once without MaxResults, and fails on CreationTimeAfter sent as a number
    (what JSON clients send)."""
    from moto.core.responses import ActionResult
    from moto.sagemaker.exceptions import AWSValidationException
    from moto.sagemaker.responses import SageMakerResponse

    def list_training_jobs(self: Any) -> Any:
        wanted = self._get_param("MaxResults")
        if wanted is not None and not 1 <= int(wanted) <= TRAINING_PAGE_MAX:
            raise AWSValidationException(
                f"Value '{wanted}' at 'maxResults' failed to satisfy constraint: "
                f"Member must have value less than or equal to {TRAINING_PAGE_MAX}"
            )
        return ActionResult(training_page(self.sagemaker_backend, self._get_param))

    replace(SageMakerResponse, "list_training_jobs", list_training_jobs)


@patch
def sagemaker_list_endpoints_pages_at_10_newest_first() -> None:
    """ListEndpoints MaxResults: "This value defaults to 10." SortOrder: "The default is Descending." (moto:
    100 a page, ascending)."""
    from moto.sagemaker import models

    model = models.PAGINATION_MODEL["list_endpoints"]
    MOTO_DEFAULTS.setdefault("list_endpoints.limit_default", model["limit_default"])
    model["limit_default"] = ENDPOINTS_PAGE_DEFAULT
    original = models.SageMakerModelBackend.list_endpoints

    def list_endpoints(self: Any, *args: Any, sort_order: str | None = None, **kwargs: Any) -> Any:
        return original(self, *args, sort_order=sort_order or "Descending", **kwargs)

    replace(models.SageMakerModelBackend, "list_endpoints", list_endpoints)

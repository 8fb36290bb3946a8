"""What the mutation conformance tests quote: the documentation of a botocore service model, tags removed."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from botocore.session import get_session


@cache
def service_model(service: str) -> Any:
    return get_session().get_service_model(service)


def model_doc(service: str, shape: str, member: str | None = None) -> str:
    """The documentation of an operation, a shape or one of its members."""
    m = service_model(service)
    if member is None and shape in m.operation_names:
        text = m.operation_model(shape).documentation
    else:
        s = m.shape_for(shape)
        text = s.members[member].documentation if member else s.documentation
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()

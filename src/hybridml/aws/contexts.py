"""The contexts `:ctx` offers: every profile of the AWS config and credentials files (with its region), each
region of `[aws] regions`, and the context in use.

Profiles are read through botocore's own session, so AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE are
honoured and the files are parsed exactly as the SDK parses them. Only profile names and `region` values are
read: keys, tokens and credential_process commands are never read into a context, printed or logged.
"""

from __future__ import annotations

from collections.abc import Sequence

import botocore.session
from botocore.exceptions import BotoCoreError

from hybridml.domain.context import AwsContext


def profile_regions() -> tuple[dict[str, str], str]:
    """Profile name -> its configured region ('' when none), and why the files could not be read ('' if
    they could). A malformed file is reported, never raised."""
    session = botocore.session.Session()
    try:
        profiles = session.full_config.get("profiles", {})
        names = list(session.available_profiles)
    except (BotoCoreError, ValueError, OSError) as exc:
        return {}, f"cannot read the AWS config files: {type(exc).__name__}"
    found: dict[str, str] = {}
    for name in names:
        section = profiles.get(name, {})
        region = section.get("region", "") if isinstance(section, dict) else ""
        found[str(name)] = region if isinstance(region, str) else ""
    return found, ""


def available_contexts(
    current: AwsContext, regions: Sequence[str] = (), used: Sequence[AwsContext] = ()
) -> tuple[list[AwsContext], str]:
    """The current context first, then those `used` this session (the one it started in: a way back), every
    profile (in its region, else the current region), then the current profile in each of `regions`. No
    duplicates. Also the problem reading the files ('' if none)."""
    profiles, problem = profile_regions()
    found: list[AwsContext] = [AwsContext(current.profile, current.region, "current")]
    seen = {(current.profile or "default", current.region)}

    def add(profile: str, region: str, source: str) -> None:
        key = (profile or "default", region)
        if region and key not in seen:
            seen.add(key)
            found.append(AwsContext(profile, region, source))

    for context in used:
        add(context.profile, context.region, "used this session")
    for name, region in sorted(profiles.items()):
        add(name, region or current.region, "config" if region else "config (no region: the current one)")
    for region in regions:
        add(current.profile, region, "[aws] regions")
    return found, problem

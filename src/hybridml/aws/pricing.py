"""`hybridml prices refresh`: current instance prices from AWS into a cache file the app reads over the shipped
catalogue (`domain.prices`), with the date they were read.

- On-demand: the AWS Price List API, `pricing:GetProducts` (its endpoint is only in us-east-1, eu-central-1 and
  ap-south-1; the prices are for the region asked about, by its `location` name). EC2: `instanceType`, Linux,
  shared tenancy, no pre-installed software, capacity status Used. SageMaker: `instanceName`, and the product's
  `component`/`usagetype` says which use (hosting, processing, training) it prices.
- Spot: EC2 `DescribeSpotPriceHistory` (Linux/UNIX) from the last day: the median over the Availability Zones of
  each type's newest price. Older prices are not current and are left out.

Each answer item (`PriceList`) is a JSON document: `product.attributes` and `terms.OnDemand.*.priceDimensions.*
.pricePerUnit.USD` per `Hrs` (the API reference's GetProducts example). The cache is
`$XDG_CACHE_HOME/hybridml/prices.json` (`hybridml.price_cache`).
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from hybridml.aws.errors import AwsError, aws_call
from hybridml.aws.session import AwsSession
from hybridml.domain.prices import EC2, PRICES, PriceBook

PRICING_REGIONS = ("us-east-1", "eu-central-1", "ap-south-1")
LOCATIONS = {
    "us-east-1": "US East (N. Virginia)",
    "us-east-2": "US East (Ohio)",
    "us-west-1": "US West (N. California)",
    "us-west-2": "US West (Oregon)",
    "eu-west-1": "EU (Ireland)",
    "eu-west-2": "EU (London)",
    "eu-central-1": "EU (Frankfurt)",
    "eu-north-1": "EU (Stockholm)",
    "ap-south-1": "Asia Pacific (Mumbai)",
    "ap-northeast-1": "Asia Pacific (Tokyo)",
    "ap-southeast-1": "Asia Pacific (Singapore)",
    "ap-southeast-2": "Asia Pacific (Sydney)",
    "ca-central-1": "Canada (Central)",
}
SPOT_FRESH = timedelta(days=1)
SAGEMAKER_USES = ("host", "processing", "train")  # the uses whose price stands for an ml.* type, in that order


def on_demand_usd_per_hour(item: dict[str, Any]) -> float | None:
    """The hourly USD price in one PriceList item's OnDemand terms (None when it has none)."""
    for term in (item.get("terms") or {}).get("OnDemand", {}).values():
        for dimension in (term.get("priceDimensions") or {}).values():
            if str(dimension.get("unit", "")).lower() in ("hrs", "hours", "hour"):
                try:
                    value = float((dimension.get("pricePerUnit") or {}).get("USD", ""))
                except ValueError:
                    continue
                if value > 0:
                    return value
    return None


def sagemaker_use(attributes: dict[str, Any]) -> str:
    text = f"{attributes.get('component', '')} {attributes.get('usagetype', '')}".lower()
    return next((use for use in SAGEMAKER_USES if use in text), "")


def parse_price_list(items: Iterable[str], service: str) -> dict[str, float]:
    """Instance type -> USD per hour, from GetProducts `PriceList` items of `AmazonEC2` or `AmazonSageMaker`."""
    found: dict[str, tuple[int, float]] = {}  # type -> (rank of its use, price): hosting first for SageMaker
    for raw in items:
        try:
            item = json.loads(raw)
        except ValueError:
            continue
        attributes = (item.get("product") or {}).get("attributes") or {}
        price = on_demand_usd_per_hour(item)
        if price is None:
            continue
        if service == "AmazonSageMaker":
            name, use = str(attributes.get("instanceName", "")), sagemaker_use(attributes)
            if not name.startswith("ml.") or not use:
                continue
            rank = SAGEMAKER_USES.index(use)
        else:
            name, rank = str(attributes.get("instanceType", "")), 0
            if attributes.get("operatingSystem", "Linux") != "Linux" or not name:
                continue
        if name not in found or rank < found[name][0]:
            found[name] = (rank, price)
    return {name: price for name, (_, price) in found.items()}


def spot_medians(history: Iterable[dict[str, Any]], now: datetime) -> dict[str, float]:
    """Each type's median over its Availability Zones' newest price; prices older than a day are left out."""
    newest: dict[tuple[str, str], tuple[datetime, float]] = {}
    for entry in history:
        stamp = entry.get("Timestamp")
        if not isinstance(stamp, datetime):
            continue
        stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
        if now - stamp > SPOT_FRESH:
            continue
        try:
            price = float(entry.get("SpotPrice", ""))
        except ValueError:
            continue
        key = (str(entry.get("InstanceType", "")), str(entry.get("AvailabilityZone", "")))
        if key not in newest or stamp > newest[key][0]:
            newest[key] = (stamp, price)
    by_type: dict[str, list[float]] = {}
    for (kind, _), (_, price) in newest.items():
        by_type.setdefault(kind, []).append(price)
    return {kind: statistics.median(prices) for kind, prices in by_type.items() if prices}


async def _products(session: AwsSession, service: str, location: str, field: str, names: list[str]) -> list[str]:
    """Every product of `names` (one ANY_OF filter: "Returns products that have a field value that is any of the
    provided values"), page by page."""
    client = await session.client("pricing", region=PRICING_REGIONS[0])
    filters = [
        {"Type": "TERM_MATCH", "Field": "location", "Value": location},
        {"Type": "ANY_OF", "Field": field, "Value": ",".join(names)},
    ]
    if service == "AmazonEC2":
        filters += [
            {"Type": "TERM_MATCH", "Field": key, "Value": value}
            for key, value in (
                ("operatingSystem", "Linux"),
                ("tenancy", "Shared"),
                ("preInstalledSw", "NA"),
                ("capacitystatus", "Used"),
            )
        ]
    items: list[str] = []
    async with aws_call("pricing", "GetProducts"):
        paginator = client.get_paginator("get_products")
        pages = paginator.paginate(ServiceCode=service, Filters=filters, FormatVersion="aws_v1", MaxResults=100)
        async for page in pages:
            items += [str(i) for i in page.get("PriceList", []) or []]
    return items


async def _spot(session: AwsSession, names: list[str], now: datetime) -> dict[str, float]:
    client = await session.client("ec2")
    history: list[dict[str, Any]] = []
    async with aws_call("ec2", "DescribeSpotPriceHistory"):
        paginator = client.get_paginator("describe_spot_price_history")
        pages = paginator.paginate(
            InstanceTypes=names, ProductDescriptions=["Linux/UNIX"], StartTime=now - SPOT_FRESH, EndTime=now
        )
        async for page in pages:
            history += list(page.get("SpotPriceHistory", []) or [])
    return spot_medians(history, now)


NO_PRICE_LIST = "the demo fleet has no Price List API (moto does not implement `pricing`)"


async def refresh(
    session: AwsSession,
    *,
    ec2_types: Iterable[str] = EC2,
    sagemaker_types: Iterable[str] = PRICES,
    price_list: bool = True,
) -> tuple[PriceBook, list[str]]:
    """Read current prices for the session's region: the book (only what was found) and what could not be read
    (each part fails on its own: no Price List access still leaves spot, and the other way round).
    `price_list=False`: skip the Price List API (the demo fleet has none)."""
    now = datetime.now(UTC)
    region = session.region
    location = LOCATIONS.get(region, "")
    problems: list[str] = []
    ec2: dict[str, float] = {}
    sagemaker: dict[str, float] = {}
    spot: dict[str, float] = {}
    if not price_list:
        problems.append(f"on-demand prices: {NO_PRICE_LIST}")
    elif not location:
        problems.append(f"the Price List API names regions by location; {region} is not in hybridml's list")
    else:
        try:
            ec2 = parse_price_list(
                await _products(session, "AmazonEC2", location, "instanceType", list(ec2_types)), "AmazonEC2"
            )
            sagemaker = parse_price_list(
                await _products(session, "AmazonSageMaker", location, "instanceName", list(sagemaker_types)),
                "AmazonSageMaker",
            )
        except AwsError as exc:
            problems.append(f"on-demand prices (pricing:GetProducts): {exc}")
    try:
        spot = await _spot(session, list(ec2_types), now)
    except AwsError as exc:
        problems.append(f"spot prices (ec2:DescribeSpotPriceHistory): {exc}")
    else:
        if not spot:
            problems.append("spot prices: DescribeSpotPriceHistory has no price from the last day for these types")
    book = PriceBook(
        sagemaker=sagemaker,
        ec2=ec2,
        spot=spot,
        as_of=now.strftime("%Y-%m-%d %H:%M UTC"),
        region=region,
        source=f"AWS Price List API and EC2 spot price history, {region}",
    )
    return book, problems

"""`hybridml prices refresh`: Price List answers parsed (shaped after the API reference's GetProducts example),
spot history (stale prices left out), the cache file, and what the demo fleet (no `pricing` in moto) says."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hybridml.aws.pricing import NO_PRICE_LIST, on_demand_usd_per_hour, parse_price_list, refresh, spot_medians
from hybridml.domain import prices
from hybridml.price_cache import install, load, save
from hybridml.services import Services


def item(attributes: dict[str, str], usd: str, unit: str = "Hrs") -> str:
    """One PriceList entry, as in the GetProducts example of the Price List API reference."""
    return json.dumps(
        {
            "product": {"productFamily": "Compute Instance", "attributes": attributes, "sku": "SKU1"},
            "serviceCode": "AmazonEC2",
            "terms": {
                "OnDemand": {
                    "SKU1.JRTCKXETXF": {
                        "priceDimensions": {
                            "SKU1.JRTCKXETXF.6YS6EN2CT7": {
                                "unit": unit,
                                "pricePerUnit": {"USD": usd},
                                "description": "$0.526 per On Demand Linux g4dn.xlarge Instance Hour",
                            }
                        },
                        "sku": "SKU1",
                    }
                }
            },
        }
    )


def test_ec2_and_sagemaker_price_lists_are_read_per_hour() -> None:
    ec2 = [
        item({"instanceType": "g4dn.xlarge", "operatingSystem": "Linux"}, "0.5260000000"),
        item({"instanceType": "g4dn.xlarge", "operatingSystem": "Windows"}, "0.71"),  # not Linux: left out
        item({"instanceType": "c5.xlarge", "operatingSystem": "Linux"}, "0.1", unit="GB-Mo"),  # not per hour
        "not json",
    ]
    assert parse_price_list(ec2, "AmazonEC2") == {"g4dn.xlarge": 0.526}
    sagemaker = [
        item(
            {"instanceName": "ml.g4dn.xlarge", "component": "Training", "usagetype": "USE1-Train:ml.g4dn.xlarge"},
            "0.80",
        ),
        item(
            {"instanceName": "ml.g4dn.xlarge", "component": "Hosting", "usagetype": "USE1-Host:ml.g4dn.xlarge"}, "0.736"
        ),
        item({"instanceName": "ml.m5.xlarge", "component": "Notebook"}, "0.23"),  # no use that prices jobs here
    ]
    assert parse_price_list(sagemaker, "AmazonSageMaker") == {"ml.g4dn.xlarge": 0.736}  # hosting first
    assert on_demand_usd_per_hour({"terms": {}}) is None


def test_spot_is_the_median_of_each_zones_newest_price_from_the_last_day() -> None:
    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    history = [
        {"InstanceType": "g4dn.xlarge", "AvailabilityZone": "a", "SpotPrice": "0.20", "Timestamp": now},
        {
            "InstanceType": "g4dn.xlarge",
            "AvailabilityZone": "a",
            "SpotPrice": "0.90",
            "Timestamp": now - timedelta(hours=3),
        },
        {"InstanceType": "g4dn.xlarge", "AvailabilityZone": "b", "SpotPrice": "0.24", "Timestamp": now},
        {"InstanceType": "g4dn.xlarge", "AvailabilityZone": "c", "SpotPrice": "0.30", "Timestamp": now},
        {
            "InstanceType": "g5.xlarge",
            "AvailabilityZone": "a",
            "SpotPrice": "0.00001",
            "Timestamp": datetime(2006, 1, 2),
        },
    ]
    assert spot_medians(history, now) == {"g4dn.xlarge": 0.24}  # g5's 2006 price is not current


def test_the_cache_is_read_over_the_shipped_catalogue_and_a_damaged_one_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "prices.json"
    save(prices.PriceBook(ec2={"g4dn.xlarge": 0.61}, sagemaker={}, spot={}, as_of="2026-03-01 12:00 UTC"), path)
    try:
        book = install(path)
        assert (
            prices.hourly("g4dn.xlarge") == 0.61 and prices.hourly("ml.g4dn.xlarge") == prices.PRICES["ml.g4dn.xlarge"]
        )
        assert book.as_of == "2026-03-01 12:00 UTC"
        path.write_text('{"ec2": {"g4dn.xlarge": "free", "c5.xlarge": -1, "m5.xlarge": 0.2}, "as_of": 7}')
        assert load(path) is not None and load(path).ec2 == {"m5.xlarge": 0.2}  # type: ignore[union-attr]
        path.write_text("{not json")
        assert load(path) is None and install(path) is prices.SHIPPED
    finally:
        prices.use(prices.SHIPPED)


async def test_refresh_on_the_demo_fleet_says_what_it_could_not_read(services: Services) -> None:
    """moto has no Price List API, and its spot history is a fixed answer from 2006: nothing current to use."""
    book, problems = await refresh(services.session, ec2_types=["g4dn.xlarge"], price_list=False)
    assert (book.ec2, book.sagemaker, book.spot) == ({}, {}, {})
    assert any(NO_PRICE_LIST in p for p in problems)
    assert any("no price from the last day" in p for p in problems)
    assert services.session.meter.by_operation.get("DescribeSpotPriceHistory") == 1

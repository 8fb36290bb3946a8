"""Instance prices (USD per hour) for the `$/h` columns and the cost estimates: SageMaker `ml.*` on-demand, and EC2
on-demand and spot for the instance types AWS Batch launches.

One small, dated catalogue (AS_OF, SOURCE, REGION). The figures are US East (N. Virginia), Linux, on-demand, as
listed on https://aws.amazon.com/sagemaker/pricing/ (Notebook instances / Studio, Training, Processing, Real-time
inference tabs) and https://aws.amazon.com/ec2/pricing/on-demand/ when this table was written. Spot prices move
with supply and differ per Availability Zone: SPOT_EC2 holds typical us-east-1 figures from the same date (EC2
Spot pricing page); they are the least certain numbers here. Every figure is an estimate: prices change, differ
per region and per use, and leave out storage, data transfer, Savings Plans and reservations. A type not listed
has no price (shown as `-`), never a guess.

`hybridml prices refresh` reads current figures (the AWS Price List API `pricing:GetProducts` for on-demand, EC2
DescribeSpotPriceHistory for spot) into a cache file that is used over this table, with its own date
(`hybridml.aws.pricing`); `use()` installs it.

This is the console's one price catalogue: `:endpoints` $/H and the idle-endpoint watch, `:all` COST/H, notebooks
and Studio apps, tuning jobs' running cost, and the Batch vs SageMaker comparison all read it. SageMaker lists one
price per type for these uses (Studio, training, processing, hosting share them). SageMaker managed spot training
bills a spot price this table does not hold: `hourly("ml.*", spot=True)` is None. Extend the tables here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

AS_OF = "2025-06"
REGION = "us-east-1"
SOURCE = "https://aws.amazon.com/sagemaker/pricing/ (on-demand, US East (N. Virginia))"
EC2_SOURCE = "https://aws.amazon.com/ec2/pricing/on-demand/ and /ec2/spot/pricing/ (Linux, US East (N. Virginia))"

PRICES: dict[str, float] = {
    # general purpose / burstable (notebooks)
    "ml.t3.medium": 0.05,
    "ml.t3.large": 0.10,
    "ml.t3.xlarge": 0.20,
    "ml.t3.2xlarge": 0.399,
    "ml.m5.large": 0.115,
    "ml.m5.xlarge": 0.23,
    "ml.m5.2xlarge": 0.461,
    "ml.m5.4xlarge": 0.922,
    "ml.m5.12xlarge": 2.765,
    "ml.c5.xlarge": 0.204,
    "ml.c5.2xlarge": 0.408,
    "ml.c5.4xlarge": 0.816,
    # GPU
    "ml.g4dn.xlarge": 0.736,
    "ml.g4dn.2xlarge": 0.94,
    "ml.g4dn.12xlarge": 4.89,
    "ml.g5.xlarge": 1.408,
    "ml.g5.2xlarge": 1.515,
    "ml.g5.4xlarge": 2.03,
    "ml.g5.12xlarge": 7.09,
    "ml.g5.48xlarge": 20.36,
    "ml.p3.2xlarge": 3.825,
    "ml.p3.8xlarge": 14.688,
    "ml.p4d.24xlarge": 37.688,
}

# EC2 on-demand, Linux, shared tenancy: what a Batch compute environment's instances cost.
EC2: dict[str, float] = {
    "c5.large": 0.085,
    "c5.xlarge": 0.17,
    "c5.2xlarge": 0.34,
    "c5.4xlarge": 0.68,
    "c5.9xlarge": 1.53,
    "c6i.xlarge": 0.17,
    "c6i.2xlarge": 0.34,
    "m5.large": 0.096,
    "m5.xlarge": 0.192,
    "m5.2xlarge": 0.384,
    "m5.4xlarge": 0.768,
    "m6i.xlarge": 0.192,
    "m6i.2xlarge": 0.384,
    "r5.large": 0.126,
    "r5.xlarge": 0.252,
    "r5.2xlarge": 0.504,
    "g4dn.xlarge": 0.526,
    "g4dn.2xlarge": 0.752,
    "g4dn.4xlarge": 1.204,
    "g4dn.8xlarge": 2.176,
    "g4dn.12xlarge": 3.912,
    "g4dn.16xlarge": 4.352,
    "g5.xlarge": 1.006,
    "g5.2xlarge": 1.212,
    "g5.4xlarge": 1.624,
    "g5.8xlarge": 2.448,
    "g5.12xlarge": 5.672,
    "g5.16xlarge": 4.096,
    "g5.24xlarge": 8.144,
    "g5.48xlarge": 16.288,
    "g6.xlarge": 0.8048,
    "p3.2xlarge": 3.06,
    "p3.8xlarge": 12.24,
    "p4d.24xlarge": 32.7726,
}

# EC2 spot, typical us-east-1 figures on AS_OF (they change hourly and per Availability Zone).
SPOT_EC2: dict[str, float] = {
    "c5.xlarge": 0.068,
    "c5.2xlarge": 0.136,
    "m5.xlarge": 0.077,
    "m5.2xlarge": 0.154,
    "g4dn.xlarge": 0.21,
    "g4dn.2xlarge": 0.30,
    "g4dn.4xlarge": 0.48,
    "g4dn.12xlarge": 1.56,
    "g5.xlarge": 0.40,
    "g5.2xlarge": 0.48,
    "g5.4xlarge": 0.65,
    "g5.12xlarge": 2.27,
    "p3.2xlarge": 0.92,
}


@dataclass(frozen=True)
class PriceBook:
    """The prices in use: the shipped tables, or a refreshed cache over them (`as_of` / `source` say which)."""

    sagemaker: dict[str, float] = field(default_factory=lambda: dict(PRICES))
    ec2: dict[str, float] = field(default_factory=lambda: dict(EC2))
    spot: dict[str, float] = field(default_factory=lambda: dict(SPOT_EC2))
    as_of: str = AS_OF
    region: str = REGION
    source: str = f"shipped catalogue: {SOURCE}; {EC2_SOURCE}"

    def hourly(self, instance_type: str, *, spot: bool = False) -> float | None:
        name = instance_type.strip()
        if name.startswith("ml."):  # no SageMaker spot figures (managed spot training): none rather than a guess
            return None if spot else self.sagemaker.get(name)
        return (self.spot if spot else self.ec2).get(name)

    def over(self, refreshed: PriceBook) -> PriceBook:
        """`refreshed`'s figures over these (a type the refresh did not find keeps its catalogue price)."""
        return PriceBook(
            sagemaker={**self.sagemaker, **refreshed.sagemaker},
            ec2={**self.ec2, **refreshed.ec2},
            spot={**self.spot, **refreshed.spot},
            as_of=refreshed.as_of,
            region=refreshed.region,
            source=f"{refreshed.source} (over the shipped catalogue of {self.as_of})",
        )


SHIPPED = PriceBook()
_current = SHIPPED


def use(book: PriceBook) -> None:
    """Install the prices every view reads (at start-up, after reading the refreshed cache)."""
    global _current
    _current = book


def book() -> PriceBook:
    return _current


def hourly(instance_type: str, *, spot: bool = False) -> float | None:
    """USD per hour for one instance of `instance_type` (`ml.*`: SageMaker; else EC2, on-demand or spot), or None
    when the catalogue does not list it."""
    return _current.hourly(instance_type, spot=spot)


def cost(instance_type: str, seconds: float | None, count: int = 1, *, spot: bool = False) -> float | None:
    """What `count` instances cost over `seconds`, or None when the price or the time is unknown."""
    price = hourly(instance_type, spot=spot)
    if price is None or seconds is None:
        return None
    return price * count * max(0.0, seconds) / 3600.0

"""On-demand SageMaker instance prices (USD per hour), for the `$/h` column and cost estimates.

One small, dated catalogue: the figures are SageMaker AI on-demand prices for US East (N. Virginia), as listed
on https://aws.amazon.com/sagemaker/pricing/ (Notebook instances / Studio, Training, Real-time inference tabs)
when this table was written (AS_OF). They are estimates: prices change, differ per region and per use
(Studio, training and hosting share them for these types), and do not include storage, data transfer,
Savings Plans or spot discounts. A type not listed has no price (shown as `-`), never a guess.
Extend PRICES here; other cost views (e.g. Batch vs SageMaker) should read the same table.
"""

from __future__ import annotations

AS_OF = "2025-06"
REGION = "us-east-1"
SOURCE = "https://aws.amazon.com/sagemaker/pricing/ (on-demand, US East (N. Virginia))"

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


def hourly(instance_type: str) -> float | None:
    """USD per hour for one instance of `instance_type`, or None when the catalogue does not list it."""
    return PRICES.get(instance_type.strip())


def cost(instance_type: str, seconds: float | None, count: int = 1) -> float | None:
    """What `count` instances cost over `seconds`, or None when the price or the time is unknown."""
    price = hourly(instance_type)
    if price is None or seconds is None:
        return None
    return price * count * max(0.0, seconds) / 3600.0

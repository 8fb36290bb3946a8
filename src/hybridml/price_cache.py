"""The refreshed prices' cache file (`hybridml prices refresh` writes it; start-up reads it over the shipped
catalogue). Plain JSON; a missing or damaged file is ignored (the shipped catalogue stays), never fatal."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from hybridml.domain.prices import SHIPPED, PriceBook, use


def cache_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hybridml" / "prices.json"


def save(book: PriceBook, path: Path | None = None) -> Path:
    path = path or cache_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "as_of": book.as_of,
        "region": book.region,
        "source": book.source,
        "sagemaker": book.sagemaker,
        "ec2": book.ec2,
        "spot": book.spot,
    }
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    partial.write_text(json.dumps(data, indent=2, sort_keys=True))
    partial.replace(path)
    return path


def _prices(value: Any) -> dict[str, float]:
    if not isinstance(value, dict):
        return {}
    out = {}
    for key, price in value.items():
        if isinstance(key, str) and isinstance(price, int | float) and not isinstance(price, bool) and 0 < price < 1e6:
            out[key] = float(price)
    return out


def load(path: Path | None = None) -> PriceBook | None:
    """The refreshed prices, or None when there is no readable cache (a damaged one is ignored, never fatal)."""
    path = path or cache_path()
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    return PriceBook(
        sagemaker=_prices(data.get("sagemaker")),
        ec2=_prices(data.get("ec2")),
        spot=_prices(data.get("spot")),
        as_of=str(data.get("as_of", "?"))[:40],
        region=str(data.get("region", "?"))[:40],
        source=str(data.get("source", "a refreshed cache"))[:200],
    )


def install(path: Path | None = None) -> PriceBook:
    """Use the refreshed prices over the shipped ones when a cache exists; the book in use."""
    refreshed = load(path)
    book = SHIPPED.over(refreshed) if refreshed is not None else SHIPPED
    use(book)
    return book

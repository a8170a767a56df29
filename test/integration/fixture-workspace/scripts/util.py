"""Helpers for the nightly sales report."""
from dataclasses import dataclass


@dataclass
class Sale:
    sku: str
    quantity: int
    unit_price: int  # cents


def revenue(sales: list[Sale]) -> int:
    """Total revenue in cents."""
    return sum(s.quantity * s.unit_price for s in sales)


def top_sellers(sales: list[Sale], n: int = 3) -> list[str]:
    """The n SKUs with the most units sold, best first."""
    units: dict[str, int] = {}
    for s in sales:
        units[s.sku] = units.get(s.sku, 0) + s.quantity
    return sorted(units, key=lambda sku: (-units[sku], sku))[:n]

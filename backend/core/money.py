"""Money is an integer number of fen (分). Never float.

Rounding rule for every percentage: round half up to the fen (``percent_of``). Discounts split across
lines by the largest-remainder method so that the parts always add up to the whole (``allocate``).
"""

from __future__ import annotations

from collections.abc import Sequence

Fen = int


def yuan(fen: Fen, grouped: bool = False) -> str:
    """Format fen as a yuan string, e.g. 1999 -> '19.99' (grouped: 123456789 -> '1,234,567.89')."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    whole = f"{fen // 100:,}" if grouped else str(fen // 100)
    return f"{sign}{whole}.{fen % 100:02d}"


def percent_of(amount: Fen, basis_points: int) -> Fen:
    """``amount`` × ``basis_points``/10000, rounded half up (1 bp = 0.01%)."""
    if amount < 0:
        return -percent_of(-amount, basis_points)
    return (amount * basis_points + 5000) // 10000


def allocate(total: Fen, weights: Sequence[int]) -> list[Fen]:
    """Split ``total`` in proportion to ``weights`` so the parts sum exactly to ``total``."""
    if not weights:
        return []
    weight_sum = sum(weights)
    if weight_sum == 0:
        parts = [0] * len(weights)
        parts[0] = total
        return parts
    floors = [total * w // weight_sum for w in weights]
    remainders = [total * w % weight_sum for w in weights]
    short = total - sum(floors)
    for index in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:short]:
        floors[index] += 1
    return floors

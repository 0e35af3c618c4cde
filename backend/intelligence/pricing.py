"""Pricing suggestions (智能定价建议): regional prices from stock cover and demand, and near-expiry markdown
ladders from batch expiry and forecast sell-through, each held inside guard rails and explained.

Guard rails, whatever the signal says:

- never below cost plus HQ's minimum margin (``pricing_settings.min_margin_bp``), the same floor the pricing
  domain enforces on every scheduled change;
- a regional price moves at most ``MAX_STEP_BP`` per suggestion; a markdown goes one ladder rung at a time;
- nothing is suggested for a SKU in an active promotion or flash sale where the price would apply;
- prices are rounded to 10 fen towards today's price (never past a step's limit), never below the floor.

These functions are pure (numbers in, a suggestion or None out); ``pricing_service`` gathers the numbers,
stores the suggestions and applies approved ones through the pricing domain.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

# A regional price moves at most 10 % per suggestion.
MAX_STEP_BP = 1000
# Stock cover (days of forecast demand) above which a region is overstocked, and far overstocked.
OVERSTOCK_DAYS = 45.0
FAR_OVERSTOCK_DAYS = 90.0
# A region sells this many times the chain's rate per store, with little cover left: room to go up.
HOT_RATIO = 1.5
HOT_COVER_DAYS = 14.0
RAISE_BP = 500
# Markdown ladder: (rung discount bp, the most days before expiry the rung may be used).
LADDER: tuple[tuple[int, int], ...] = ((1000, 7), (2000, 5), (3000, 3), (5000, 1))
# Markdowns are looked at for batches expiring within this many days.
MARKDOWN_HORIZON_DAYS = 7
# Extra units sold per 1 % off, as a share of normal sales (a 10 % cut lifts sales by 20 %).
ELASTICITY = 2.0


@dataclass(frozen=True)
class Suggestion:
    kind: str
    current_price: int
    reference_price: int
    suggested_price: int
    explanation: str
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def change_bp(self) -> int:
        return round((self.suggested_price - self.current_price) * 10000 / self.current_price)


def floor_of(cost: int | None, margin_bp: int) -> int | None:
    """Cost plus the minimum margin (half up); None when the cost is unknown."""
    return None if cost is None else cost + (cost * margin_bp + 5000) // 10000


def round_price(price: float, floor: int | None, *, up: bool = False) -> int:
    """To 10 fen, towards today's price (up for a cut, down for a rise, so rounding never makes a step
    larger than its limit), never below the floor."""
    rounded = int(math.ceil(price / 10) * 10) if up else int(math.floor(price / 10) * 10)
    rounded = max(rounded, 10)
    if floor is not None and rounded < floor:
        rounded = int(math.ceil(floor / 10) * 10)
    return rounded


def regional(
    *,
    current_price: int,
    cost: int | None,
    margin_bp: int,
    stock: int,
    daily_demand: float,
    per_store_rate: float,
    chain_per_store_rate: float,
    in_promotion: bool,
) -> Suggestion | None:
    """A price move for one region × SKU, or None when the price should stay."""
    if in_promotion or current_price <= 0:
        return None
    floor = floor_of(cost, margin_bp)
    cover = stock / daily_demand if daily_demand > 0 else math.inf
    evidence = {
        "stock": stock,
        "daily_demand": round(daily_demand, 3),
        "cover_days": None if math.isinf(cover) else round(cover, 1),
        "per_store_rate": round(per_store_rate, 3),
        "chain_per_store_rate": round(chain_per_store_rate, 3),
        "floor": floor,
    }
    cover_text = "无销量" if math.isinf(cover) else f"{cover:.0f} 天"
    if stock > 0 and cover > OVERSTOCK_DAYS:
        cut_bp = MAX_STEP_BP if cover > FAR_OVERSTOCK_DAYS else MAX_STEP_BP // 2
        target = round_price(current_price * (10000 - cut_bp) / 10000, floor, up=True)
        if target >= current_price:
            return None
        floored = floor is not None and target <= int(math.ceil(floor / 10) * 10)
        text = (
            f"库存可售 {cover_text}（库存 {stock}，日均需求 {daily_demand:.1f}），"
            f"超过 {OVERSTOCK_DAYS:.0f} 天："
            f"建议降价 {(current_price - target) / current_price:.0%}"
            + ("（已到成本加最低毛利的底价）" if floored else "")
        )
        return Suggestion("regional", current_price, current_price, target, text, evidence)
    if (
        chain_per_store_rate > 0
        and per_store_rate >= HOT_RATIO * chain_per_store_rate
        and cover < HOT_COVER_DAYS
    ):
        target = round_price(current_price * (10000 + RAISE_BP) / 10000, floor)
        ceiling = current_price + current_price * MAX_STEP_BP // 10000
        target = min(target, ceiling)
        if target <= current_price:
            return None
        text = (
            f"本区域单店日销 {per_store_rate:.1f}，是全国平均 {chain_per_store_rate:.1f} 的 "
            f"{per_store_rate / chain_per_store_rate:.1f} 倍，库存仅够 {cover_text}：建议提价 "
            f"{(target - current_price) / current_price:.0%}"
        )
        return Suggestion("regional", current_price, current_price, target, text, evidence)
    return None


def markdown(
    *,
    current_price: int,
    reference_price: int,
    cost: int | None,
    margin_bp: int,
    units: int,
    days_left: int,
    daily_demand: float,
    in_promotion: bool,
) -> Suggestion | None:
    """The next markdown rung for a store's near-expiry units, or None when they will sell in time.

    ``units`` expire at the end of day ``days_left`` (0: today); ``daily_demand`` is the forecast; the
    ladder counts from ``reference_price`` (the regular price before any markdown)."""
    if in_promotion or units <= 0 or days_left < 0 or reference_price <= 0:
        return None
    floor = floor_of(cost, margin_bp)
    selling_days = days_left + 1
    expected = daily_demand * selling_days
    at_risk = units - expected
    if at_risk <= 0:
        return None
    current_bp = round((reference_price - current_price) * 10000 / reference_price)
    allowed = [bp for bp, most_days in LADDER if days_left <= most_days]
    deeper = [bp for bp in allowed if bp > current_bp]
    if not deeper:
        return None
    # the first markdown takes the shallowest rung that clears the units with the assumed lift; a running
    # markdown only ever goes one rung deeper
    needed = next((bp for bp in deeper if expected * (1 + ELASTICITY * bp / 10000) >= units), deeper[-1])
    rung = deeper[0] if current_bp > 0 else needed
    target = round_price(reference_price * (10000 - rung) / 10000, floor, up=True)
    if target >= current_price:
        return None
    lifted = expected * (1 + ELASTICITY * rung / 10000)
    text = (
        f"{units} 件 {days_left} 天后到期，按预测日销 {daily_demand:.1f} 只能卖出约 {expected:.0f} 件："
        f"建议临期降价 {rung / 100:.0f}%（预计可卖 {min(lifted, units):.0f} 件）"
        + ("，已到成本加最低毛利的底价" if floor is not None and target <= math.ceil(floor / 10) * 10 else "")
    )
    evidence = {
        "units": units,
        "days_left": days_left,
        "daily_demand": round(daily_demand, 3),
        "expected_sales": round(expected, 1),
        "rung_bp": rung,
        "expected_with_markdown": round(lifted, 1),
        "floor": floor,
    }
    return Suggestion("markdown", current_price, reference_price, target, text, evidence)

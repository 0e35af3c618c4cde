"""Replenishment: safety stock from forecast error and lead time, reorder point and order-up-to level
(a periodic-review (R, S) policy), the quantity to order, and supplier/DC order drafts as draft receipt
documents in the inventory domain. The 8-week simulation against a fixed reorder point policy is in
``bench/evals/replenish_eval.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from backend.intelligence.forecasting import Forecast

# z for the cycle service level asked of every store × SKU (97.5 %).
SERVICE_Z = 1.96
LEAD_TIME_DAYS = 2.0
REVIEW_DAYS = 1.0


@dataclass(frozen=True)
class Plan:
    safety_stock: int
    reorder_point: int
    order_up_to: int
    quantity: int
    reason: str


def closed_within(forecast: Forecast, days: float) -> float:
    """How many of the next ``days`` days (fractional days pro rata) the store is closed."""
    return float(sum(min(1.0, days - i) for i in forecast.closed_days if i < days))


def plan(
    forecast: Forecast,
    available: int,
    on_order: int = 0,
    *,
    lead_time_days: float = LEAD_TIME_DAYS,
    review_days: float = REVIEW_DAYS,
    z: float = SERVICE_Z,
) -> Plan:
    """The (R, S) plan for one store × SKU given its forecast and the stock it can count on.

    Days the store is closed sell nothing (the forecast is zero there) and add no uncertainty: safety stock
    covers the open days of the lead time and review period only."""
    exposure = lead_time_days + review_days
    lead_demand = forecast.over(lead_time_days)
    # a count's error is never below Poisson noise, whatever a short backtest happened to show
    sigma = max(forecast.daily_sigma, math.sqrt(max(forecast.over(1.0), 0.0)))
    closed = closed_within(forecast, exposure)
    open_exposure = max(exposure - closed, 0.0)
    safety = math.ceil(z * sigma * math.sqrt(open_exposure)) if sigma > 0 and open_exposure > 0 else 0
    reorder_point = math.ceil(lead_demand + safety)
    order_up_to = max(math.ceil(forecast.over(exposure) + safety), reorder_point)
    position = available + on_order
    quantity = order_up_to - position if position <= reorder_point else 0
    reason = (
        f"{forecast.method}: {lead_demand:.1f} units over {lead_time_days:g} d lead time + safety {safety} "
        f"(σ {sigma:.2f}/d, z {z:g}); stock {position} vs reorder point {reorder_point}"
    )
    if closed:
        reason += f"; closed {closed:g} d of the next {exposure:g}"
    return Plan(safety, reorder_point, order_up_to, max(quantity, 0), reason)

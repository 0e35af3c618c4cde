"""The forecaster: the weekly pattern, sparse series by TSB, closed days at zero, the error it reports."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from backend.intelligence.forecasting import ENSEMBLE, forecast, mase, seasonal_naive


def test_weekly_pattern_sparse_series_and_closed_days() -> None:
    rng = np.random.default_rng(7)
    end = date(2026, 3, 1)  # a Sunday
    days = 182
    weekdays = [(end - timedelta(days=days - 1 - i)).weekday() for i in range(days)]
    weekly = np.array([20.0 if d >= 5 else 8.0 for d in weekdays])
    busy = rng.poisson(weekly).astype(float)
    rare = np.zeros(days)
    rare[[20, 90, 170]] = 3.0
    christmas = end + timedelta(days=3)
    result = forecast({"busy": busy, "rare": rare}, end, horizon=14, closed={christmas})

    f = result["busy"]
    assert f.method == ENSEMBLE and len(f.daily) == 14 and len(f.weekly()) == 2
    by_day = {(end + timedelta(days=i + 1)).weekday(): v for i, v in enumerate(f.daily) if i != 2}
    assert 15 < by_day[5] < 25 and 15 < by_day[6] < 25 and 5 < by_day[0] < 11.5
    assert f.daily[2] == 0.0  # the store is closed that day
    assert 1.5 < f.daily_sigma < 6  # Poisson noise around 8-20 a day

    r = result["rare"]
    assert r.method == "TSB" and 0 < r.daily[0] < 0.5

    means = np.array([20.0 if (end + timedelta(days=i + 1)).weekday() >= 5 else 8.0 for i in range(14)])
    means[2] = 0.0
    futures = [rng.poisson(means) for _ in range(200)]
    ours = np.mean([mase(x, f.daily, busy) for x in futures])
    naive = np.mean([mase(x, seasonal_naive(busy, 14), busy) for x in futures])
    assert ours < 0.9 * naive  # the noise of one week is averaged away


def test_short_or_empty_history_falls_back_to_the_mean() -> None:
    end = date(2026, 3, 1)
    result = forecast({"new": [2.0] * 10, "never": [0.0] * 60}, end, horizon=7)
    assert result["new"].method == "mean" and result["new"].daily == [2.0] * 7
    assert result["never"].daily == [0.0] * 7


def test_closed_days_by_series_are_left_out_of_the_history() -> None:
    end = date(2026, 3, 1)
    days = 120
    steady = np.full(days, 6.0)
    shut_weeks = steady.copy()
    # closed on the last three Wednesdays (no sales): a week's pattern the data alone would believe
    wednesdays = [end - timedelta(days=days - 1 - i) for i in range(days)]
    closed_past = {d for d in wednesdays[-21:] if d.weekday() == 2}
    for i, d in enumerate(wednesdays):
        if d in closed_past:
            shut_weeks[i] = 0.0
    rare = np.zeros(days)
    rare[[10, 60, 100]] = 4.0
    ahead = end + timedelta(days=2)
    closed = {"told": closed_past | {ahead}, "rare": {ahead}}
    result = forecast(
        {"told": shut_weeks, "untold": shut_weeks, "rare": rare}, end, horizon=14, closed=closed
    )
    wednesday = next(i for i in range(14) if (end + timedelta(days=i + 1)).weekday() == 2)
    assert result["told"].daily[wednesday] == 6.0 and result["told"].daily_sigma == 0.0
    assert result["untold"].daily[wednesday] < 3.0 and result["untold"].daily_sigma > 1.0
    assert result["told"].daily[1] == 0.0 and result["told"].closed_days == (1,)
    assert result["untold"].daily[1] > 0 and result["untold"].closed_days == ()
    assert result["rare"].method == "TSB" and result["rare"].daily[1] == 0.0 and result["rare"].daily[0] > 0

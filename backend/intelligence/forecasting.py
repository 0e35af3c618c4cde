"""Demand forecasts per store × SKU.

Every series is a daily sales count. Two methods, chosen by demand class:

- **Weekday ensemble** (the usual case): the mean of three simple, robust forecasts of the weekly pattern —
  each weekday's mean over the last 3 weeks; and the level of the last 2 weeks times each weekday's share
  of sales over the last 13 and over the last 26 weeks. The ensemble was chosen on earlier forecast
  origins of the evaluation data (never on its test period), against weekday means over other windows,
  level × profile over other windows, and statsforecast's AutoETS, AutoTheta, Croston, ADIDA, IMAPA and
  TSB, which it beat.
- **TSB** (statsforecast) for sparse series: fewer than ``SPARSE_DAYS`` selling days in the last 13 weeks,
  where a weekly pattern cannot be estimated.

Days the store is closed (the store-closure calendar, ``backend/stores/closures.py``, known in advance) are
forecast at zero; closed days in the history are left out of the weekday means and levels (no sales by
closure is not low demand) and out of the error measured for safety stock. The forecast error
used for safety stock is the method's RMSE on the most recent ``holdout`` days, forecast from what came
before them. Weekly figures are sums of the daily forecast. The MASE evaluation is in
``bench/evals/forecast_eval.py``.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

os.environ.setdefault("NIXTLA_ID_AS_COL", "1")

SEASON = 7
MIN_HISTORY = 2 * SEASON
# A series sold on fewer days than this in the last 13 weeks is forecast with TSB.
SPARSE_DAYS = 3
LEVEL_DAYS = 14
PROFILE_WEEKS = (13, 26)
WEEKDAY_WEEKS = 3
ENSEMBLE = "WeekdayEnsemble"


@dataclass(frozen=True)
class Forecast:
    key: Any
    method: str
    daily: list[float]
    daily_sigma: float
    history_days: int
    # Forecast days (0 = the day after ``end``) the store is closed.
    closed_days: tuple[int, ...] = ()

    def weekly(self) -> list[float]:
        return [round(sum(self.daily[i : i + 7]), 3) for i in range(0, len(self.daily) - 6, 7)]

    def over(self, days: float) -> float:
        """Expected demand over the next ``days`` days (fractional days pro rata)."""
        whole = int(days)
        mean = self.daily[whole] if whole < len(self.daily) else (self.daily[-1] if self.daily else 0.0)
        return float(sum(self.daily[:whole]) + (days - whole) * mean)


def _mean(values: np.ndarray) -> float:
    """The mean of the days that count (NaN marks a closed day); NaN when none does."""
    kept = values[~np.isnan(values)]
    return float(kept.mean()) if len(kept) else float("nan")


def _weekday_means(values: np.ndarray, weeks: int) -> np.ndarray:
    """Each weekday's mean over the last ``weeks`` weeks; element k is the weekday of forecast day k.

    A weekday closed on every one of those weeks takes its mean over the whole history (else 0)."""
    weeks = max(1, min(weeks, len(values) // SEASON))
    window = values[-SEASON * weeks :]
    means = np.array([_mean(window[k::SEASON]) for k in range(SEASON)])
    for k in np.flatnonzero(np.isnan(means)):
        longer = _mean(values[(len(values) - len(window) + k) % SEASON :: SEASON])
        means[k] = 0.0 if np.isnan(longer) else longer
    return means


def _level_times_profile(values: np.ndarray, level_days: int, profile_weeks: int) -> np.ndarray:
    level = _mean(values[-level_days:])
    if np.isnan(level):
        level = _mean(values[-4 * level_days :])
        level = 0.0 if np.isnan(level) else level
    means = _weekday_means(values, profile_weeks)
    profile = means / means.mean() if means.mean() > 0 else np.ones(SEASON)
    return level * profile


def weekday_ensemble(values: Sequence[float], horizon: int) -> np.ndarray:
    """The weekday ensemble's forecast for the ``horizon`` days after ``values``."""
    arr = np.asarray(values, dtype=float)
    parts = [_weekday_means(arr, WEEKDAY_WEEKS)]
    parts += [_level_times_profile(arr, LEVEL_DAYS, weeks) for weeks in PROFILE_WEEKS]
    week = np.mean(parts, axis=0)
    return np.resize(week, horizon)


def is_sparse(values: np.ndarray) -> bool:
    return int(np.count_nonzero(np.nan_to_num(values[-91:]))) < SPARSE_DAYS


def _tsb(series: Mapping[Any, np.ndarray], horizon: int) -> dict[Any, np.ndarray]:
    """TSB forecasts (statsforecast) for sparse series, in one batch."""
    if not series:
        return {}
    import pandas as pd
    from statsforecast import StatsForecast
    from statsforecast.models import TSB

    keys = {str(i): k for i, k in enumerate(series)}
    frame = pd.concat(
        [
            pd.DataFrame({"unique_id": uid, "ds": np.arange(len(series[k])), "y": series[k]})
            for uid, k in keys.items()
        ],
        ignore_index=True,
    )
    result = StatsForecast(models=[TSB(alpha_d=0.1, alpha_p=0.1, alias="TSB")], freq=1, n_jobs=1).forecast(
        df=frame, h=horizon
    )
    return {keys[uid]: part["TSB"].to_numpy() for uid, part in result.groupby("unique_id")}


def _mean_fallback(key: Any, values: np.ndarray, horizon: int, shut: np.ndarray) -> Forecast:
    kept = values[~np.isnan(values)]
    recent = kept[-28:] if len(kept) else np.zeros(1)
    return Forecast(
        key,
        "mean",
        [0.0 if shut[i] else float(recent.mean()) for i in range(horizon)],
        float(recent.std()) if len(recent) > 1 else 0.0,
        len(values),
        tuple(int(i) for i in np.flatnonzero(shut)),
    )


def _closed_mask(end: date, horizon: int, closed: Collection[date]) -> np.ndarray:
    return np.array([(end + timedelta(days=i + 1)) in closed for i in range(horizon)], dtype=bool)


def _history_mask(end: date, length: int, closed: Collection[date]) -> np.ndarray:
    """Which days of a series ending on ``end`` the store was closed."""
    if not closed:
        return np.zeros(length, dtype=bool)
    return np.array([(end - timedelta(days=length - 1 - i)) in closed for i in range(length)], dtype=bool)


def _rmse(predicted: np.ndarray, actual: np.ndarray) -> float:
    """Root mean squared error over the open days (NaN in ``actual`` marks a closed day)."""
    open_days = ~np.isnan(actual)
    if not open_days.any():
        return 0.0
    return float(np.sqrt(np.mean((predicted[open_days] - actual[open_days]) ** 2)))


def forecast(
    series: Mapping[Any, Sequence[float]],
    end: date,
    horizon: int = 14,
    holdout: int = 28,
    closed: Collection[date] | Mapping[Any, Collection[date]] = (),
) -> dict[Any, Forecast]:
    """Forecast ``horizon`` days after ``end`` for each daily series ending on ``end``.

    ``closed``: days the stores are closed, for every series or by series key (a mapping, as built from
    the store-closure calendar). Closed days ahead are forecast at zero; closed days in the history are
    left out of the fit and of the forecast error."""
    by_key = isinstance(closed, Mapping)

    def closed_for(key: Any) -> Collection[date]:
        return closed.get(key, ()) if by_key else closed  # type: ignore[union-attr]

    out: dict[Any, Forecast] = {}
    usable: dict[Any, np.ndarray] = {}
    for key, values in series.items():
        arr = np.asarray(values, dtype=float)
        arr = np.where(_history_mask(end, len(arr), closed_for(key)), np.nan, arr)
        if len(arr) < MIN_HISTORY + holdout or np.nansum(arr) == 0:
            out[key] = _mean_fallback(key, arr, horizon, _closed_mask(end, horizon, closed_for(key)))
        else:
            usable[key] = arr
    sparse = {k: v for k, v in usable.items() if is_sparse(v)}
    # TSB has no weekly season: closed days are simply left out of its series
    open_sparse = {k: v[~np.isnan(v)] for k, v in sparse.items()}
    # the error of each method on the most recent days, forecast from what came before
    past = _tsb({k: v[:-holdout] for k, v in open_sparse.items() if len(v) > holdout}, holdout)
    ahead = _tsb(open_sparse, horizon)
    shared_shut = None if by_key else _closed_mask(end, horizon, closed)  # type: ignore[arg-type]
    for key, arr in usable.items():
        if key in sparse:
            kept = open_sparse[key]
            method, daily = "TSB", ahead[key]
            sigma = _rmse(past[key], kept[-holdout:]) if key in past else float(np.std(kept))
        else:
            method = ENSEMBLE
            backtest = weekday_ensemble(arr[:-holdout], holdout)
            daily = weekday_ensemble(arr, horizon)
            sigma = _rmse(backtest, arr[-holdout:])
        shut = shared_shut if shared_shut is not None else _closed_mask(end, horizon, closed_for(key))
        daily = np.where(shut, 0.0, np.maximum(daily, 0.0))
        out[key] = Forecast(
            key,
            method,
            [round(float(v), 4) for v in daily],
            sigma,
            len(arr),
            tuple(int(i) for i in np.flatnonzero(shut)),
        )
    return out


def seasonal_naive(values: Sequence[float], horizon: int) -> list[float]:
    """The baseline: each day repeats the same weekday of the last observed week."""
    last_week = list(values[-SEASON:])
    return [float(last_week[i % SEASON]) for i in range(horizon)]


def mase(actual: Sequence[float], predicted: Sequence[float], history: Sequence[float]) -> float:
    """Mean absolute scaled error, scaled by the in-sample seasonal-naive error."""
    hist = np.asarray(history, dtype=float)
    scale = float(np.mean(np.abs(hist[SEASON:] - hist[:-SEASON])))
    error = float(np.mean(np.abs(np.asarray(actual, dtype=float) - np.asarray(predicted, dtype=float))))
    return error / scale if scale > 0 else float("nan")

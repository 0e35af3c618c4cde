"""Demand forecasts per store × SKU with statsforecast.

Every series is a daily sales count. Candidates: AutoETS with a weekly season (smooth demand), the mean of
each weekday over the last four and eight weeks, and three methods built for intermittent demand (Croston SBA,
ADIDA, TSB). For each series the candidate with the
lowest error on the most recent ``h`` days (fitted on what came before) is chosen, its error on those days
gives the forecast error used for safety stock, and it is refitted on the whole history to forecast.
Weekly figures are sums of the daily forecast. The MASE evaluation is in ``bench/evals/forecast_eval.py``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

os.environ.setdefault("NIXTLA_ID_AS_COL", "1")

SEASON = 7
MIN_HISTORY = 2 * SEASON


@dataclass(frozen=True)
class Forecast:
    key: Any
    method: str
    daily: list[float]
    daily_sigma: float
    history_days: int

    def weekly(self) -> list[float]:
        return [round(sum(self.daily[i : i + 7]), 3) for i in range(0, len(self.daily) - 6, 7)]

    def over(self, days: float) -> float:
        """Expected demand over the next ``days`` days (fractional days pro rata)."""
        whole = int(days)
        mean = self.daily[whole] if whole < len(self.daily) else (self.daily[-1] if self.daily else 0.0)
        return float(sum(self.daily[:whole]) + (days - whole) * mean)


def _models() -> list[Any]:
    from statsforecast.models import ADIDA, TSB, AutoETS, CrostonSBA, SeasonalWindowAverage

    return [
        AutoETS(season_length=SEASON, alias="AutoETS"),
        # each weekday's mean over the last 4 weeks: the weekly pattern with a quarter of the noise
        SeasonalWindowAverage(season_length=SEASON, window_size=4, alias="WeekdayMean4"),
        SeasonalWindowAverage(season_length=SEASON, window_size=8, alias="WeekdayMean8"),
        CrostonSBA(alias="CrostonSBA"),
        ADIDA(alias="ADIDA"),
        TSB(alpha_d=0.2, alpha_p=0.2, alias="TSB"),
    ]


def _frame(series: Mapping[Any, Sequence[float]], end: date, cut: int = 0) -> Any:
    import pandas as pd

    frames = []
    for key, values in series.items():
        values = np.asarray(values, dtype=float)
        if cut:
            values = values[:-cut]
        start = end - timedelta(days=len(values) + cut - 1)
        frames.append(
            pd.DataFrame(
                {
                    "unique_id": str(key),
                    "ds": pd.date_range(start, periods=len(values), freq="D"),
                    "y": values,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _run(frame: Any, h: int, models: list[Any]) -> Any:
    from statsforecast import StatsForecast

    return StatsForecast(models=models, freq="D", n_jobs=1).forecast(df=frame, h=h)


def _mean_fallback(key: Any, values: np.ndarray, horizon: int) -> Forecast:
    recent = values[-28:] if len(values) else np.zeros(1)
    return Forecast(
        key,
        "mean",
        [float(recent.mean())] * horizon,
        float(recent.std()) if len(recent) > 1 else 0.0,
        len(values),
    )


def forecast(
    series: Mapping[Any, Sequence[float]], end: date, horizon: int = 14, holdout: int = 28
) -> dict[Any, Forecast]:
    """Forecast ``horizon`` days after ``end`` for each daily series ending on ``end``."""
    out: dict[Any, Forecast] = {}
    usable = {}
    for key, values in series.items():
        arr = np.asarray(values, dtype=float)
        if len(arr) < MIN_HISTORY + holdout or arr.sum() == 0:
            out[key] = _mean_fallback(key, arr, horizon)
        else:
            usable[key] = arr
    if not usable:
        return out
    names = [m.alias for m in _models()]
    keys = {str(k): k for k in usable}
    # 1. choose each series' method on its most recent days
    backtest = _run(_frame(usable, end, cut=holdout), holdout, _models())
    chosen: dict[Any, tuple[str, float]] = {}
    for uid, part in backtest.groupby("unique_id"):
        actual = usable[keys[uid]][-holdout:]
        errors = {name: float(np.mean(np.abs(part[name].to_numpy() - actual))) for name in names}
        best = min(errors, key=lambda n: (errors[n], names.index(n)))
        sigma = float(np.sqrt(np.mean((part[best].to_numpy() - actual) ** 2)))
        chosen[keys[uid]] = (best, sigma)
    # 2. refit on everything and forecast
    final = _run(_frame(usable, end), horizon, _models())
    for uid, part in final.groupby("unique_id"):
        key = keys[uid]
        method, sigma = chosen[key]
        daily = [max(0.0, round(float(v), 4)) for v in part[method].to_numpy()]
        out[key] = Forecast(key, method, daily, sigma, len(usable[key]))
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

"""Member segments: RFM scores and named segments, sleeping members and churn risk.

Definitions (aligned with lifetimes' ``summary_data_from_transaction_data(..., freq="D",
include_first_transaction=True)``, checked in ``bench/evals/rfm_eval.py``):
- recency_days: whole days from the last purchase day to the as-of day (lifetimes: T - recency);
- frequency: distinct days with a purchase (lifetimes: frequency);
- monetary: total spend (lifetimes: monetary_value × frequency).
Scores are quintiles 1-5 (5 best: most recent, most frequent, highest spend); a score of 3 or more
counts as "high" for the eight classic RFM segments.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

SEGMENTS: dict[tuple[bool, bool, bool], str] = {
    (True, True, True): "important_value",
    (True, False, True): "important_develop",
    (False, True, True): "important_recall",
    (False, False, True): "important_retain",
    (True, True, False): "general_value",
    (True, False, False): "general_develop",
    (False, True, False): "general_retain",
    (False, False, False): "dormant",
}
SEGMENT_NAMES: dict[str, tuple[str, str]] = {
    "important_value": ("重要价值", "Champions"),
    "important_develop": ("重要发展", "High spenders to develop"),
    "important_recall": ("重要唤回", "Valuable, gone quiet: win back"),
    "important_retain": ("重要挽留", "Big spenders at risk"),
    "general_value": ("一般价值", "Loyal, lower spend"),
    "general_develop": ("一般发展", "New or occasional"),
    "general_retain": ("一般保持", "Regulars gone quiet"),
    "dormant": ("沉睡", "Dormant"),
}
# A member sleeps when silent for this many of their own usual intervals (and at least MIN_SLEEP_DAYS).
SLEEP_INTERVALS = 3.0
MIN_SLEEP_DAYS = 30


@dataclass(frozen=True)
class Rfm:
    customer: int
    recency_days: int
    frequency: int
    monetary: int
    first_day: date
    last_day: date

    @property
    def usual_interval_days(self) -> float | None:
        """The member's own average days between purchase days (None with one purchase day)."""
        if self.frequency < 2:
            return None
        return (self.last_day - self.first_day).days / (self.frequency - 1)


@dataclass(frozen=True)
class Scored:
    rfm: Rfm
    r_score: int
    f_score: int
    m_score: int
    segment: str
    sleeping: bool
    churn_risk: float


def rfm_table(purchases: Iterable[tuple[int, datetime | date, int]], as_of: date) -> list[Rfm]:
    """RFM per customer from (customer, time, amount in fen) purchase lines up to ``as_of``."""
    by_day: dict[int, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for customer, at, amount in purchases:
        day = at.date() if isinstance(at, datetime) else at
        if day <= as_of:
            by_day[customer][day] += amount
    out = []
    for customer, days in by_day.items():
        first, last = min(days), max(days)
        out.append(
            Rfm(
                customer=customer,
                recency_days=(as_of - last).days,
                frequency=len(days),
                monetary=sum(days.values()),
                first_day=first,
                last_day=last,
            )
        )
    return out


def quintiles(values: np.ndarray, higher_is_better: bool = True) -> np.ndarray:
    """Scores 1-5 by rank (ties share the lower score); 5 is the best fifth."""
    if len(values) == 0:
        return np.zeros(0, dtype=int)
    keyed = values if higher_is_better else -values
    # ties take the rank of their first occurrence, so equal values always score alike
    ranks = np.searchsorted(np.sort(keyed, kind="stable"), keyed, side="left").astype(float)
    return (1 + np.floor(5 * ranks / len(values))).astype(int).clip(1, 5)


def churn_risk(recency_days: int, usual_interval: float | None) -> float:
    """1 - exp(-recency / usual interval): how unusual the silence is for this member's own rhythm."""
    interval = usual_interval if usual_interval else 30.0
    return round(1.0 - math.exp(-recency_days / max(interval, 1.0)), 4)


def score(table: list[Rfm]) -> list[Scored]:
    if not table:
        return []
    r = quintiles(np.array([x.recency_days for x in table], dtype=float), higher_is_better=False)
    f = quintiles(np.array([x.frequency for x in table], dtype=float))
    m = quintiles(np.array([x.monetary for x in table], dtype=float))
    out = []
    for row, rs, fs, ms in zip(table, r, f, m, strict=True):
        interval = row.usual_interval_days
        sleep_after = max(SLEEP_INTERVALS * interval, MIN_SLEEP_DAYS) if interval else 2 * MIN_SLEEP_DAYS
        out.append(
            Scored(
                rfm=row,
                r_score=int(rs),
                f_score=int(fs),
                m_score=int(ms),
                segment=SEGMENTS[(rs >= 3, fs >= 3, ms >= 3)],
                sleeping=row.recency_days > sleep_after,
                churn_risk=churn_risk(row.recency_days, interval),
            )
        )
    return out

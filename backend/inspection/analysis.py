"""Operating figures per store and cashier, and robust z-scores against their peers (median / MAD)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, time
from statistics import mean, median, pstdev
from typing import Any
from zoneinfo import ZoneInfo

# Scale that makes the MAD estimate a standard deviation for normal data.
MAD_SCALE = 1.4826
THRESHOLD = 3.5
# Fewer orders than this and a rate says too little to flag anyone.
MIN_ORDERS = 30
MIN_PEERS = 5
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Metric:
    name: str
    # which side is suspicious: "high" or "low"
    side: str
    # the smallest spread assumed among peers, so near-identical peers do not make noise look large
    floor: float
    subjects: tuple[str, ...] = ("store", "cashier")


METRICS = (
    Metric("refund_rate", "high", 0.01),
    Metric("cancel_rate", "high", 0.01),
    Metric("after_hours_share", "high", 0.01, ("store",)),
    Metric("discount_rate", "high", 0.01),
    Metric("cash_share", "low", 0.03),
    # the store's cash share against its own previous period: 私收货款 shows as a fall
    Metric("cash_share_change", "low", 0.03, ("store",)),
    Metric("sales_change", "low", 0.05, ("store",)),
)


@dataclass
class OrderRow:
    store_id: int
    cashier_id: int | None
    status: str
    subtotal: int
    discount_total: int
    paid_amount: int
    refunded_amount: int
    paid_at: datetime | None
    cash: int
    in_period: bool = True


@dataclass
class Tally:
    orders: int = 0
    cancelled: int = 0
    paid_orders: int = 0
    after_hours: int = 0
    subtotal: int = 0
    discount: int = 0
    paid: int = 0
    refunded: int = 0
    cash: int = 0
    previous_paid: int = 0
    previous_cash: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def figures(self) -> dict[str, float | None]:
        def rate(a: int, b: int) -> float | None:
            return a / b if b else None

        change = (self.paid - self.previous_paid) / self.previous_paid if self.previous_paid else None
        cash_change = (
            self.cash / self.paid - self.previous_cash / self.previous_paid
            if self.paid and self.previous_paid
            else None
        )
        return {
            "refund_rate": rate(self.refunded, self.paid),
            "cancel_rate": rate(self.cancelled, self.orders),
            "after_hours_share": rate(self.after_hours, self.paid_orders),
            "discount_rate": rate(self.discount, self.subtotal),
            "cash_share": rate(self.cash, self.paid),
            "sales_change": change,
            "cash_share_change": cash_change,
        }


def is_open(hours: dict[str, Any] | None, tz: str, moment: datetime) -> bool:
    """Whether a store is open at a UTC moment, by its weekly opening hours in its own time zone."""
    if not hours:
        return True
    local = moment.astimezone(ZoneInfo(tz or "Asia/Shanghai"))
    span = hours.get(DAYS[local.weekday()])
    if not span:
        return False
    start, end = (_clock(v) for v in span[:2])
    now = local.time()
    return start <= now < end if end > start else now >= start or now < end


def _clock(text: str) -> time:
    hh, mm = (int(v) for v in str(text).split(":")[:2])
    return time(23, 59, 59, 999999) if hh >= 24 else time(hh, mm)


def tally(
    rows: Iterable[OrderRow], stores: dict[int, tuple[dict[str, Any] | None, str]]
) -> tuple[dict[int, Tally], dict[tuple[int, int], Tally]]:
    """Per-store and per-(store, cashier) tallies of the period's orders (and the previous period's sales)."""
    by_store: dict[int, Tally] = defaultdict(Tally)
    by_cashier: dict[tuple[int, int], Tally] = defaultdict(Tally)
    for row in rows:
        targets = [by_store[row.store_id]]
        if row.cashier_id is not None:
            targets.append(by_cashier[(row.store_id, row.cashier_id)])
        paid = row.paid_at is not None and row.paid_amount > 0
        if not row.in_period:
            if paid:
                by_store[row.store_id].previous_paid += row.paid_amount
                by_store[row.store_id].previous_cash += row.cash
            continue
        hours, tz = stores.get(row.store_id, (None, "Asia/Shanghai"))
        after_hours = paid and row.paid_at is not None and not is_open(hours, tz, row.paid_at)
        for t in targets:
            t.orders += 1
            t.cancelled += row.status == "cancelled" and not paid
            if paid:
                t.paid_orders += 1
                t.after_hours += after_hours
                t.subtotal += row.subtotal
                t.discount += row.discount_total
                t.paid += row.paid_amount
                t.refunded += row.refunded_amount
                t.cash += row.cash
    return dict(by_store), dict(by_cashier)


def robust_z(value: float, peers: list[float], floor: float) -> tuple[float, float, float]:
    """(z, peer median, spread) of a value among its peers, the spread at least ``floor``."""
    mid = median(peers)
    mad = median(abs(p - mid) for p in peers)
    spread = max(MAD_SCALE * mad, floor)
    return (value - mid) / spread, mid, spread


def classic_z(value: float, peers: list[float], floor: float) -> tuple[float, float, float]:
    """(z, peer mean, standard deviation): the textbook score, which outliers among the peers inflate."""
    mid = mean(peers)
    spread = max(pstdev(peers), floor)
    return (value - mid) / spread, mid, spread


@dataclass(frozen=True)
class Finding:
    subject_kind: str
    store_id: int
    subject_id: int
    metric: str
    value: float
    peer_median: float
    robust_z: float
    evidence: dict[str, Any]


def findings(
    by_store: dict[int, Tally],
    by_cashier: dict[tuple[int, int], Tally],
    threshold: float = THRESHOLD,
    min_orders: int = MIN_ORDERS,
    score: Callable[[float, list[float], float], tuple[float, float, float]] = robust_z,
) -> list[Finding]:
    """Every store or cashier figure beyond ``threshold`` robust z-scores on the suspicious side."""
    out: list[Finding] = []
    groups = (
        ("store", {(sid, sid): t for sid, t in by_store.items()}),
        ("cashier", by_cashier),
    )
    for kind, tallies in groups:
        figures = {key: t.figures() for key, t in tallies.items() if t.orders >= min_orders}
        for metric in METRICS:
            if kind not in metric.subjects:
                continue
            values = {key: f[metric.name] for key, f in figures.items() if f[metric.name] is not None}
            if len(values) < MIN_PEERS:
                continue
            for key, value in values.items():
                peers = [v for k, v in values.items() if k != key]
                z, mid, spread = score(value, peers, metric.floor)
                if (z if metric.side == "high" else -z) < threshold:
                    continue
                t = tallies[key]
                out.append(
                    Finding(
                        subject_kind=kind,
                        store_id=key[0],
                        subject_id=key[1],
                        metric=metric.name,
                        value=round(value, 4),
                        peer_median=round(mid, 4),
                        robust_z=round(z, 2),
                        evidence={
                            "orders": t.orders,
                            "paid_orders": t.paid_orders,
                            "paid": t.paid,
                            "refunded": t.refunded,
                            "cancelled": t.cancelled,
                            "discount": t.discount,
                            "cash": t.cash,
                            "after_hours": t.after_hours,
                            "previous_paid": t.previous_paid,
                            "previous_cash": t.previous_cash,
                            "peers": len(peers),
                            "peer_spread": round(spread, 4),
                        },
                    )
                )
    return out

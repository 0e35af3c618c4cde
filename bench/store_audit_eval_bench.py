"""Store audit: precision and recall on a simulated chain with planted anomalies.

A chain of stores (each with its own normal refund, void, discount and cash habits) and three
cashiers per store sells for two 30-day periods; the orders and tenders are written through the
order models into a scratch SQLite database. Anomalies are planted on chosen stores (refund abuse,
私收货款: a falling cash share and sales, sales rung up after closing) and cashiers (heavy
discounts, refunds, voids). The audit runs through its service as the daily job does, and every
flag is checked against the plants. The in-run baseline is the textbook mean/standard-deviation
z-score at the same threshold.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from backend import models  # noqa: F401
from backend.auth.models import StaffUser
from backend.core.db import Database
from backend.core.migrations import upgrade
from backend.franchise.models import Merchant
from backend.inspection import analysis, service
from backend.inspection import repository as repo
from backend.orders.models import Order, Tender
from backend.stores.models import Region, Store

STORES = 30
CASHIERS_PER_STORE = 3
ORDERS_PER_CASHIER = 80
END = datetime(2026, 10, 1, tzinfo=UTC)
DAYS = 30
HOURS = {d: ["09:00", "21:00"] for d in analysis.DAYS}
ALL_DAY = {d: ["00:00", "24:00"] for d in analysis.DAYS}

STORE_PLANTS = {
    "refund_abuse": {"refund_rate"},
    "private_collection": {"cash_share", "cash_share_change", "sales_change"},
    "after_hours": {"after_hours_share"},
}
CASHIER_PLANTS = {
    "sweetheart_discounts": {"discount_rate"},
    "fake_refunds": {"refund_rate"},
    "voids": {"cancel_rate"},
}


@dataclass
class Habits:
    refund: float
    cancel: float
    discount: float
    cash: float
    late: float = 0.0
    volume: float = 1.0


@dataclass
class Plants:
    stores: dict[int, set[str]] = field(default_factory=dict)
    cashiers: dict[int, set[str]] = field(default_factory=dict)
    cashier_store: dict[int, int] = field(default_factory=dict)


def _order(store: Store, cashier_id: int, at: datetime, h: Habits, rng: random.Random, seq: int) -> Order:
    subtotal = int(rng.lognormvariate(4.3, 0.6)) * 100 + 100
    cancelled = rng.random() < h.cancel
    discount = int(subtotal * min(h.discount * rng.uniform(0.3, 1.7), 0.9))
    total = subtotal - discount
    refunded = 0 if cancelled or rng.random() >= h.refund else total
    return Order(
        number=f"AUD{seq:09d}",
        channel="pos",
        fulfilment="in_store",
        status="cancelled" if cancelled else ("refunded" if refunded else "completed"),
        store_id=store.id,
        cashier_kind="staff",
        cashier_id=cashier_id,
        subtotal=subtotal,
        discount_total=discount,
        total=total,
        paid_amount=0 if cancelled else total,
        refunded_amount=refunded,
        discounts=[],
        paid_at=None if cancelled else at,
        created_at=at,
    )


def _moment(start: datetime, rng: random.Random, late: bool) -> datetime:
    day = start + timedelta(days=rng.randrange(DAYS))
    local_hour = rng.choice((21, 22, 23)) if late else rng.randint(9, 20)
    return day + timedelta(hours=local_hour - 8, minutes=rng.randint(0, 59))


async def simulate(db: Database, rng: random.Random) -> Plants:
    plants = Plants()
    async with db.sessionmaker() as session:
        region = Region(code="R1", name_zh="华东", name_en="East")
        merchants = [Merchant(code=f"M{i}", name=f"加盟商{i}", commission_bp=500) for i in range(4)]
        session.add_all([region, *merchants])
        await session.flush()
        stores = []
        for i in range(STORES):
            store = Store(
                code=f"A{i:03d}",
                name_zh=f"门店{i}",
                name_en=f"Store {i}",
                region_id=region.id,
                merchant_id=merchants[i % 4].id,
                city="上海",
                city_tier=1,
                address=f"测试路{i}号",
                latitude=31.23,
                longitude=121.47,
                opening_hours=ALL_DAY if i % 10 == 9 else HOURS,
            )
            session.add(store)
            stores.append(store)
        await session.flush()
        regular = [s for s in stores if s.opening_hours is HOURS]
        planted_stores = rng.sample(regular, 3 * len(STORE_PLANTS))
        store_kind = {s.id: kind for kind, s in zip(sorted(STORE_PLANTS) * 3, planted_stores, strict=True)}
        cashier_slots: list[tuple[Store, StaffUser]] = []
        for store in stores:
            for c in range(CASHIERS_PER_STORE):
                staff = StaffUser(
                    username=f"c{store.code}-{c}", name=f"收银{c}", password_hash="x", roles=["cashier"]
                )
                session.add(staff)
                cashier_slots.append((store, staff))
        await session.flush()
        eligible = [(s, c) for s, c in cashier_slots if s.id not in store_kind]
        planted_cashiers = rng.sample(eligible, 4 * len(CASHIER_PLANTS))
        cashier_kind = {
            c.id: kind for kind, (_, c) in zip(sorted(CASHIER_PLANTS) * 4, planted_cashiers, strict=True)
        }
        store_habits = {
            s.id: Habits(
                refund=rng.uniform(0.01, 0.035),
                cancel=rng.uniform(0.02, 0.05),
                discount=rng.uniform(0.03, 0.08),
                cash=rng.uniform(0.25, 0.5),
                late=0.05 if s.opening_hours is ALL_DAY else 0.0,
                volume=rng.uniform(0.8, 1.25),
            )
            for s in stores
        }
        start = END - timedelta(days=DAYS)
        seq = 0
        for store, cashier in cashier_slots:
            base = store_habits[store.id]
            for period_start, current in ((start - timedelta(days=DAYS), False), (start, True)):
                h = Habits(**vars(base))
                h.refund *= rng.uniform(0.8, 1.2)
                h.discount *= rng.uniform(0.8, 1.2)
                count = int(ORDERS_PER_CASHIER * h.volume * rng.uniform(0.9, 1.1))
                kind = store_kind.get(store.id) if current else None
                ckind = cashier_kind.get(cashier.id) if current else None
                if kind == "refund_abuse":
                    h.refund = rng.uniform(0.1, 0.18)
                elif kind == "private_collection":
                    h.cash = base.cash * 0.25
                    count = int(count * 0.6)
                elif kind == "after_hours":
                    h.late = 0.15
                if ckind == "sweetheart_discounts":
                    h.discount = 0.3
                elif ckind == "fake_refunds":
                    h.refund = 0.2
                elif ckind == "voids":
                    h.cancel = 0.25
                batch = []
                for _ in range(count):
                    seq += 1
                    at = _moment(period_start, rng, rng.random() < h.late)
                    batch.append(_order(store, cashier.id, at, h, rng, seq))
                session.add_all(batch)
                await session.flush()
                session.add_all(
                    Tender(
                        order_id=o.id,
                        method="cash" if rng.random() < h.cash else "sandbox_qr",
                        amount=o.total,
                        refunded_amount=o.refunded_amount,
                    )
                    for o in batch
                    if o.paid_amount > 0
                )
        await session.commit()
    plants.stores = {sid: STORE_PLANTS[kind] for sid, kind in store_kind.items()}
    plants.cashiers = {cid: CASHIER_PLANTS[kind] for cid, kind in cashier_kind.items()}
    plants.cashier_store = {c.id: s.id for s, c in cashier_slots}
    return plants


def score(found: list[analysis.Finding], plants: Plants) -> dict[str, float]:
    """Precision over flags, recall over planted anomalies (found when any of its figures is flagged).

    A flag is right when its subject carries a plant on that figure; a store flag is also right for a
    figure planted on one of its cashiers, and a cashier flag for a figure planted on their store.
    """
    right = 0
    hit_stores: set[int] = set()
    hit_cashiers: set[int] = set()
    for f in found:
        if f.subject_kind == "store":
            ok = f.metric in plants.stores.get(f.store_id, set()) or any(
                f.metric in metrics
                for cid, metrics in plants.cashiers.items()
                if plants.cashier_store[cid] == f.store_id
            )
            if f.metric in plants.stores.get(f.store_id, set()):
                hit_stores.add(f.store_id)
        else:
            ok = f.metric in plants.cashiers.get(f.subject_id, set()) or f.metric in plants.stores.get(
                f.store_id, set()
            )
            if f.metric in plants.cashiers.get(f.subject_id, set()):
                hit_cashiers.add(f.subject_id)
        right += ok
    planted = len(plants.stores) + len(plants.cashiers)
    found_plants = len(hit_stores) + len(hit_cashiers)
    return {
        "flags": len(found),
        "precision": right / len(found) if found else 0.0,
        "recall": found_plants / planted,
        "store_recall": len(hit_stores) / len(plants.stores),
        "cashier_recall": len(hit_cashiers) / len(plants.cashiers),
    }


async def run(seed: int) -> tuple[dict[str, float], dict[str, float], float]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'audit.db'}"
        upgrade(url)
        db = Database(url)
        try:
            plants = await simulate(db, random.Random(seed))
            started = time.perf_counter()
            async with db.sessionmaker() as session:
                await service.run(session, DAYS, END)
                await session.commit()
                stored = await repo.flags(session, END, None, None)
            elapsed = time.perf_counter() - started
            found = [
                analysis.Finding(
                    f.subject_kind,
                    f.store_id,
                    f.subject_id,
                    f.metric,
                    f.value,
                    f.peer_median,
                    f.robust_z,
                    f.evidence,
                )
                for f in stored
            ]
            async with db.sessionmaker() as session:
                start = END - timedelta(days=DAYS)
                stores = await repo.stores(session)
                rows = await repo.order_rows(session, start, END, start - timedelta(days=DAYS))
            by_store, by_cashier = analysis.tally(rows, {sid: (h, tz) for sid, (h, tz, _) in stores.items()})
            baseline = analysis.findings(by_store, by_cashier, score=analysis.classic_z)
        finally:
            await db.dispose()
    return score(found, plants), score(baseline, plants), elapsed


def main(seeds: tuple[int, ...] = (1, 2, 3)) -> None:
    totals: dict[str, list[float]] = {}
    print(
        f"store audit: {STORES} stores x {CASHIERS_PER_STORE} cashiers, {len(STORE_PLANTS) * 3} store and "
        f"{len(CASHIER_PLANTS) * 4} cashier anomalies planted per chain, {len(seeds)} chains"
    )
    for seed in seeds:
        robust, classic, elapsed = asyncio.run(run(seed))
        print(
            f"  chain {seed}: robust precision {robust['precision']:.3f} recall {robust['recall']:.3f} "
            f"({robust['flags']} flags, {elapsed:.2f}s) | mean/std baseline precision "
            f"{classic['precision']:.3f} recall {classic['recall']:.3f}"
        )
        for key, value in robust.items():
            totals.setdefault(key, []).append(value)
        for key, value in classic.items():
            totals.setdefault(f"baseline_{key}", []).append(value)
    print("  mean over chains:")
    for key, values in totals.items():
        print(f"    {key:24s} {sum(values) / len(values):.3f}")
    base = sum(totals["baseline_recall"]) / len(seeds)
    print(f"  ratio recall vs mean/std baseline: {sum(totals['recall']) / len(seeds) / max(base, 1e-9):.2f}x")


if __name__ == "__main__":
    main()

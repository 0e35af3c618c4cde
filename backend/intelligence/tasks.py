"""The intelligence jobs: retrain recommendations, forecast and plan replenishment and transfers, score
member segments. Each learns from live orders and imported history, and replaces its table in one
transaction, so readers see either the old results or the new ones."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.db import Database
from backend.core.jobs import report_progress
from backend.core.time import as_utc, utcnow
from backend.intelligence import forecasting, replenishment, segments, transfers
from backend.intelligence import repository as repo
from backend.intelligence.models import (
    DemandForecast,
    MemberSegment,
    ReplenishmentSuggestion,
    TransferSuggestion,
)
from backend.intelligence.recommendations import Interaction, fit, popular_by
from backend.stores import closures
from backend.stores import repository as store_repo

LIST_SIZE = 20
HISTORY_DAYS = 120
HORIZON_DAYS = 28


async def train_recommendations(session: AsyncSession) -> dict[str, int]:
    now = utcnow()
    sales = await repo.sale_lines(session, now - timedelta(days=365))
    events = await repo.behaviour(session, now - timedelta(days=90))
    report_progress("load", 1, 3)
    interactions = [
        Interaction(s.member_id, s.sku_id, "purchase", hash(s.basket), (now - s.at).total_seconds() / 86400)
        for s in sales
        if s.member_id is not None
    ]
    interactions += [
        Interaction(m, sku, kind, None, (now - at).total_seconds() / 86400) for m, sku, kind, at in events
    ]
    anonymous_baskets = [
        Interaction(-1, s.sku_id, "purchase", hash(s.basket), 0.0) for s in sales if s.member_id is None
    ]
    rows: list[tuple[str, int, list]] = []
    if interactions or anonymous_baskets:
        model = fit(interactions + anonymous_baskets)
        report_progress("fit", 2, 3)
        members = [u for u in model.profiles if u >= 0]
        for user in members:
            rows.append(
                ("for_you", user, [[i, round(s, 5), b] for i, s, b in model.for_user(user, LIST_SIZE)])
            )
        for item in model.items.tolist():
            together = model.bought_together(int(item), LIST_SIZE)
            if together:
                rows.append(("also_bought", int(item), [[i, round(s, 5), None] for i, s in together]))
        rows.append(("popular", 0, [[i, s, None] for i, s in model.popular(LIST_SIZE)]))
    regions = await repo.store_regions(session)
    by_store = popular_by(((s.store_id, s.sku_id) for s in sales if s.store_id is not None), LIST_SIZE)
    by_region = popular_by(
        ((regions[s.store_id], s.sku_id) for s in sales if s.store_id in regions), LIST_SIZE
    )
    rows += [("popular_store", k, [[i, c, None] for i, c in v]) for k, v in by_store.items()]
    rows += [("popular_region", k, [[i, c, None] for i, c in v]) for k, v in by_region.items()]
    await repo.replace_recommendations(session, rows, now)
    report_progress("save", 3, 3)
    return {"lists": len(rows), "members": sum(1 for r in rows if r[0] == "for_you"), "lines": len(sales)}


async def plan_stock(session: AsyncSession) -> dict[str, int]:
    """Forecast every store × SKU that sold in the last 120 days, then plan orders and transfers.

    Days are each store's local days; the store-closure calendar tells the forecast which past days the
    store was shut (not counted as no demand) and which coming days it will be (nothing sold, nothing
    planned to sell)."""
    now = utcnow()
    zones = {s.id: ZoneInfo(s.timezone or "Asia/Shanghai") for s in await repo.stores_of_kind(session)}
    today_of = {store_id: as_utc(now).astimezone(zone).date() for store_id, zone in zones.items()}
    series: dict[tuple[int, int], np.ndarray] = defaultdict(lambda: np.zeros(HISTORY_DAYS))
    for line in await repo.sale_lines(session, now - timedelta(days=HISTORY_DAYS + 1)):
        if line.store_id in zones:
            local = as_utc(line.at).astimezone(zones[line.store_id]).date()
            day = HISTORY_DAYS - 1 - (today_of[line.store_id] - local).days
            if 0 <= day < HISTORY_DAYS:
                series[(line.store_id, line.sku_id)][day] += line.quantity
    first = min(today_of.values(), default=now.date()) - timedelta(days=HISTORY_DAYS)
    last = max(today_of.values(), default=now.date()) + timedelta(days=HORIZON_DAYS)
    calendar = await store_repo.closures(session, since=first, until=last)
    closed_by_store = closures.closed_days_by_store(calendar, zones)
    report_progress("history", 1, 4)
    # one forecast run per local "today" (one for a chain in a single time zone)
    by_today: dict[date, dict[tuple[int, int], np.ndarray]] = defaultdict(dict)
    for key, values in series.items():
        by_today[today_of[key[0]]][key] = values
    result: dict[tuple[int, int], forecasting.Forecast] = {}
    for end, part in by_today.items():
        closed = {key: closed_by_store[key[0]] for key in part}
        result.update(forecasting.forecast(part, end, horizon=HORIZON_DAYS, closed=closed))
    report_progress("forecast", 2, 4)
    await repo.clear(session, DemandForecast, ReplenishmentSuggestion, TransferSuggestion)
    levels = await repo.stock_levels(session)
    plans: dict[tuple[int, int], replenishment.Plan] = {}
    for (store_id, sku_id), f in result.items():
        session.add(
            DemandForecast(
                store_id=store_id,
                sku_id=sku_id,
                method=f.method,
                daily=f.daily,
                weekly=f.weekly(),
                daily_sigma=round(f.daily_sigma, 4),
                history_days=f.history_days,
                computed_at=now,
            )
        )
        p = replenishment.plan(f, levels.get((store_id, sku_id), 0))
        plans[(store_id, sku_id)] = p
        session.add(
            ReplenishmentSuggestion(
                store_id=store_id,
                sku_id=sku_id,
                available=levels.get((store_id, sku_id), 0),
                safety_stock=p.safety_stock,
                reorder_point=p.reorder_point,
                order_up_to=p.order_up_to,
                quantity=p.quantity,
                reason=p.reason[:200],
                computed_at=now,
            )
        )
    report_progress("replenishment", 3, 4)
    expiring = await repo.expiring(session, max(today_of.values(), default=now.date()) + timedelta(days=7))
    by_sku: dict[int, list[transfers.Position]] = defaultdict(list)
    for (store_id, sku_id), p in plans.items():
        f = result[(store_id, sku_id)]
        available = levels.get((store_id, sku_id), 0)
        unsold = 0
        for on, qty in expiring.get((store_id, sku_id), []):
            unsold += max(qty - int(f.over(max((on - today_of[store_id]).days, 0))), 0)
        by_sku[sku_id].append(transfers.Position(store_id, available, p.reorder_point, p.order_up_to, unsold))
    prices = await repo.sku_prices(session, list(by_sku))
    moves = 0
    for sku_id, positions in by_sku.items():
        price, cost = prices.get(sku_id, (0, 0))
        for m in transfers.plan_transfers(sku_id, positions, price - cost, cost):
            session.add(
                TransferSuggestion(
                    sku_id=m.sku_id,
                    from_store_id=m.from_store_id,
                    to_store_id=m.to_store_id,
                    quantity=m.quantity,
                    benefit=m.benefit,
                    cost=m.cost,
                    reason=m.reason[:200],
                    computed_at=now,
                )
            )
            moves += 1
    await session.flush()
    report_progress("transfers", 4, 4)
    return {
        "series": len(result),
        "to_order": sum(1 for p in plans.values() if p.quantity > 0),
        "transfers": moves,
    }


async def score_members(session: AsyncSession) -> dict[str, int]:
    now = utcnow()
    sales = [s for s in await repo.sale_lines(session) if s.member_id is not None]
    table = segments.rfm_table(((s.member_id, s.at, s.amount) for s in sales), now.date())
    report_progress("rfm", 1, 2)
    scored = segments.score(table)
    await repo.clear(session, MemberSegment)
    last = {}
    for s in sales:
        last[s.member_id] = s.at
    for row in scored:
        session.add(
            MemberSegment(
                member_id=row.rfm.customer,
                recency_days=row.rfm.recency_days,
                frequency=row.rfm.frequency,
                monetary=row.rfm.monetary,
                r_score=row.r_score,
                f_score=row.f_score,
                m_score=row.m_score,
                segment=row.segment,
                usual_interval_days=row.rfm.usual_interval_days,
                sleeping=row.sleeping,
                churn_risk=row.churn_risk,
                last_purchase_at=last.get(row.rfm.customer),
                computed_at=now,
            )
        )
    await session.flush()
    report_progress("save", 2, 2)
    return {"members": len(scored), "sleeping": sum(r.sleeping for r in scored)}


async def suggest_prices(session: AsyncSession) -> dict[str, int]:
    """Regional price and near-expiry markdown suggestions for HQ to approve."""
    from backend.intelligence import pricing_service

    return await pricing_service.compute(session, report_progress)


TASKS = {
    "recommendations": train_recommendations,
    "plan_stock": plan_stock,
    "segments": score_members,
    "pricing": suggest_prices,
}


async def run(db: Database, name: str) -> dict[str, int]:
    """Run one task in its own transaction (the scheduled jobs and the CLI call this)."""
    async with db.sessionmaker() as session:
        result = await TASKS[name](session)
        await session.commit()
    return result

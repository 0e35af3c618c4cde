"""The plan_stock job reads the store-closure calendar: a store closed on a coming day is forecast to sell
nothing that day and its replenishment plans for the open days only; a recorded past closure does not drag
that weekday's forecast down (an unrecorded one does); a chain-wide closure reaches every store."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from backend.intelligence.models import DemandForecast, ReplenishmentSuggestion
from backend.intelligence.tasks import plan_stock
from backend.stores.closures import local_today
from tests.backend.intelligence.factories import sale
from tests.backend.orders.factories import put_stock, staff
from tests.factories import create_region, create_sku, create_store

LOCAL = ZoneInfo("Asia/Shanghai")


def local_noon(day: date) -> datetime:
    return datetime.combine(day, time(12), LOCAL).astimezone(ZoneInfo("UTC"))


async def test_plan_stock_uses_the_closure_calendar(client, session):
    region = await create_region(session)
    closing, steady, recorded, unrecorded = [await create_store(session, region) for _ in range(4)]
    sku = await create_sku(session, price=2000, cost_price=1200)
    today = local_today()
    outage = today - timedelta(days=3)
    for back in range(1, 60):
        day = today - timedelta(days=back)
        for store in (closing, steady, recorded, unrecorded):
            if day == outage and store in (recorded, unrecorded):
                continue  # both were shut that day; only one of them has it on the calendar
            await sale(session, sku, local_noon(day), store=store, quantity=8)
    for store in (closing, steady, recorded, unrecorded):
        await put_stock(session, store, sku, 5)
    await session.commit()

    hq = await staff(client, session, ["hq_admin"], [])
    tomorrow = today + timedelta(days=1)
    holiday = today + timedelta(days=10)
    for body in (
        {"store_id": closing.id, "start": tomorrow.isoformat(), "reason": "盘点"},
        {"store_id": recorded.id, "start": outage.isoformat(), "reason": "停电"},
        {"store_id": None, "start": holiday.isoformat(), "reason": "国庆"},
    ):
        made = await client.post("/api/v1/store-closures", json=body, headers=hq)
        assert made.status_code == 201, made.text

    summary = await plan_stock(session)
    await session.commit()
    assert summary["series"] == 4
    daily = {f.store_id: f.daily for f in await session.scalars(select(DemandForecast))}
    plans = {p.store_id: p for p in await session.scalars(select(ReplenishmentSuggestion))}

    # a coming closed day sells nothing; the same history without it sells as usual
    assert daily[closing.id][0] == 0.0 and daily[steady.id][0] > 6
    assert daily[closing.id][1:9] == daily[steady.id][1:9]
    # the chain-wide day is zero everywhere
    assert all(d[(holiday - today).days - 1] == 0.0 for d in daily.values())

    # the replenishment plan counts on two selling days out of the next three, not three
    shut, usual = plans[closing.id], plans[steady.id]
    assert shut.order_up_to <= usual.order_up_to - 8
    assert shut.reorder_point < usual.reorder_point
    assert shut.quantity == shut.order_up_to - 5 and usual.quantity == usual.order_up_to - 5
    assert "closed 1 d" in shut.reason and "closed" not in usual.reason

    # the outage's weekday comes round again 7 days later (forecast day 3)
    again = (outage + timedelta(days=7) - today).days - 1
    assert again == 3
    assert abs(daily[recorded.id][again] - daily[steady.id][again]) < 0.25
    assert daily[unrecorded.id][again] < daily[steady.id][again] - 1.0
    # and the recorded store's forecast error is not inflated by the day it was shut
    sigma = {f.store_id: f.daily_sigma for f in await session.scalars(select(DemandForecast))}
    assert abs(sigma[recorded.id] - sigma[steady.id]) < 0.1, sigma
    assert sigma[unrecorded.id] > sigma[steady.id] + 0.3, sigma

"""Forecasts, replenishment suggestions, order drafts and smart transfers from the plan_stock job."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from backend.core.time import utcnow
from backend.intelligence.tasks import plan_stock
from backend.inventory.models import StockDocument, StockDocumentLine
from tests.backend.intelligence.factories import sale
from tests.backend.orders.factories import put_stock, staff
from tests.factories import create_region, create_sku, create_store


async def test_plan_stock_forecasts_orders_and_transfers(client, app, session) -> None:  # type: ignore[no-untyped-def]
    region = await create_region(session)
    busy, quiet = await create_store(session, region), await create_store(session, region)
    sku = await create_sku(session, price=2000, cost_price=1200)
    now = utcnow()
    for day in range(1, 60):
        weekend = (now - timedelta(days=day)).weekday() >= 5
        await sale(session, sku, now - timedelta(days=day), store=busy, quantity=12 if weekend else 8)
        if day % 4 == 0:
            await sale(session, sku, now - timedelta(days=day), store=quiet, quantity=1)
    await put_stock(session, busy, sku, 5)
    await put_stock(session, quiet, sku, 200)
    await session.commit()

    summary = await plan_stock(session)
    await session.commit()
    assert summary["series"] == 2 and summary["to_order"] >= 1 and summary["transfers"] == 1

    manager = await staff(client, session, ["store_manager"], [busy])
    forecasts = (
        await client.get("/api/v1/intelligence/forecasts", params={"store_id": busy.id}, headers=manager)
    ).json()
    assert len(forecasts) == 1
    f = forecasts[0]
    assert len(f["daily"]) == 28 and len(f["weekly"]) == 4
    assert 50 < f["weekly"][0] < 80  # about 64 a week
    forbidden = await client.get(
        "/api/v1/intelligence/forecasts", params={"store_id": quiet.id}, headers=manager
    )
    assert forbidden.status_code == 403

    rows = (await client.get("/api/v1/intelligence/replenishment", headers=manager)).json()
    assert [r["store_id"] for r in rows] == [busy.id]
    plan = rows[0]
    assert plan["reorder_point"] > plan["available"] == 5
    assert plan["quantity"] == plan["order_up_to"] - 5 and plan["safety_stock"] >= 0

    draft = await client.post(
        "/api/v1/intelligence/replenishment/drafts", json={"store_id": busy.id}, headers=manager
    )
    assert draft.status_code == 201, draft.text
    doc = await session.get(StockDocument, draft.json()["document_id"])
    assert doc is not None and doc.kind == "receipt" and doc.status == "draft" and doc.store_id == busy.id
    lines = list(
        await session.scalars(select(StockDocumentLine).where(StockDocumentLine.document_id == doc.id))
    )
    assert [(ln.sku_id, ln.quantity) for ln in lines] == [(sku.id, plan["quantity"])]
    await session.commit()
    again = await client.post(
        "/api/v1/intelligence/replenishment/drafts", json={"store_id": busy.id}, headers=manager
    )
    assert again.status_code == 400

    hq = await staff(client, session, ["hq_admin"], [])
    moves = (await client.get("/api/v1/intelligence/transfers", headers=hq)).json()
    assert len(moves) == 1
    move = moves[0]
    assert (move["from_store_id"], move["to_store_id"], move["sku_id"]) == (quiet.id, busy.id, sku.id)
    assert move["benefit"] > move["cost"] and move["quantity"] > 0
    assert (await client.get("/api/v1/intelligence/transfers", headers=manager)).status_code == 403

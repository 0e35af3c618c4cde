"""Decisions taken on HQ pages through HTTP: settlement statements generated and downloaded (a franchisee
only their own), held orders released or rejected."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import update

from backend.core.time import utcnow
from backend.orders.models import Order
from backend.pricing.days import local_date
from tests.backend.distribution.factories import till_sale
from tests.backend.hq.factories import csrf_of, hq_login
from tests.backend.orders.factories import ADDRESS, key, put_stock, shopper, staff
from tests.factories import create_merchant, create_sku, create_staff, create_store


async def test_statement_generated_on_the_page_downloads_as_csv_and_pdf(client, session):
    mine = await create_merchant(session, name="浦江加盟", commission_bp=500)
    theirs = await create_merchant(session, name="西湖加盟")
    store = await create_store(session, merchant_id=mine.id)
    tea = await create_sku(session, price=10_000)
    await put_stock(session, store, tea, 10)
    cashier = await staff(client, session, ["cashier"], [store])
    order = await till_sale(client, cashier, store, [(tea, 2)])
    yesterday = utcnow() - timedelta(days=1)
    await session.execute(
        update(Order)
        .where(Order.id == order["id"])
        .values(paid_at=yesterday, sold_at=yesterday, completed_at=yesterday)
    )
    hq = await create_staff(session, ["hq_admin"])
    other_admin = await create_staff(session, ["franchisee_admin"], merchant_id=theirs.id)
    await session.commit()
    await hq_login(client, hq)
    token = await csrf_of(client, "/hq/franchise")
    day = local_date(yesterday).isoformat()
    made = await client.post(
        "/hq/franchise/statements",
        data={"csrf": token, "merchant_id": mine.id, "period_start": day, "period_end": day},
    )
    assert made.status_code == 303, made.text
    page = await client.get("/hq/franchise")
    assert "浦江加盟" in page.text and "¥200.00" in page.text
    statement_id = int(page.text.split("/hq/franchise/statements/")[1].split(".")[0])
    rows = list(
        csv.reader(io.StringIO((await client.get(f"/hq/franchise/statements/{statement_id}.csv")).text))
    )
    assert any(r and r[0].startswith("总部佣金") and r[1] == "10.00" for r in rows)  # 5% of 200.00
    pdf = await client.get(f"/hq/franchise/statements/{statement_id}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    await client.post("/hq/logout", data={"csrf": token})
    await hq_login(client, other_admin)
    assert (await client.get(f"/hq/franchise/statements/{statement_id}.pdf")).status_code == 404
    assert "浦江加盟" not in (await client.get("/hq/franchise")).text


async def test_held_orders_are_released_or_rejected_on_the_risk_page(app, client, session):
    store = await create_store(session)
    sku = await create_sku(session)
    await put_stock(session, store, sku, 10)
    await session.commit()
    _, headers = await shopper(client, app, session)
    held = []
    for _ in range(2):
        body = {
            "fulfilment": "shipping",
            "store_id": store.id,
            "address": {**ADDRESS, "latitude": 0.0, "longitude": 0.0},
            "lines": [{"sku_id": sku.id, "quantity": 1}],
        }
        placed = await client.post("/api/v1/orders", json=body, headers={**headers, **key()})
        assert placed.status_code == 201 and placed.json()["status"] == "held", placed.text
        held.append(placed.json())
    hq = await create_staff(session, ["hq_admin"])
    await session.commit()
    await hq_login(client, hq)
    page = await client.get("/hq/risk")
    assert held[0]["number"] in page.text and "地址异常" in page.text
    token = await csrf_of(client, "/hq/risk")
    released = await client.post(f"/hq/risk/holds/{held[0]['id']}/release", data={"csrf": token})
    rejected = await client.post(f"/hq/risk/holds/{held[1]['id']}/reject", data={"csrf": token})
    assert released.status_code == 303 and rejected.status_code == 303
    statuses = [
        (await client.get(f"/api/v1/orders/{o['id']}", headers=headers)).json()["status"] for o in held
    ]
    assert statuses == ["pending_payment", "cancelled"]
    again = await client.post(f"/hq/risk/holds/{held[0]['id']}/release", data={"csrf": token})
    assert again.status_code in (404, 409)

"""The dashboard's sales figures, worked out by hand from till and online orders made through the API."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from sqlalchemy import update

from backend.core.time import utcnow
from backend.orders.models import Order
from tests.backend.hq.factories import hq_login
from tests.backend.orders.factories import pay, pickup_body, place, put_stock, shopper, staff
from tests.factories import create_merchant, create_region, create_sku, create_staff, create_store


async def till_sale(client, headers, store, sku, qty: int) -> dict:  # type: ignore[no-untyped-def]
    body = {
        "client_id": uuid.uuid4().hex,
        "store_id": store.id,
        "lines": [{"sku_id": sku.id, "quantity": qty}],
        "tenders": [{"method": "cash", "amount": 100_000}],
    }
    response = await client.post("/api/v1/pos/sales", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def kpis(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-kpi="(\w+)">([^<]+)<', html))


def changes(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-change="(\w+)">([^<]+)<', html))


async def test_sales_kpis_shares_and_comparison_with_the_previous_week(app, client, session):
    east = await create_region(session, name_zh="华东")
    west = await create_region(session, name_zh="西南")
    a = await create_store(session, region=east, name_zh="人民广场店")
    b = await create_store(session, region=west, name_zh="春熙路店")
    milk = await create_sku(session, price=1500, cost_price=1000)
    for store in (a, b):
        await put_stock(session, store, milk, 100)
    cashier_a = await staff(client, session, ["cashier"], [a])
    cashier_b = await staff(client, session, ["cashier"], [b])
    await till_sale(client, cashier_a, a, milk, 2)  # 30.00
    await till_sale(client, cashier_a, a, milk, 4)  # 60.00
    last_week = await till_sale(client, cashier_b, b, milk, 1)  # 15.00, moved to the previous week
    _, member = await shopper(client, app, session)
    order = (await place(client, member, pickup_body(b, [(milk, 2)]))).json()  # 30.00 online pickup
    await pay(client, member, order["id"])
    await session.execute(
        update(Order).where(Order.id == last_week["id"]).values(sold_at=utcnow() - timedelta(days=9))
    )
    hq = await create_staff(session, ["hq_admin"])
    await session.commit()
    await hq_login(client, hq)

    page = await client.get("/hq?period=week&by=store")
    assert page.status_code == 200
    seen = kpis(page.text)
    # This week: 30 + 60 at the till, 30 online → 120.00 over 3 orders.
    assert seen["sales"] == "¥120.00" and seen["orders"] == "3"
    assert seen["average_order"] == "¥40.00"
    assert seen["online_share"] == "25.0%"  # 30 of 120
    assert seen["pickup_share"] == "100.0%"  # the one online order is a pickup
    assert seen["active_members"] == "1"
    # Previous week: one 15.00 sale → sales up 700%, orders up 200%.
    assert changes(page.text)["sales"].endswith("700.0%") and changes(page.text)["orders"].endswith("200.0%")
    ranking = page.text[page.text.index('data-table="ranking"') :]
    assert ranking.index("人民广场店") < ranking.index("春熙路店")
    assert "¥90.00" in ranking and "¥15.00" in ranking

    by_region = await client.get("/hq?period=week&by=region")
    table = by_region.text[by_region.text.index('data-table="ranking"') :]
    assert "华东" in table and "西南" in table

    today = kpis((await client.get("/hq?period=day")).text)
    assert today["sales"] == "¥120.00"
    # Cost of goods sold this week: 8 units × 10.00; on hand 193 (the pickup is only reserved) at cost.
    assert seen["turnover"] == f"{8000 / (193 * 1000):.2f}"


async def test_sales_by_category_and_franchisee_scope(app, client, session):
    mine, theirs = await create_merchant(session), await create_merchant(session)
    own = await create_store(session, merchant_id=mine.id, name_zh="加盟一店")
    other = await create_store(session, merchant_id=theirs.id, name_zh="加盟二店")
    milk = await create_sku(session, price=1000)
    for store in (own, other):
        await put_stock(session, store, milk, 10)
    await till_sale(client, await staff(client, session, ["cashier"], [own]), own, milk, 1)
    await till_sale(client, await staff(client, session, ["cashier"], [other]), other, milk, 5)
    admin = await create_staff(session, ["franchisee_admin"], merchant_id=mine.id)
    await session.commit()
    await hq_login(client, admin)
    page = await client.get("/hq?period=week&by=store")
    assert kpis(page.text)["sales"] == "¥10.00" and "加盟二店" not in page.text
    by_category = await client.get("/hq?period=month&by=category")
    assert by_category.status_code == 200 and "¥10.00" in by_category.text
    assert (await client.get("/hq?period=year")).status_code == 422

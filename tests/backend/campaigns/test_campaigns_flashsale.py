"""秒杀 flash sale: the pool leaves the store's stock through the ledger; concurrent buyers never get more
than the pool and never more than the per-member limit; paid claims become orders; unpaid claims go back
to the pool; the slot's end gives the unsold units back to the store. The stampede over HTTP against a
live server runs on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from backend.campaigns.models import ClaimStatus, FlashClaim, FlashItem
from backend.campaigns.tasks import close_ended_items, expire_claims
from backend.core.time import utcnow
from backend.inventory.models import StockMovement
from backend.inventory.service.stock import check_ledger_invariant
from tests.backend.campaigns.factories import hq, members, pay, shop, stock_of, window


async def _slot(client, session, store, sku, pool=10, limit=1, price=990, **when):  # type: ignore[no-untyped-def]
    body = {
        "name_zh": "10点场",
        "name_en": "10 o'clock",
        **(when or window(hours=2)),
        "items": [
            {"store_id": store.id, "sku_id": sku.id, "price": price, "pool": pool, "per_member_limit": limit}
        ],
    }
    response = await client.post(
        "/api/v1/campaigns/flash-sales", json=body, headers=await hq(client, session)
    )
    assert response.status_code == 201, response.text
    return response.json()["items"][0]


async def _claims(app, item_id):  # type: ignore[no-untyped-def]
    async with app.state.db.read_sessionmaker() as check:
        return list(await check.scalars(select(FlashClaim).where(FlashClaim.item_id == item_id)))


async def _item(app, item_id):  # type: ignore[no-untyped-def]
    async with app.state.db.read_sessionmaker() as check:
        return await check.get(FlashItem, item_id)


async def test_pool_moves_out_of_store_stock_and_concurrent_buyers_get_exactly_the_pool(
    app, client, session, settings
):
    store, sku = await shop(session, stock=30)
    item = await _slot(client, session, store, sku, pool=10, limit=2)
    assert await stock_of(app, store, sku) == (20, 0)
    async with app.state.db.read_sessionmaker() as check:
        moved = await check.scalar(
            select(StockMovement.on_hand_delta).where(StockMovement.ref_type == "flash_pool")
        )
    assert moved == -10

    buyers = await members(session, settings, 25)

    async def buy(headers, quantity=1):  # type: ignore[no-untyped-def]
        return await client.post(
            f"/api/v1/campaigns/flash-items/{item['id']}/buy", params={"quantity": quantity}, headers=headers
        )

    # Every buyer asks twice at once (a double tap): one claim each at most, the repeat gets the same claim.
    responses = await asyncio.gather(*(buy(h) for _, h in buyers for _ in range(2)))
    won = [r for r in responses if r.status_code == 201]
    claims = {r.json()["id"] for r in won}
    assert len(claims) == 10
    assert {r.json()["error"] for r in responses if r.status_code != 201} == {"flash_sold_out"}
    per_member = Counter(r.json()["member_id"] for r in won)
    assert len(per_member) == 10
    rows = await _claims(app, item["id"])
    assert sorted(c.id for c in rows) == sorted(claims) and sum(c.quantity for c in rows) == 10
    assert (await _item(app, item["id"])).sold == 10
    assert all(c.amount == 990 for c in rows)

    too_many = await buy(buyers[0][1], quantity=3)
    assert too_many.status_code == 409 and too_many.json()["error"] == "member_limit_reached"


async def test_paid_claim_becomes_an_order_and_unpaid_ones_go_back_to_the_pool(
    app, client, session, settings
):
    store, sku = await shop(session, stock=10, price=4990)
    item = await _slot(client, session, store, sku, pool=3, limit=1, price=1990)
    (m1, h1), (m2, h2), (m3, h3), (m4, h4) = await members(session, settings, 4)
    c1 = (await client.post(f"/api/v1/campaigns/flash-items/{item['id']}/buy", headers=h1)).json()
    c2 = (await client.post(f"/api/v1/campaigns/flash-items/{item['id']}/buy", headers=h2)).json()
    assert c1["status"] == "held" and c1["amount"] == 1990
    repeat = (await client.post(f"/api/v1/campaigns/flash-items/{item['id']}/buy", headers=h1)).json()
    assert repeat["id"] == c1["id"] and repeat["repeat"] is True

    await pay(client, h1, f"/api/v1/campaigns/flash-claims/{c1['id']}/payment")
    mine = (await client.get("/api/v1/campaigns/flash-claims/mine", headers=h1)).json()
    assert mine[0]["status"] == "paid" and mine[0]["order_id"]
    order = (await client.get(f"/api/v1/orders/{mine[0]['order_id']}", headers=h1)).json()
    assert order["status"] == "paid" and order["total"] == 1990
    assert order["lines"][0]["price_reason"] == "flash_sale" and order["lines"][0]["base_price"] == 4990
    # 7 left in the store; the paid unit came back from the pool and is held for its order.
    assert await stock_of(app, store, sku) == (8, 1)

    # c2 is not paid in time: its unit goes back to the pool and someone else can have it.
    assert await expire_claims(app.state.db, utcnow() + timedelta(minutes=10)) == 1
    assert (await _item(app, item["id"])).sold == 1
    late = await client.post(f"/api/v1/campaigns/flash-claims/{c2['id']}/payment", headers=h2)
    assert late.status_code == 409
    assert (
        await client.post(f"/api/v1/campaigns/flash-items/{item['id']}/buy", headers=h3)
    ).status_code == 201
    assert (
        await client.post(f"/api/v1/campaigns/flash-items/{item['id']}/buy", headers=h4)
    ).status_code == 201
    # The member whose claim expired may buy again, but the pool is empty now.
    again = await client.post(f"/api/v1/campaigns/flash-items/{item['id']}/buy", headers=h2)
    assert again.status_code == 409 and again.json()["error"] == "flash_sold_out"
    assert (await _item(app, item["id"])).sold == 3


async def test_slot_end_returns_unsold_units_and_the_ledger_balances(app, client, session, settings):
    store, sku = await shop(session, stock=20)
    now = utcnow()
    upcoming = {
        "starts_at": (now + timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(hours=2)).isoformat(),
    }
    item = await _slot(client, session, store, sku, pool=8, **upcoming)
    ((m1, h1),) = await members(session, settings, 1)
    early = await client.post(f"/api/v1/campaigns/flash-items/{item['id']}/buy", headers=h1)
    assert early.status_code == 409 and early.json()["error"] == "flash_not_live"
    assert await stock_of(app, store, sku) == (12, 0)
    listed = (await client.get("/api/v1/campaigns/flash-sales")).json()
    assert listed[0]["items"][0]["pool"] == 8

    assert await close_ended_items(app.state.db, now + timedelta(hours=3)) == 1
    closed = await _item(app, item["id"])
    assert closed.status == "closed" and closed.returned == 8
    assert await stock_of(app, store, sku) == (20, 0)
    async with app.state.db.sessionmaker() as check:
        assert await check_ledger_invariant(check, store.id) == []


async def test_a_slot_needs_the_stock_for_its_pool(client, session):
    store, sku = await shop(session, stock=5)
    body = {
        "name_zh": "场",
        "name_en": "Slot",
        **window(),
        "items": [{"store_id": store.id, "sku_id": sku.id, "price": 100, "pool": 6}],
    }
    response = await client.post(
        "/api/v1/campaigns/flash-sales", json=body, headers=await hq(client, session)
    )
    assert response.status_code == 409 and response.json()["error"] == "out_of_stock"


async def test_stampede_over_http_on_a_live_server(app, client, session, settings, test_db, live_server):
    if test_db.kind != "postgresql":
        pytest.skip("the stampede over a live server is proven on PostgreSQL")
    store, sku = await shop(session, stock=500)
    pool = 120
    item = await _slot(client, session, store, sku, pool=pool, limit=2)
    buyers = await members(session, settings, 520)
    # 480 buyers ask for one unit, 40 ask for two, and 60 of them tap twice.
    requests = [(m, h, 2 if i < 40 else 1) for i, (m, h) in enumerate(buyers)]
    requests += requests[100:160]

    limits = httpx.Limits(max_connections=600, max_keepalive_connections=600)
    async with httpx.AsyncClient(base_url=live_server.url, limits=limits, timeout=60) as http:

        async def buy(headers, quantity):  # type: ignore[no-untyped-def]
            return await http.post(
                f"/api/v1/campaigns/flash-items/{item['id']}/buy",
                params={"quantity": quantity},
                headers=headers,
            )

        responses = await asyncio.gather(*(buy(h, q) for _, h, q in requests))

    assert len(responses) >= 580
    statuses = Counter(r.status_code for r in responses)
    assert set(statuses) <= {201, 409}, statuses
    won = {r.json()["id"]: r.json() for r in responses if r.status_code == 201}
    rows = await _claims(app, item["id"])
    assert sum(c.quantity for c in rows) == pool  # exactly the pool, not one unit more
    assert sorted(won) == sorted(c.id for c in rows)
    assert all(c.status == ClaimStatus.HELD for c in rows)
    by_member = Counter()
    for c in rows:
        by_member[c.member_id] += c.quantity
    assert max(by_member.values()) <= 2 and len({c.member_id for c in rows}) == len(rows)
    assert (await _item(app, item["id"])).sold == pool
    assert await stock_of(app, store, sku) == (500 - pool, 0)
    errors = {r.json()["error"] for r in responses if r.status_code == 409}
    assert errors == {"flash_sold_out"}

"""Scan-and-go (扫码购): placed at the shopper's store, paid in the sandbox, completed at once with its stock
taken once; unpaid ones cancelled by the unpaid-order job; exit passes checked by the store's own staff."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import httpx

from backend.core.time import utcnow
from backend.inventory.service import stock as inventory
from backend.orders.tasks import cancel_unpaid
from tests.backend.orders.factories import put_stock, shopper, staff, stock_row
from tests.factories import create_sku, create_store


async def scan_and_go(
    client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any], idem: str | None = None
) -> httpx.Response:
    return await client.post(
        "/api/v1/scan-and-go/orders",
        json=body,
        headers={**headers, "Idempotency-Key": idem or uuid.uuid4().hex},
    )


def body(store, lines) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {"store_id": store.id, "lines": [{"sku_id": s.id, "quantity": q} for s, q in lines]}


async def pay_in_sandbox(client: httpx.AsyncClient, headers: dict[str, str], order_id: int) -> dict[str, Any]:
    started = (await client.post(f"/api/v1/orders/{order_id}/payment", headers=headers)).json()
    path = started["pay_url"].split("/api/v1", 1)[1]
    assert (await client.post(f"/api/v1{path}/confirm")).status_code == 200
    r = await client.post(f"/api/v1/payments/{started['payment_id']}/sync", headers=headers)
    assert r.json()["status"] == "succeeded", r.text
    return (await client.get(f"/api/v1/orders/{order_id}", headers=headers)).json()


async def test_paid_scan_and_go_order_completes_at_once_and_takes_the_stock_once(app, client, session):
    store = await create_store(session)
    milk = await create_sku(session, price=650)
    bread = await create_sku(session, price=1200)
    await put_stock(session, store, milk, 10)
    await put_stock(session, store, bread, 3)
    _, headers = await shopper(client, app, session)

    r = await client.put("/api/v1/cart/store", json={"store_id": store.id}, headers=headers)
    assert r.status_code == 200, r.text
    idem = uuid.uuid4().hex
    r = await scan_and_go(client, headers, body(store, [(milk, 2), (bread, 1)]), idem)
    assert r.status_code == 201, r.text
    order = r.json()
    assert (order["channel"], order["fulfilment"], order["status"]) == (
        "scan_go",
        "in_store",
        "pending_payment",
    )
    assert order["total"] == 2 * 650 + 1200
    assert await stock_row(session, store, milk) == (10, 2)
    again = await scan_and_go(client, headers, body(store, [(milk, 2), (bread, 1)]), idem)
    assert again.status_code == 200 and again.json()["id"] == order["id"]

    paid = await pay_in_sandbox(client, headers, order["id"])
    assert paid["status"] == "completed", paid
    assert await stock_row(session, store, milk) == (8, 0)
    assert await stock_row(session, store, bread) == (2, 0)
    events = (await client.get(f"/api/v1/orders/{order['id']}/events", headers=headers)).json()
    assert [e["to_status"] for e in events] == ["pending_payment", "paid", "completed"]
    # No picking task: the goods are already in the shopper's hands.
    assert all(s["status"] == "delivered" for s in paid["shipments"])
    # Paying again does not take the stock twice.
    r = await client.post(f"/api/v1/orders/{order['id']}/payment", headers=headers)
    assert r.status_code == 409, r.text
    assert await stock_row(session, store, milk) == (8, 0)
    async with app.state.db.sessionmaker() as check:
        assert await inventory.check_ledger_invariant(check, store.id) == []

    # The store's staff let the shopper out; staff of another store are told it belongs elsewhere.
    other = await create_store(session)
    door = await staff(client, session, ["clerk"], [store])
    r = await client.post(
        "/api/v1/scan-and-go/exit-checks",
        json={"store_id": store.id, "code": f"OMO-EXIT:{order['number']}"},
        headers=door,
    )
    assert r.status_code == 200 and r.json()["id"] == order["id"], r.text
    again = await client.post(
        "/api/v1/scan-and-go/exit-checks",
        json={"store_id": store.id, "code": f"OMO-EXIT:{order['number']}"},
        headers=door,
    )
    assert again.status_code == 409 and again.json()["error"] == "exit_pass_invalid", again.text
    assert "used_at" in again.json()["detail"]
    elsewhere = await staff(client, session, ["clerk"], [other])
    r = await client.post(
        "/api/v1/scan-and-go/exit-checks",
        json={"store_id": other.id, "code": f"OMO-EXIT:{order['number']}"},
        headers=elsewhere,
    )
    assert r.status_code == 409 and r.json()["error"] == "wrong_store", r.text
    r = await client.post(
        "/api/v1/scan-and-go/exit-checks",
        json={"store_id": store.id, "code": f"OMO-EXIT:{order['number']}"},
        headers=elsewhere,
    )
    assert r.status_code == 403, r.text


async def test_scan_and_go_never_oversells(app, client, session):
    store = await create_store(session)
    sku = await create_sku(session)
    await put_stock(session, store, sku, 3)
    await session.commit()
    buyers = [await shopper(client, app, session) for _ in range(3)]

    async def buy(i: int) -> httpx.Response:
        idem = f"sg-{i}-{uuid.uuid4().hex[:8]}"
        response = await scan_and_go(client, buyers[i % 3][1], body(store, [(sku, 1)]), idem)
        while response.status_code == 503:
            await asyncio.sleep(float(response.headers.get("Retry-After", "1")))
            response = await scan_and_go(client, buyers[i % 3][1], body(store, [(sku, 1)]), idem)
        return response

    responses = await asyncio.gather(*(buy(i) for i in range(12)))
    codes = [r.status_code for r in responses]
    assert codes.count(201) == 3 and codes.count(409) == 9, codes
    for i, r in enumerate(responses):
        if r.status_code == 201:
            assert (await pay_in_sandbox(client, buyers[i % 3][1], r.json()["id"]))["status"] == "completed"
    assert await stock_row(session, store, sku) == (0, 0)


async def test_unpaid_scan_and_go_is_cancelled_and_the_stock_comes_back(app, client, session, settings):
    store = await create_store(session)
    sku = await create_sku(session)
    await put_stock(session, store, sku, 4)
    _, headers = await shopper(client, app, session)
    order = (await scan_and_go(client, headers, body(store, [(sku, 3)]))).json()
    assert await stock_row(session, store, sku) == (4, 3)
    async with app.state.db.sessionmaker() as job:
        later = utcnow() + timedelta(minutes=settings.unpaid_order_minutes + 1)
        assert await cancel_unpaid(job, later) == 1
        await job.commit()
    r = await client.get(f"/api/v1/orders/{order['id']}", headers=headers)
    assert r.json()["status"] == "cancelled"
    assert await stock_row(session, store, sku) == (4, 0)
    door = await staff(client, session, ["clerk"], [store])
    r = await client.post(
        "/api/v1/scan-and-go/exit-checks", json={"store_id": store.id, "code": order["number"]}, headers=door
    )
    assert r.status_code == 409 and r.json()["error"] == "exit_pass_invalid", r.text


async def test_goods_not_stocked_at_the_store_or_a_closed_store_are_refused(app, client, session):
    store = await create_store(session)
    other = await create_store(session)
    closed = await create_store(session, status="closed")
    sku = await create_sku(session)
    await put_stock(session, other, sku, 5)
    _, headers = await shopper(client, app, session)
    r = await scan_and_go(client, headers, body(store, [(sku, 1)]))
    assert r.status_code == 409 and r.json()["error"] == "out_of_stock", r.text
    r = await scan_and_go(client, headers, body(closed, [(sku, 1)]))
    assert r.status_code == 422 and r.json()["error"] == "fulfilment_unavailable", r.text
    r = await scan_and_go(client, headers, {"store_id": store.id, "lines": []})
    assert r.status_code == 422, r.text
    r = await client.post("/api/v1/scan-and-go/orders", json=body(other, [(sku, 1)]), headers=headers)
    assert r.status_code == 400 or r.status_code == 422, r.text
    assert await stock_row(session, other, sku) == (5, 0)

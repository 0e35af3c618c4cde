"""Safety stock, reorder points, low-stock and near-expiry alerts, and the read endpoints."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from backend.core.events import Event
from backend.core.time import utcnow
from backend.inventory import stock
from backend.inventory.tasks import near_expiry
from tests.backend.inventory.factories import create_category, put_stock, staff_headers
from tests.factories import create_sku, create_store

API = "/api/v1/inventory"


async def _events(session, store_id, type_):
    rows = await session.scalars(
        select(Event).where(Event.topic == f"store:{store_id}:stock", Event.type == type_).order_by(Event.id)
    )
    payloads = [e.payload for e in rows]
    await session.commit()
    return payloads


async def test_reorder_point_raises_low_stock_alert_on_the_change_that_crosses_it(client, session):
    store = await create_store(session)
    sku = await create_sku(session)
    await put_stock(session, store, sku, 10)
    clerk = await staff_headers(client, session, ["clerk"], [store])
    manager = await staff_headers(client, session, ["store_manager"], [store])

    assert (
        await client.patch(
            f"{API}/stores/{store.id}/stock/{sku.id}", json={"reorder_point": 4}, headers=clerk
        )
    ).status_code == 403
    bad = await client.patch(
        f"{API}/stores/{store.id}/stock/{sku.id}", json={"reorder_point": -1}, headers=manager
    )
    assert bad.status_code == 422
    set_ = await client.patch(
        f"{API}/stores/{store.id}/stock/{sku.id}",
        json={"reorder_point": 4, "safety_stock": 2},
        headers=manager,
    )
    assert set_.status_code == 200 and set_.json()["reorder_point"] == 4
    assert (await client.get(f"{API}/alerts", params={"store_id": store.id}, headers=clerk)).json() == []

    await stock.reserve(session, store.id, [(sku.id, 5)], "order", "L1", utcnow() + timedelta(minutes=5))
    await session.commit()
    assert await _events(session, store.id, "alert.low_stock") == []
    await stock.reserve(session, store.id, [(sku.id, 1)], "order", "L2", utcnow() + timedelta(minutes=5))
    await session.commit()
    pushed = await _events(session, store.id, "alert.low_stock")
    assert len(pushed) == 1 and pushed[0]["available"] == 4 and pushed[0]["reorder_point"] == 4
    await stock.reserve(session, store.id, [(sku.id, 1)], "order", "L3", utcnow() + timedelta(minutes=5))
    await session.commit()
    assert len(await _events(session, store.id, "alert.low_stock")) == 1  # once per crossing

    alerts = (
        await client.get(f"{API}/alerts", params={"store_id": store.id, "kind": "low_stock"}, headers=clerk)
    ).json()
    assert len(alerts) == 1 and alerts[0]["sku_id"] == sku.id
    low = (
        await client.get(f"{API}/stores/{store.id}/stock", params={"low_only": True}, headers=clerk)
    ).json()
    assert [r["sku_id"] for r in low["items"]] == [sku.id] and low["items"][0]["low"] is True

    await stock.release(session, "order", "L1", "cancelled")
    await session.commit()
    resolved = (
        await client.get(f"{API}/alerts", params={"store_id": store.id, "status": "resolved"}, headers=clerk)
    ).json()
    assert [a["kind"] for a in resolved] == ["low_stock"]


async def test_near_expiry_job_uses_category_windows_and_pushes_once(app, client, session):
    store = await create_store(session)
    dairy = await create_category(session)
    yoghurt = await create_category(session, parent=dairy)
    snacks = await create_category(session)
    cup = await create_sku(session, category=yoghurt)
    chips = await create_sku(session, category=snacks)
    today = date.today()
    await put_stock(session, store, cup, 6, batch_no="Y1", expires_on=today + timedelta(days=9))
    await put_stock(session, store, chips, 3, batch_no="C1", expires_on=today + timedelta(days=9))
    await put_stock(session, store, chips, 3, batch_no="C0", expires_on=today + timedelta(days=2))
    hq = await staff_headers(client, session, ["hq_admin"], None)
    clerk = await staff_headers(client, session, ["clerk"], [store])

    assert (
        await client.put(f"{API}/expiry-windows", json={"category_id": dairy.id, "days": 10}, headers=clerk)
    ).status_code == 403
    window = await client.put(f"{API}/expiry-windows", json={"category_id": dairy.id, "days": 10}, headers=hq)
    assert window.status_code == 200 and window.json()["scope"] == f"category:{dairy.id}"
    listed = (await client.get(f"{API}/expiry-windows", headers=clerk)).json()
    assert {"scope": "default", "category_id": None, "days": 7} in listed

    assert await near_expiry(app.state.db) == 2  # yoghurt via its parent (10 d), chips C0 (7 d default)
    assert await near_expiry(app.state.db) == 0
    alerts = (await client.get(f"{API}/alerts", params={"kind": "near_expiry"}, headers=clerk)).json()
    assert sorted(a["detail"]["batch_no"] for a in alerts) == ["C0", "Y1"]
    pushed = await _events(session, store.id, "alert.near_expiry")
    assert sorted(p["batch_no"] for p in pushed) == ["C0", "Y1"]

    c0 = next(a for a in alerts if a["detail"]["batch_no"] == "C0")
    ack = await client.post(f"{API}/alerts/{c0['id']}/acknowledge", headers=clerk)
    assert ack.status_code == 200 and ack.json()["status"] == "acknowledged"
    expiring = (
        await client.get(
            f"{API}/stores/{store.id}/batches", params={"expiring_within_days": 5}, headers=clerk
        )
    ).json()
    assert [b["batch_no"] for b in expiring] == ["C0"]

    await stock.sell(session, store.id, [(cup.id, 6)], "pos", "clearance")
    await session.commit()
    assert await near_expiry(app.state.db) == 0  # the acknowledged C0 is not raised again
    assert (await client.get(f"{API}/alerts", params={"kind": "near_expiry"}, headers=clerk)).json() == []
    resolved = (await client.get(f"{API}/alerts", params={"status": "resolved"}, headers=clerk)).json()
    assert [a["detail"]["batch_no"] for a in resolved] == ["Y1"]  # its batch sold out


async def test_reservations_ledger_and_adjustment_endpoints(client, session):
    store = await create_store(session)
    skus = [await create_sku(session) for _ in range(3)]
    for sku in skus:
        await put_stock(session, store, sku, 4)
    await stock.reserve(
        session, store.id, [(skus[0].id, 1), (skus[1].id, 2)], "order", "R9", utcnow() + timedelta(minutes=5)
    )
    await session.commit()
    manager = await staff_headers(client, session, ["store_manager"], [store])

    page = (
        await client.get(f"{API}/stores/{store.id}/stock", params={"page_size": 2}, headers=manager)
    ).json()
    assert page["total"] == 3 and len(page["items"]) == 2
    page2 = (
        await client.get(
            f"{API}/stores/{store.id}/stock", params={"page_size": 2, "page": 2}, headers=manager
        )
    ).json()
    assert len(page2["items"]) == 1
    res = (
        await client.get(f"{API}/stores/{store.id}/reservations", params={"ref_id": "R9"}, headers=manager)
    ).json()
    assert res["total"] == 2 and {r["status"] for r in res["items"]} == {"active"}
    assert (
        await client.get(f"{API}/stores/{store.id}/reservations", params={"status": "bogus"}, headers=manager)
    ).status_code == 422

    adjust = f"{API}/stores/{store.id}/stock/{skus[2].id}/adjustments"
    headers = {**manager, "Idempotency-Key": "adj-1"}
    first = await client.post(adjust, json={"delta": -3, "reason": "破损"}, headers=headers)
    again = await client.post(adjust, json={"delta": -3, "reason": "破损"}, headers=headers)
    assert first.status_code == 200 and first.json()["on_hand"] == 1 and again.json()["on_hand"] == 1
    too_many = await client.post(adjust, json={"delta": -2, "reason": "破损"}, headers=manager)
    assert too_many.status_code == 409 and too_many.json()["error"] == "out_of_stock"
    assert (await client.post(adjust, json={"delta": 0, "reason": "x"}, headers=manager)).status_code == 422
    ledger = (
        await client.get(
            f"{API}/stores/{store.id}/movements",
            params={"sku_id": skus[2].id, "kind": "adjustment"},
            headers=manager,
        )
    ).json()
    assert [(m["on_hand_delta"], m["note"], m["actor_kind"]) for m in ledger["items"]] == [
        (-3, "破损", "staff")
    ]
    assert await stock.check_ledger_invariant(session) == []

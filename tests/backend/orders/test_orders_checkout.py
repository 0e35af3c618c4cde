"""Cart, checkout, idempotency, overselling under concurrency, the state machine and unpaid auto-cancel."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from backend.core.events import Event
from backend.core.time import utcnow
from backend.inventory.models import StockMovement
from backend.inventory.service import stock as inventory
from backend.orders.checkout import check_slot
from backend.orders.errors import BadPickupSlot
from backend.orders.models import Order
from backend.orders.tasks import cancel_unpaid, cancel_unpaid_orders
from backend.stores.models import Store
from tests.backend.orders.factories import (
    ADDRESS,
    pay,
    pickup_body,
    place,
    put_stock,
    shopper,
    slot,
    stock_row,
)
from tests.factories import HOURS_24H, create_sku, create_store


async def test_cart_prices_lines_and_explains_the_ones_that_cannot_be_bought(app, client, session):
    store = await create_store(session)
    ok = await create_sku(session, price=1250, specs={"颜色": "白", "尺码": "M"})
    off = await create_sku(session, status="off_shelf")
    not_here = await create_sku(session)
    sold_out = await create_sku(session)
    few = await create_sku(session)
    await put_stock(session, store, ok, 10)
    await put_stock(session, store, off, 5)
    await put_stock(session, store, sold_out, 0)
    await put_stock(session, store, few, 2)
    _, headers = await shopper(client, app, session)
    for sku, qty in ((ok, 2), (off, 1), (not_here, 1), (sold_out, 1), (few, 3)):
        r = await client.post("/api/v1/cart/lines", json={"sku_id": sku.id, "quantity": qty}, headers=headers)
        assert r.status_code == 200, r.text
    r = await client.post("/api/v1/cart/lines", json={"sku_id": ok.id, "quantity": 1}, headers=headers)
    r = await client.put("/api/v1/cart/store", json={"store_id": store.id}, headers=headers)
    assert r.status_code == 200, r.text
    cart = r.json()
    by_sku = {line["sku_id"]: line for line in cart["lines"]}
    assert by_sku[ok.id]["quantity"] == 3 and by_sku[ok.id]["problems"] == []
    assert by_sku[ok.id]["unit_price"] == 1250 and by_sku[ok.id]["line_total"] == 3750
    assert by_sku[ok.id]["specs"] == {"颜色": "白", "尺码": "M"}
    assert [p["code"] for p in by_sku[off.id]["problems"]] == ["off_shelf"]
    assert [p["code"] for p in by_sku[not_here.id]["problems"]] == ["not_sold_here"]
    assert [p["code"] for p in by_sku[sold_out.id]["problems"]] == ["out_of_stock"]
    assert by_sku[few.id]["problems"][0]["code"] == "quantity_above_available"
    assert by_sku[few.id]["problems"][0]["available"] == 2
    assert cart["valid"] is False
    r = await client.patch(f"/api/v1/cart/lines/{few.id}", json={"quantity": 2}, headers=headers)
    for sku in (off, not_here, sold_out):
        r = await client.delete(f"/api/v1/cart/lines/{sku.id}", headers=headers)
        assert r.status_code == 200
    assert r.json()["valid"] is True and r.json()["total"] == 3750 + 2000
    r = await client.patch(f"/api/v1/cart/lines/{off.id}", json={"quantity": 0}, headers=headers)
    assert r.status_code == 422
    # Checkout from the cart buys its lines and empties it.
    r = await place(
        client, headers, {"fulfilment": "pickup", "store_id": store.id, "pickup_slot_start": slot()}
    )
    assert r.status_code == 201, r.text
    assert r.json()["total"] == 5750
    assert (await client.get("/api/v1/cart", headers=headers)).json()["lines"] == []


async def test_pickup_checkout_reserves_stock_and_snapshots_prices(app, client, session):
    store = await create_store(session)
    sku = await create_sku(session, price=990)
    await put_stock(session, store, sku, 5)
    member_id, headers = await shopper(client, app, session)
    r = await place(client, headers, pickup_body(store, [(sku, 2)]))
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["status"] == "pending_payment" and order["member_id"] == member_id
    assert order["lines"][0]["unit_price"] == 990 and order["lines"][0]["line_total"] == 1980
    assert order["total"] == 1980 and order["shipping_fee"] == 0
    assert await stock_row(session, store, sku) == (5, 2)
    events = (await client.get(f"/api/v1/orders/{order['id']}/events", headers=headers)).json()
    assert events[0]["from_status"] is None and events[0]["to_status"] == "pending_payment"
    assert events[0]["actor_kind"] == "member"
    topics = set(await session.scalars(select(Event.topic).where(Event.type == "order.created")))
    await session.commit()
    assert topics == {f"order:{order['id']}", f"store:{store.id}:orders", f"member:{member_id}"}


async def test_pickup_slot_outside_opening_hours_is_refused(app, client, session):
    store = await create_store(session, opening_hours={})
    sku = await create_sku(session)
    await put_stock(session, store, sku, 5)
    _, headers = await shopper(client, app, session)
    r = await place(client, headers, pickup_body(store, [(sku, 1)]))
    assert r.status_code == 422 and r.json()["error"] == "bad_pickup_slot"
    r = await place(client, headers, {**pickup_body(store, [(sku, 1)]), "store_id": None})
    assert r.status_code == 422


def test_a_late_slot_runs_past_midnight_only_where_the_store_stays_open():
    now = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
    late = datetime(2026, 11, 22, 15, 45, tzinfo=UTC)  # 23:45 in Shanghai, ends 00:15 on Monday
    round_the_clock = Store(timezone="Asia/Shanghai", opening_hours=HOURS_24H)
    assert check_slot(round_the_clock, late, now)[0] == late
    evenings = Store(timezone="Asia/Shanghai", opening_hours={**HOURS_24H, "mon": ["08:00", "22:00"]})
    with pytest.raises(BadPickupSlot):
        check_slot(evenings, late, now)
    closing = Store(timezone="Asia/Shanghai", opening_hours={**HOURS_24H, "sun": ["09:00", "23:30"]})
    with pytest.raises(BadPickupSlot):
        check_slot(closing, late, now)
    assert check_slot(closing, late - timedelta(minutes=45), now)


async def test_delivery_inside_radius_charges_the_fee_and_outside_is_refused_with_reason(
    app, client, session
):
    store = await create_store(
        session, delivery_radius_m=3000, delivery_base_fee=500, delivery_fee_per_km=100
    )
    sku = await create_sku(session, price=2000)
    await put_stock(session, store, sku, 5)
    _, headers = await shopper(client, app, session)
    near = {**ADDRESS, "latitude": 31.2404, "longitude": 121.4737}  # about 1.1 km north
    body = {
        "fulfilment": "delivery",
        "store_id": store.id,
        "address": near,
        "lines": [{"sku_id": sku.id, "quantity": 1}],
    }
    r = await place(client, headers, body)
    assert r.status_code == 201, r.text
    assert r.json()["shipping_fee"] == 600 and r.json()["total"] == 2600
    far = {**ADDRESS, "latitude": 31.3304, "longitude": 121.4737}  # about 11 km
    r = await place(client, headers, {**body, "address": far})
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "outside_delivery_area"
    assert r.json()["detail"]["radius_m"] == 3000 and r.json()["detail"]["distance_m"] > 10_000
    r = await place(client, headers, {**body, "address": ADDRESS})
    assert r.status_code == 422  # delivery needs coordinates


async def test_shipping_charges_the_flat_fee_and_hq_can_change_it(app, client, session):
    from tests.backend.orders.factories import staff

    warehouse = await create_store(session, kind="warehouse")
    sku = await create_sku(session, price=5000)
    await put_stock(session, warehouse, sku, 5)
    hq = await staff(client, session, ["hq_admin"], [])
    r = await client.put("/api/v1/routing/config", json={"shipping_fee": 800}, headers=hq)
    assert r.status_code == 200 and r.json()["shipping_fee"] == 800
    _, headers = await shopper(client, app, session)
    r = await place(
        client,
        headers,
        {"fulfilment": "shipping", "address": ADDRESS, "lines": [{"sku_id": sku.id, "quantity": 2}]},
    )
    assert r.status_code == 201, r.text
    assert r.json()["store_id"] == warehouse.id
    assert r.json()["shipping_fee"] == 800 and r.json()["total"] == 10_800


async def test_idempotent_replay_returns_the_same_order_and_reserves_once(app, client, session):
    store = await create_store(session)
    sku = await create_sku(session)
    await put_stock(session, store, sku, 5)
    _, headers = await shopper(client, app, session)
    body = pickup_body(store, [(sku, 2)])
    first = await place(client, headers, body, idem="same-key-123")
    again = await place(client, headers, body, idem="same-key-123")
    assert first.status_code == 201 and again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert await stock_row(session, store, sku) == (5, 2)
    assert await session.scalar(select(func.count()).select_from(Order)) == 1
    await session.commit()
    other = await place(client, headers, pickup_body(store, [(sku, 1)]), idem="same-key-123")
    assert other.status_code == 422 and other.json()["error"] == "idempotency_key_reused"
    r = await client.post("/api/v1/orders", json=body, headers=headers)
    assert r.status_code == 400 and r.json()["error"] == "idempotency_key_required"


async def test_200_concurrent_buyers_never_oversell_50_units(app, client, session):
    store = await create_store(session)
    sku = await create_sku(session)
    await put_stock(session, store, sku, 50)
    await session.commit()
    shoppers = [await shopper(client, app, session) for _ in range(4)]
    body = pickup_body(store, [(sku, 1)])

    async def buy(i: int):
        key = f"buyer-{i}-{uuid.uuid4().hex[:8]}"
        response = await place(client, shoppers[i % 4][1], body, idem=key)
        # A 503 (no database connection free in time) says "try again": the buyer retries, same key.
        while response.status_code == 503:
            await asyncio.sleep(float(response.headers.get("Retry-After", "1")))
            response = await place(client, shoppers[i % 4][1], body, idem=key)
        return response

    responses = await asyncio.gather(*(buy(i) for i in range(200)))
    codes = [r.status_code for r in responses]
    assert codes.count(201) == 50, {c: codes.count(c) for c in set(codes)}
    assert codes.count(409) == 150, {c: codes.count(c) for c in set(codes)}
    assert {r.json()["error"] for r in responses if r.status_code == 409} == {"out_of_stock"}
    assert await stock_row(session, store, sku) == (50, 50)
    async with app.state.db.sessionmaker() as check:
        assert await inventory.check_ledger_invariant(check, store.id) == []
        reserved = await check.scalar(
            select(func.sum(StockMovement.reserved_delta)).where(
                StockMovement.store_id == store.id, StockMovement.sku_id == sku.id
            )
        )
        assert reserved == 50
        assert await check.scalar(select(func.count()).select_from(Order)) == 50
        # The reservations lapse: the sweeper gives every unit back.
        released = await inventory.release_expired(check, utcnow() + timedelta(hours=1))
        await check.commit()
        assert released == 50
        assert await inventory.check_ledger_invariant(check, store.id) == []
    assert await stock_row(session, store, sku) == (50, 0)


async def test_illegal_transitions_are_refused_with_both_states(app, client, session):
    store = await create_store(session)
    sku = await create_sku(session)
    await put_stock(session, store, sku, 5)
    _, headers = await shopper(client, app, session)
    order = (await place(client, headers, pickup_body(store, [(sku, 1)]))).json()
    r = await client.post(f"/api/v1/orders/{order['id']}/complete", headers=headers)
    assert r.status_code == 409
    assert r.json()["error"] == "invalid_state"
    assert (
        r.json()["detail"]["current"] == "pending_payment" and r.json()["detail"]["requested"] == "completed"
    )
    r = await client.post(
        f"/api/v1/orders/{order['id']}/cancel", json={"reason": "changed my mind"}, headers=headers
    )
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert await stock_row(session, store, sku) == (5, 0)
    r = await client.post(f"/api/v1/orders/{order['id']}/payment", headers=headers)
    assert r.status_code == 409 and r.json()["detail"]["current"] == "cancelled"
    r = await client.post(f"/api/v1/orders/{order['id']}/cancel", json={}, headers=headers)
    assert r.status_code == 409


async def test_paid_order_then_cancel_refunds_through_the_payment(app, client, session):
    store = await create_store(session)
    sku = await create_sku(session, price=1500)
    await put_stock(session, store, sku, 5)
    _, headers = await shopper(client, app, session)
    order = (await place(client, headers, pickup_body(store, [(sku, 2)]))).json()
    paid = await pay(client, headers, order["id"])
    assert paid["paid_amount"] == 3000 and paid["tenders"][0]["payment_id"]
    assert len(paid["lines"]) == 1
    assert await stock_row(session, store, sku) == (5, 2)
    r = await client.post(f"/api/v1/orders/{order['id']}/cancel", json={"reason": "不要了"}, headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "cancelled" and r.json()["refunded_amount"] == 3000
    assert r.json()["refunds"][0]["provider_refund_id"]
    assert await stock_row(session, store, sku) == (5, 0)


async def test_unpaid_orders_are_cancelled_after_the_window_and_stock_comes_back(
    app, client, session, settings
):
    store = await create_store(session)
    sku = await create_sku(session)
    await put_stock(session, store, sku, 5)
    _, headers = await shopper(client, app, session)
    unpaid = (await place(client, headers, pickup_body(store, [(sku, 2)]))).json()
    paid = (await place(client, headers, pickup_body(store, [(sku, 1)]))).json()
    await pay(client, headers, paid["id"])
    async with app.state.db.sessionmaker() as job:
        assert await cancel_unpaid(job, utcnow()) == 0
        later = utcnow() + timedelta(minutes=settings.unpaid_order_minutes + 1)
        assert await cancel_unpaid(job, later) == 1
        await job.commit()
    r = await client.get(f"/api/v1/orders/{unpaid['id']}", headers=headers)
    assert r.json()["status"] == "cancelled"
    assert (await client.get(f"/api/v1/orders/{paid['id']}", headers=headers)).json()["status"] == "paid"
    assert await stock_row(session, store, sku) == (5, 1)
    events = (await client.get(f"/api/v1/orders/{unpaid['id']}/events", headers=headers)).json()
    assert events[-1]["to_status"] == "cancelled" and events[-1]["actor_kind"] == "system"
    late = (await place(client, headers, pickup_body(store, [(sku, 3)]))).json()
    assert await cancel_unpaid_orders(app.state.db, later) == 1
    assert (await client.get(f"/api/v1/orders/{late['id']}", headers=headers)).json()["status"] == "cancelled"
    assert await stock_row(session, store, sku) == (5, 1)


async def test_paying_after_the_reservation_lapsed_holds_the_stock_again(app, client, session):
    store = await create_store(session)
    sku = await create_sku(session)
    await put_stock(session, store, sku, 3)
    _, headers = await shopper(client, app, session)
    order = (await place(client, headers, pickup_body(store, [(sku, 2)]))).json()
    async with app.state.db.sessionmaker() as job:
        await inventory.release_expired(job, utcnow() + timedelta(hours=1))
        await job.commit()
    assert await stock_row(session, store, sku) == (3, 0)
    await pay(client, headers, order["id"])
    assert await stock_row(session, store, sku) == (3, 2)
    async with app.state.db.sessionmaker() as job:
        assert await inventory.release_expired(job, utcnow() + timedelta(hours=1)) == 0
        await job.commit()


async def test_a_payment_that_arrives_after_cancellation_is_refunded(app, client, session):
    store = await create_store(session)
    sku = await create_sku(session, price=1200)
    await put_stock(session, store, sku, 5)
    _, headers = await shopper(client, app, session)
    order = (await place(client, headers, pickup_body(store, [(sku, 1)]))).json()
    started = (await client.post(f"/api/v1/orders/{order['id']}/payment", headers=headers)).json()
    r = await client.post(f"/api/v1/orders/{order['id']}/cancel", json={"reason": "下错了"}, headers=headers)
    assert r.json()["status"] == "cancelled"
    path = started["pay_url"].split("/api/v1", 1)[1]
    assert (await client.post(f"/api/v1{path}/confirm")).status_code == 200
    r = await client.post(f"/api/v1/payments/{started['payment_id']}/sync", headers=headers)
    assert r.json()["status"] == "succeeded"
    await client.post(f"/api/v1/payments/{started['payment_id']}/sync", headers=headers)
    view = (await client.get(f"/api/v1/orders/{order['id']}", headers=headers)).json()
    assert view["status"] == "cancelled" and len(view["tenders"]) == 1
    assert [(r["reason"], r["amount"]) for r in view["refunds"]] == [("paid after cancellation", 1200)]
    assert view["refunds"][0]["provider_refund_id"]
    assert await stock_row(session, store, sku) == (5, 0)


async def test_only_the_shopper_and_the_stores_staff_may_follow_an_order(app, client, session):
    from backend.auth.principal import Principal
    from backend.realtime.access import authorize
    from backend.realtime.errors import TopicForbidden

    store = await create_store(session)
    other = await create_store(session)
    sku = await create_sku(session)
    await put_stock(session, store, sku, 5)
    member_id, headers = await shopper(client, app, session)
    order = (await place(client, headers, pickup_body(store, [(sku, 1)]))).json()
    topic = f"order:{order['id']}"
    async with app.state.db.sessionmaker() as check:
        assert await authorize(check, Principal(kind="member", id=member_id), [topic]) == [topic]
        staff_here = Principal(
            kind="staff", id=1, roles=frozenset({"clerk"}), store_ids=frozenset({store.id})
        )
        assert await authorize(check, staff_here, [topic]) == [topic]
        for stranger in (
            Principal(kind="member", id=member_id + 1000),
            Principal(kind="staff", id=2, roles=frozenset({"clerk"}), store_ids=frozenset({other.id})),
        ):
            try:
                await authorize(check, stranger, [topic])
            except TopicForbidden:
                continue
            raise AssertionError(f"{stranger} may follow {topic}")


async def test_paying_after_the_stock_was_sold_elsewhere_cancels_and_refunds(app, client, session):
    from tests.backend.orders.factories import staff

    store = await create_store(session)
    sku = await create_sku(session, price=800)
    other = await create_sku(session, price=100)
    await put_stock(session, store, sku, 2)
    await put_stock(session, store, other, 5)
    _, headers = await shopper(client, app, session)
    cashier = await staff(client, session, ["cashier"], [store])
    order = (await place(client, headers, pickup_body(store, [(other, 1), (sku, 2)]))).json()
    async with app.state.db.sessionmaker() as job:
        await inventory.release_expired(job, utcnow() + timedelta(hours=1))
        await job.commit()
    sale = {
        "client_id": uuid.uuid4().hex,
        "store_id": store.id,
        "lines": [{"sku_id": sku.id, "quantity": 1}],
        "tenders": [{"method": "cash", "amount": 800}],
    }
    assert (await client.post("/api/v1/pos/sales", json=sale, headers=cashier)).status_code == 201
    started = (await client.post(f"/api/v1/orders/{order['id']}/payment", headers=headers)).json()
    path = started["pay_url"].split("/api/v1", 1)[1]
    await client.post(f"/api/v1{path}/confirm")
    r = await client.post(f"/api/v1/payments/{started['payment_id']}/sync", headers=headers)
    assert r.json()["status"] == "succeeded"
    view = (await client.get(f"/api/v1/orders/{order['id']}", headers=headers)).json()
    assert view["status"] == "cancelled" and view["cancel_reason"] == "stock_gone"
    assert view["refunded_amount"] == view["paid_amount"] == 1700
    assert await stock_row(session, store, sku) == (1, 0)
    assert await stock_row(session, store, other) == (5, 0)

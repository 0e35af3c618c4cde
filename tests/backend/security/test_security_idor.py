"""Nobody reaches rows that are not theirs: shoppers, store staff and franchisees (IDOR)."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from backend.appointments.models import Booking
from backend.auth import service as auth_service
from backend.marketing.models import Coupon
from backend.members import wallet
from backend.orders.models import Order
from tests.backend.appointments.factories import at, create_service, create_technician, local_day
from tests.backend.marketing.factories import create_coupon, create_template
from tests.backend.orders.factories import ADDRESS, put_stock
from tests.backend.security.factories import mint
from tests.factories import (
    PEOPLES_SQUARE,
    create_member,
    create_merchant,
    create_region,
    create_sku,
    create_staff,
    create_store,
)

API = "/api/v1"


async def _world(session, settings):  # type: ignore[no-untyped-def]
    """Two merchants' stores, two shoppers with an order, a coupon, stored value and a booking each."""
    region = await create_region(session)
    merchant_a, merchant_b = await create_merchant(session), await create_merchant(session)
    store_a = await create_store(session, region, merchant_id=merchant_a.id)
    store_b = await create_store(session, region, merchant_id=merchant_b.id)
    sku = await create_sku(session, price=15000)
    for store in (store_a, store_b):
        await put_stock(session, store, sku, 20)
    alice, bob = await create_member(session), await create_member(session)
    template = await create_template(session)
    coupons = {m.id: await create_coupon(session, template, m.id) for m in (alice, bob)}
    for m in (alice, bob):
        await wallet.top_up(
            session, settings, m.id, 10000, "till_cash", f"seed-{m.id}-{uuid.uuid4().hex[:6]}"
        )
    service = await create_service(session)
    day = local_day()
    tech = await create_technician(session, store_a, shifts=[(day, "09:00", "18:00")])
    heads = {
        "alice": await mint(session, settings, auth_service.member_principal(alice.id)),
        "bob": await mint(session, settings, auth_service.member_principal(bob.id)),
    }
    for name, roles, stores, extra in (
        ("clerk_a", ["clerk"], [store_a], {}),
        ("manager_a", ["store_manager"], [store_a], {}),
        ("franchisee_a", ["franchisee_admin"], [], {"merchant_id": merchant_a.id}),
    ):
        staff = await create_staff(session, roles, stores, **extra)
        heads[name] = await mint(session, settings, await auth_service.staff_principal(session, staff))
    await session.commit()
    return {
        "store_a": store_a,
        "store_b": store_b,
        "sku": sku,
        "alice": alice,
        "bob": bob,
        "coupons": coupons,
        "service": service,
        "tech": tech,
        "day": day,
        "h": heads,
    }


async def _order(client, headers, store, sku, **extra):  # type: ignore[no-untyped-def]
    body = {"fulfilment": "delivery", "store_id": store.id, "lines": [{"sku_id": sku.id, "quantity": 1}]}
    address = {**ADDRESS, "latitude": PEOPLES_SQUARE[0], "longitude": PEOPLES_SQUARE[1]}
    body.update({"address": address, "coupon_ids": [], **extra})
    response = await client.post(
        f"{API}/orders", json=body, headers={**headers, "Idempotency-Key": uuid.uuid4().hex}
    )
    return response


async def test_a_shopper_cannot_read_or_change_another_shoppers_order(client, session, settings):
    w = await _world(session, settings)
    placed = await _order(client, w["h"]["alice"], w["store_a"], w["sku"])
    assert placed.status_code == 201, placed.text
    order_id = placed.json()["id"]
    bob = w["h"]["bob"]
    for method, path in (
        ("GET", f"/orders/{order_id}"),
        ("GET", f"/orders/{order_id}/events"),
        ("GET", f"/orders/{order_id}/receipt"),
        ("GET", f"/orders/{order_id}/pickup-code"),
        ("GET", f"/orders/{order_id}/returns"),
        ("POST", f"/orders/{order_id}/cancel"),
        ("POST", f"/orders/{order_id}/payment"),
    ):
        response = await client.request(
            method, API + path, headers=bob, json={} if method == "POST" else None
        )
        assert response.status_code in (403, 404), (method, path, response.status_code, response.text)
        assert "contact_name" not in response.text and ADDRESS["phone"] not in response.text
    listed = await client.get(f"{API}/orders", headers=bob)
    assert listed.status_code == 200 and all(o["id"] != order_id for o in listed.json())
    order = await session.scalar(
        select(Order).where(Order.id == order_id).execution_options(populate_existing=True)
    )
    assert order is not None and order.status == "pending_payment"
    # Alice herself still reads it, address and all.
    mine = await client.get(f"{API}/orders/{order_id}", headers=w["h"]["alice"])
    assert mine.status_code == 200


async def test_a_shopper_cannot_use_or_see_another_shoppers_coupon(client, session, settings):
    w = await _world(session, settings)
    bobs_coupon = w["coupons"][w["bob"].id]
    mine = await client.get(f"{API}/marketing/coupons/mine", headers=w["h"]["alice"])
    assert mine.status_code == 200
    assert bobs_coupon.id not in {c["id"] for c in mine.json()}
    placed = await _order(client, w["h"]["alice"], w["store_a"], w["sku"], coupon_ids=[bobs_coupon.id])
    assert placed.status_code in (403, 404, 409, 422), placed.text
    coupon = await session.scalar(
        select(Coupon).where(Coupon.id == bobs_coupon.id).execution_options(populate_existing=True)
    )
    assert coupon is not None and coupon.status == "unused" and coupon.used_order_ref is None


async def test_a_shopper_sees_only_their_own_balances(client, session, settings):
    w = await _world(session, settings)
    await wallet.top_up(
        session, settings, w["bob"].id, 5000, "till_cash", "bob-extra-" + uuid.uuid4().hex[:6]
    )
    await session.commit()
    alice = w["h"]["alice"]
    held = await client.get(f"{API}/members/me/wallet", headers=alice)
    assert held.status_code == 200 and held.json()["stored_value"] == 10000
    statement = await client.get(f"{API}/members/me/stored-value", headers=alice)
    assert [e["delta"] for e in statement.json()] == [10000]
    # Topping up someone else's card is a till operation: a shopper is refused.
    response = await client.post(
        f"{API}/members/{w['bob'].id}/stored-value/topups",
        json={"amount": 100, "tender": "cash", "store_id": w["store_a"].id},
        headers={**alice, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code == 403
    # Spending another member's stored value through checkout only ever touches the payer's own.
    placed = await _order(client, alice, w["store_a"], w["sku"], stored_value=5000)
    async with session.begin():
        bobs = await wallet.get_wallet(session, w["bob"].id)
        assert bobs.stored_value == 15000
    assert placed.status_code == 201, placed.text
    async with session.begin():
        assert (await wallet.get_wallet(session, w["alice"].id)).stored_value == 5000


async def test_a_shopper_cannot_cancel_or_move_another_shoppers_booking(client, session, settings):
    w = await _world(session, settings)
    booked = await client.post(
        f"{API}/appointments/bookings",
        json={
            "sku_id": w["service"].sku_id,
            "store_id": w["store_a"].id,
            "technician_id": w["tech"].staff_id,
            "start_at": at(w["day"], "10:00").isoformat(),
        },
        headers=w["h"]["alice"],
    )
    assert booked.status_code == 201, booked.text
    booking_id = booked.json()["id"]
    bob = w["h"]["bob"]
    cancel = await client.post(f"{API}/appointments/bookings/{booking_id}/cancel", json={}, headers=bob)
    assert cancel.status_code in (403, 404), cancel.text
    move = await client.post(
        f"{API}/appointments/bookings/{booking_id}/reschedule",
        json={"start_at": at(w["day"], "14:00").isoformat()},
        headers=bob,
    )
    assert move.status_code in (403, 404), move.text
    mine = await client.get(f"{API}/appointments/bookings/mine", headers=bob)
    assert booking_id not in {b["id"] for b in mine.json()}
    booking = await session.scalar(
        select(Booking).where(Booking.id == booking_id).execution_options(populate_existing=True)
    )
    assert booking is not None and booking.status == "booked"


async def test_store_staff_are_confined_to_their_store(client, session, settings):
    w = await _world(session, settings)
    placed = await _order(client, w["h"]["bob"], w["store_b"], w["sku"])
    assert placed.status_code == 201, placed.text
    order_id = placed.json()["id"]
    store_b, sku = w["store_b"], w["sku"]
    for who in ("clerk_a", "manager_a"):
        headers = w["h"][who]
        read = await client.get(f"{API}/orders/{order_id}", headers=headers)
        assert read.status_code in (403, 404), (who, read.text)
        listed = await client.get(f"{API}/orders", params={"store_id": store_b.id}, headers=headers)
        assert listed.status_code in (403, 404) or listed.json() == [], (who, listed.text)
        stock = await client.get(f"{API}/inventory/stores/{store_b.id}/stock", headers=headers)
        assert stock.status_code == 403, (who, stock.text)
        moves = await client.get(f"{API}/inventory/stores/{store_b.id}/movements", headers=headers)
        assert moves.status_code == 403, (who, moves.text)
        adjust = await client.post(
            f"{API}/inventory/stores/{store_b.id}/stock/{sku.id}/adjustments",
            json={"delta": -5, "reason": "damaged"},
            headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
        )
        assert adjust.status_code in (403, 422), (who, adjust.text)
        cancel = await client.post(f"{API}/orders/{order_id}/cancel", json={}, headers=headers)
        assert cancel.status_code in (403, 404), (who, cancel.text)
    # Their own store answers.
    own = await client.get(f"{API}/inventory/stores/{w['store_a'].id}/stock", headers=w["h"]["clerk_a"])
    assert own.status_code == 200
    order = await session.scalar(
        select(Order).where(Order.id == order_id).execution_options(populate_existing=True)
    )
    assert order is not None and order.status == "pending_payment"


async def test_a_franchisee_is_confined_to_their_merchants_stores(client, session, settings):
    w = await _world(session, settings)
    headers = w["h"]["franchisee_a"]
    store_a, store_b = w["store_a"], w["store_b"]
    assert (
        await client.get(f"{API}/inventory/stores/{store_a.id}/stock", headers=headers)
    ).status_code == 200
    assert (
        await client.get(f"{API}/inventory/stores/{store_b.id}/stock", headers=headers)
    ).status_code == 403
    patch = await client.patch(f"{API}/stores/{store_b.id}", json={"phone": "13900000000"}, headers=headers)
    assert patch.status_code in (403, 404), patch.text
    placed = await _order(client, w["h"]["bob"], store_b, w["sku"])
    assert placed.status_code == 201, placed.text
    read = await client.get(f"{API}/orders/{placed.json()['id']}", headers=headers)
    assert read.status_code in (403, 404), read.text
    listed = await client.get(f"{API}/orders", headers=headers)
    assert listed.status_code == 200
    assert all(o.get("store_id") in (None, store_a.id) for o in listed.json()), listed.json()
    # Creating staff for another merchant's store is refused.
    staff = await client.post(
        f"{API}/auth/staff",
        json={
            "username": "intruder" + uuid.uuid4().hex[:6],
            "name": "x",
            "password": "correct-horse-9",
            "roles": ["clerk"],
            "store_ids": [store_b.id],
        },
        headers=headers,
    )
    assert staff.status_code in (403, 404), staff.text

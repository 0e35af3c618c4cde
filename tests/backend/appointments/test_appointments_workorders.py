"""Area pricing, paying for a booking and getting it back, and an on-site work order from quote to rating."""

from __future__ import annotations

from sqlalchemy import select

from backend.appointments.models import Booking
from backend.auth.models import StaffUser
from backend.inventory.models import Stock, StockMovement
from backend.inventory.service import stock
from tests.backend.appointments.factories import (
    at,
    create_service,
    create_technician,
    local_day,
    pay_ref,
    png,
    signed_in_member,
)
from tests.factories import bearer, create_sku, create_staff, create_store, staff_token

API = "/api/v1/appointments"


async def test_area_priced_deep_cleaning_costs_and_lasts_more_for_a_bigger_home(client, session, settings):
    store = await create_store(session)
    service = await create_service(
        session,
        price=39900,
        duration_min=240,
        buffer_min=0,
        included_m2=90,
        max_m2=140,
        price_per_m2=400,
        minutes_per_10m2=20,
    )
    day = local_day()
    await create_technician(session, store, shifts=[(day, "09:00", "18:00")])
    _, token = await signed_in_member(session, settings)
    await session.commit()
    params = {"sku_id": service.sku_id, "store_id": store.id}

    small = await client.get(f"{API}/quote", params=params | {"area_m2": 80})
    assert small.json() | {} == small.json() and (small.json()["price"], small.json()["duration_min"]) == (
        39900,
        240,
    )
    big = await client.get(f"{API}/quote", params=params | {"area_m2": 115})
    # 25 m² over: 25 × 4 yuan, and three started 10 m² steps of 20 minutes.
    assert (big.json()["price"], big.json()["duration_min"], big.json()["extra_m2"]) == (49900, 300, 25)
    missing = await client.get(f"{API}/quote", params=params)
    assert missing.status_code == 400 and missing.json()["error"] == "area_required"
    huge = await client.get(f"{API}/quote", params=params | {"area_m2": 200})
    assert huge.status_code == 400 and huge.json()["error"] == "area_out_of_range"

    slots = await client.get(
        f"{API}/slots",
        params=params | {"area_m2": 115, "date_from": day.isoformat(), "date_to": day.isoformat()},
    )
    # Five hours from 09:00 to 18:00 in half-hour steps: the last start is 13:00.
    assert len(slots.json()) == 9
    booked = await client.post(
        f"{API}/bookings",
        json=params | {"start_at": at(day, "13:00").isoformat(), "area_m2": 115},
        headers=bearer(token),
    )
    assert booked.status_code == 201, booked.text
    assert booked.json()["price"] == 49900 and booked.json()["area_m2"] == 115
    too_late = await client.post(
        f"{API}/bookings",
        json=params | {"start_at": at(day, "13:30").isoformat(), "area_m2": 115},
        headers=bearer(token),
    )
    assert too_late.status_code == 400 and too_late.json()["error"] == "outside_shift"


async def test_a_paid_booking_cancelled_late_gives_back_all_but_the_fee(client, session, settings):
    store = await create_store(session)
    service = await create_service(session, price=8800, free_cancel_hours=24 * 7, cancel_fee=2000)
    day = local_day()
    await create_technician(session, store, shifts=[(day, "09:00", "18:00")])
    _, token = await signed_in_member(session, settings)
    _, other = await signed_in_member(session, settings)
    await session.commit()
    booked = await client.post(
        f"{API}/bookings",
        json={"sku_id": service.sku_id, "store_id": store.id, "start_at": at(day, "10:00").isoformat()},
        headers=bearer(token),
    )
    booking_id = booked.json()["id"]
    stranger = await client.post(
        "/api/v1/payments", json={"ref_type": "booking", "ref_id": str(booking_id)}, headers=bearer(other)
    )
    assert stranger.status_code == 404
    await pay_ref(client, bearer(token), "booking", booking_id)
    mine = await client.get(f"{API}/bookings/mine", headers=bearer(token))
    assert mine.json()[0]["paid_amount"] == 8800
    again = await client.post(
        "/api/v1/payments", json={"ref_type": "booking", "ref_id": str(booking_id)}, headers=bearer(token)
    )
    assert again.status_code == 409

    cancelled = await client.post(f"{API}/bookings/{booking_id}/cancel", headers=bearer(token))
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["cancel_fee"] == 2000 and cancelled.json()["refunded_amount"] == 6800
    payments = await client.get(
        "/api/v1/payments", params={"ref_type": "booking", "ref_id": str(booking_id)}, headers=bearer(token)
    )
    paid = payments.json()[0]
    assert paid["refunded_amount"] + paid["refunding_amount"] == 6800
    refunds = await client.get(f"/api/v1/payments/{paid['id']}/refunds", headers=bearer(token))
    assert [r["amount"] for r in refunds.json()] == [6800]


async def test_store_manager_maintains_a_schedule_and_cancels_for_the_store(client, session, settings):
    store = await create_store(session)
    manager = await create_staff(session, ["store_manager"], [store])
    service = await create_service(session, free_cancel_hours=24 * 7, cancel_fee=2000)
    day = local_day()
    tech = await create_technician(session, store, shifts=[(day, "09:00", "18:00")])
    _, token = await signed_in_member(session, settings)
    await session.commit()
    boss = bearer(await staff_token(client, manager))
    add = await client.post(
        f"{API}/technicians/{tech.staff_id}/shifts",
        json={
            "local_date": (day.replace(day=day.day) + (local_day(3) - day)).isoformat(),
            "start": "10:00",
            "end": "16:00",
        },
        headers=boss,
    )
    assert add.status_code == 201, add.text
    off = await client.post(
        f"{API}/technicians/{tech.staff_id}/days-off",
        json={"local_date": local_day(4).isoformat()},
        headers=boss,
    )
    assert off.status_code == 201
    seen = await client.get(
        f"{API}/technicians/{tech.staff_id}/schedule",
        params={"date_from": day.isoformat(), "date_to": local_day(6).isoformat()},
        headers=boss,
    )
    assert [s["local_date"] for s in seen.json()["shifts"]] == [day.isoformat(), local_day(3).isoformat()]
    assert [o["local_date"] for o in seen.json()["days_off"]] == [local_day(4).isoformat()]
    changed = await client.patch(
        f"{API}/technicians/{tech.staff_id}",
        json={"skills": ["clean", "deep_clean"], "capacity": 2},
        headers=boss,
    )
    assert changed.json()["skills"] == ["clean", "deep_clean"] and changed.json()["capacity"] == 2

    booked = await client.post(
        f"{API}/bookings",
        json={"sku_id": service.sku_id, "store_id": store.id, "start_at": at(day, "10:00").isoformat()},
        headers=bearer(token),
    )
    shift_id = seen.json()["shifts"][0]["id"]
    busy = await client.delete(f"{API}/technicians/{tech.staff_id}/shifts/{shift_id}", headers=boss)
    assert busy.status_code == 409
    cancelled = await client.post(
        f"{API}/bookings/{booked.json()['id']}/staff-cancel", json={"reason": "技师病假"}, headers=boss
    )
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["cancel_fee"] == 0
    freed = await client.delete(f"{API}/technicians/{tech.staff_id}/shifts/{shift_id}", headers=boss)
    assert freed.status_code == 204
    member_tries = await client.post(
        f"{API}/bookings/{booked.json()['id']}/staff-cancel",
        json={"reason": "不想要了"},
        headers=bearer(token),
    )
    assert member_tries.status_code == 403


async def test_work_order_quote_parts_leave_stock_payment_photos_completion_and_rating(
    client, session, settings
):
    store = await create_store(session)
    service = await create_service(session, price=5000, buffer_min=0)
    part = await create_sku(session, name="空调滤网", price=3500)
    day = local_day()
    tech = await create_technician(session, store, shifts=[(day, "09:00", "18:00")])
    member_id, token = await signed_in_member(session, settings)
    await stock.receive(session, store.id, part.id, 5, ref_type="test", ref_id="wo-part")
    tech_user = await session.get(StaffUser, tech.staff_id)
    await session.commit()
    tech_staff_token = bearer(await staff_token(client, tech_user))
    booked = await client.post(
        f"{API}/bookings",
        json={"sku_id": service.sku_id, "store_id": store.id, "start_at": at(day, "10:00").isoformat()},
        headers=bearer(token),
    )
    booking_id = booked.json()["id"]

    opened = await client.post(
        f"{API}/work-orders",
        json={"booking_id": booking_id, "diagnosis": "滤网堵塞"},
        headers=tech_staff_token,
    )
    assert opened.status_code == 201, opened.text
    wo = opened.json()["id"]
    too_many = await client.post(
        f"{API}/work-orders/{wo}/quote",
        json={"labour": 8000, "parts": [{"sku_id": part.id, "quantity": 9}]},
        headers=tech_staff_token,
    )
    assert too_many.status_code == 200  # the quote itself does not touch stock
    quoted = await client.post(
        f"{API}/work-orders/{wo}/quote",
        json={"labour": 8000, "parts": [{"sku_id": part.id, "quantity": 2}]},
        headers=tech_staff_token,
    )
    assert quoted.json()["total"] == 8000 + 2 * 3500 and quoted.json()["status"] == "quoted"
    assert [(p["sku_id"], p["quantity"]) for p in quoted.json()["parts"]] == [(part.id, 2)]
    not_service = await client.post(
        f"{API}/work-orders/{wo}/quote",
        json={"labour": 0, "parts": [{"sku_id": service.sku_id, "quantity": 1}]},
        headers=tech_staff_token,
    )
    assert not_service.status_code == 400

    before = await client.post(
        f"{API}/work-orders/{wo}/photos",
        params={"stage": "before"},
        files={"file": ("before.png", png(), "image/png")},
        headers=tech_staff_token,
    )
    assert before.status_code == 201, before.text
    fake = await client.post(
        f"{API}/work-orders/{wo}/photos",
        params={"stage": "after"},
        files={"file": ("after.png", b"not a picture at all", "image/png")},
        headers=tech_staff_token,
    )
    assert fake.status_code == 422 or fake.status_code == 400, fake.text

    confirmed = await client.post(f"{API}/work-orders/{wo}/confirm", headers=bearer(token))
    assert confirmed.status_code == 200, confirmed.text
    on_hand = await session.scalar(
        select(Stock.on_hand)
        .where(Stock.store_id == store.id, Stock.sku_id == part.id)
        .execution_options(populate_existing=True)
    )
    assert on_hand == 3
    moves = (
        await session.scalars(
            select(StockMovement).where(
                StockMovement.ref_type == "work_order", StockMovement.ref_id == str(wo)
            )
        )
    ).all()
    assert [(m.sku_id, m.on_hand_delta, m.kind) for m in moves] == [(part.id, -2, "sale")]
    await session.commit()

    unpaid = await client.post(f"{API}/work-orders/{wo}/complete", headers=tech_staff_token)
    assert unpaid.status_code == 409
    await pay_ref(client, bearer(token), "work_order", wo)
    no_photo = await client.post(f"{API}/work-orders/{wo}/complete", headers=tech_staff_token)
    assert no_photo.status_code == 400
    after = await client.post(
        f"{API}/work-orders/{wo}/photos",
        params={"stage": "after"},
        files={"file": ("after.jpg", png(colour=(20, 200, 90)), "image/jpeg")},
        headers=tech_staff_token,
    )
    assert after.status_code == 201 and after.json()["content_type"] == "image/png"
    done = await client.post(f"{API}/work-orders/{wo}/complete", headers=tech_staff_token)
    assert done.status_code == 200 and done.json()["status"] == "completed", done.text
    assert done.json()["paid_amount"] == 15000
    booking = await session.get(Booking, booking_id, populate_existing=True)
    assert booking is not None and booking.status == "completed"
    await session.commit()

    photo = await client.get(f"{API}/work-orders/{wo}/photos/{before.json()['id']}", headers=bearer(token))
    assert photo.status_code == 200 and photo.content == png()
    rated = await client.post(
        f"{API}/work-orders/{wo}/rating", json={"rating": 5, "comment": "师傅很专业"}, headers=bearer(token)
    )
    assert rated.json()["rating"] == 5 and rated.json()["rating_comment"] == "师傅很专业"
    twice = await client.post(f"{API}/work-orders/{wo}/rating", json={"rating": 1}, headers=bearer(token))
    assert twice.status_code == 409 and twice.json()["error"] == "already_rated"
    bad = await client.post(f"{API}/work-orders/{wo}/rating", json={"rating": 6}, headers=bearer(token))
    assert bad.status_code == 422
    _, stranger = await signed_in_member(session, settings)
    await session.commit()
    hidden = await client.get(f"{API}/work-orders/{wo}", headers=bearer(stranger))
    assert hidden.status_code == 404
    assert member_id == done.json()["member_id"]

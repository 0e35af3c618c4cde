"""HQ and store managers maintain offerings, technicians, shifts and days off, each within their stores."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backend.appointments.models import Booking, TechnicianSlot
from backend.catalog.models import Product
from backend.core.time import utcnow
from tests.backend.appointments.factories import (
    at,
    create_service,
    create_technician,
    local_day,
    signed_in_member,
)
from tests.factories import bearer, create_member, create_sku, create_staff, create_store, staff_token

API = "/api/v1/appointments"


async def test_hq_makes_a_service_sku_bookable_and_a_manager_sets_up_a_technician(client, session):
    store = await create_store(session)
    hq = await create_staff(session, ["hq_admin"])
    manager = await create_staff(session, ["store_manager"], [store])
    tech_staff = await create_staff(session, ["technician"], [store])
    clerk = await create_staff(session, ["clerk"], [store])
    service_sku = await create_sku(session, name="深度保洁", price=26800)
    goods_sku = await create_sku(session, name="牛奶")
    product = await session.get(Product, service_sku.product_id)
    assert product is not None
    product.kind = "service"
    await session.commit()
    hq_auth = bearer(await staff_token(client, hq))
    mgr_auth = bearer(await staff_token(client, manager))

    body = {
        "sku_id": service_sku.id,
        "duration_min": 180,
        "buffer_min": 30,
        "location_type": "at_home",
        "service_radius_m": 8000,
        "travel_min": 20,
        "required_skill": "deep_clean",
    }
    created = await client.post(f"{API}/offerings", json=body, headers=hq_auth)
    assert created.status_code == 201, created.text
    assert (await client.post(f"{API}/offerings", json=body, headers=hq_auth)).status_code == 409
    goods = await client.post(f"{API}/offerings", json=body | {"sku_id": goods_sku.id}, headers=hq_auth)
    assert goods.status_code == 400
    no_radius = body | {"sku_id": goods_sku.id, "service_radius_m": None}
    assert (await client.post(f"{API}/offerings", json=no_radius, headers=hq_auth)).status_code == 400
    assert (await client.post(f"{API}/offerings", json=body, headers=mgr_auth)).status_code == 403
    assert [o["sku_id"] for o in (await client.get(f"{API}/offerings")).json()] == [service_sku.id]

    tech = await client.post(
        f"{API}/technicians",
        json={"staff_id": tech_staff.id, "home_store_id": store.id, "skills": ["deep_clean"]},
        headers=mgr_auth,
    )
    assert tech.status_code == 201, tech.text
    assert tech.json()["capacity"] == 1
    not_tech = await client.post(
        f"{API}/technicians", json={"staff_id": clerk.id, "home_store_id": store.id}, headers=mgr_auth
    )
    assert not_tech.status_code == 400

    day = local_day()
    shift = await client.post(
        f"{API}/technicians/{tech_staff.id}/shifts",
        json={
            "local_date": day.isoformat(),
            "start": "09:00",
            "end": "18:00",
            "breaks": [["12:00", "13:00"]],
        },
        headers=mgr_auth,
    )
    assert shift.status_code == 201, shift.text
    twice = await client.post(
        f"{API}/technicians/{tech_staff.id}/shifts",
        json={"local_date": day.isoformat(), "start": "10:00", "end": "11:00"},
        headers=mgr_auth,
    )
    assert twice.status_code == 409 and twice.json()["error"] == "shift_exists"
    backwards = await client.post(
        f"{API}/technicians/{tech_staff.id}/shifts",
        json={"local_date": day.isoformat(), "start": "18:00", "end": "09:00"},
        headers=mgr_auth,
    )
    assert backwards.status_code == 422
    bad_break = await client.post(
        f"{API}/technicians/{tech_staff.id}/shifts",
        json={
            "local_date": day.isoformat(),
            "start": "09:00",
            "end": "12:00",
            "breaks": [["11:00", "13:00"]],
        },
        headers=mgr_auth,
    )
    assert bad_break.status_code == 422

    params = {
        "sku_id": service_sku.id,
        "date_from": day.isoformat(),
        "date_to": day.isoformat(),
        "lat": store.latitude,
        "lng": store.longitude,
    }
    slots = (await client.get(f"{API}/slots", params=params)).json()
    assert len(slots) > 0 and all(s["technician_ids"] == [tech_staff.id] for s in slots)
    off = await client.post(
        f"{API}/technicians/{tech_staff.id}/days-off",
        json={"local_date": day.isoformat(), "reason": "年假"},
        headers=mgr_auth,
    )
    assert off.status_code == 201
    assert (await client.get(f"{API}/slots", params=params)).json() == []


async def test_store_a_staff_cannot_touch_store_b_technicians(client, session):
    store_a, store_b = await create_store(session), await create_store(session)
    manager_a = await create_staff(session, ["store_manager"], [store_a])
    tech_b = await create_technician(session, store_b)
    other_b = await create_staff(session, ["technician"], [store_b])
    await create_technician(session, store_a)
    await session.commit()
    auth = bearer(await staff_token(client, manager_a))
    day = local_day().isoformat()

    shift = await client.post(
        f"{API}/technicians/{tech_b.staff_id}/shifts",
        json={"local_date": day, "start": "09:00", "end": "18:00"},
        headers=auth,
    )
    assert shift.status_code == 404 and shift.json()["error"] == "technician_not_found"
    off = await client.post(
        f"{API}/technicians/{tech_b.staff_id}/days-off", json={"local_date": day}, headers=auth
    )
    assert off.status_code == 404
    profile = await client.post(
        f"{API}/technicians", json={"staff_id": other_b.id, "home_store_id": store_b.id}, headers=auth
    )
    assert profile.status_code == 403 and profile.json()["error"] == "store_forbidden"
    listed = (await client.get(f"{API}/technicians", headers=auth)).json()
    assert all(t["home_store_id"] == store_a.id for t in listed) and len(listed) == 1


async def test_the_database_itself_refuses_a_second_hold_on_a_cell(session):
    store = await create_store(session)
    service = await create_service(session)
    tech = await create_technician(session, store)
    member = await create_member(session)
    now = utcnow().replace(second=0, microsecond=0)
    bookings = [
        Booking(
            member_id=member.id,
            offering_id=service.id,
            sku_id=service.sku_id,
            store_id=store.id,
            technician_id=tech.staff_id,
            start_at=now,
            end_at=now,
            occupied_from=now,
            occupied_until=now,
            price=1,
        )
        for _ in range(2)
    ]
    session.add_all(bookings)
    await session.flush()
    cell = now.replace(minute=0)
    session.add(
        TechnicianSlot(technician_id=tech.staff_id, seat=0, slot_start=cell, booking_id=bookings[0].id)
    )
    await session.flush()
    session.add(
        TechnicianSlot(technician_id=tech.staff_id, seat=1, slot_start=cell, booking_id=bookings[1].id)
    )
    await session.flush()
    session.add(
        TechnicianSlot(technician_id=tech.staff_id, seat=0, slot_start=cell, booking_id=bookings[1].id)
    )
    with pytest.raises(IntegrityError):
        await session.flush()
    await session.rollback()
    assert (await session.scalars(select(TechnicianSlot))).all() == []


async def test_staff_see_only_their_stores_bookings(client, session, settings):
    store_a, store_b = await create_store(session), await create_store(session)
    manager_a = await create_staff(session, ["store_manager"], [store_a])
    service = await create_service(session)
    day = local_day()
    for store in (store_a, store_b):
        await create_technician(session, store, shifts=[(day, "09:00", "18:00")])
    _, token = await signed_in_member(session, settings)
    await session.commit()
    for store in (store_a, store_b):
        body = {"sku_id": service.sku_id, "store_id": store.id, "start_at": at(day, "10:00").isoformat()}
        booked = await client.post(f"{API}/bookings", json=body, headers=bearer(token))
        assert booked.status_code == 201, booked.text
    auth = bearer(await staff_token(client, manager_a))
    mine = (await client.get(f"{API}/bookings", headers=auth)).json()
    assert [b["store_id"] for b in mine] == [store_a.id]
    other = (await client.get(f"{API}/bookings", params={"store_id": store_b.id}, headers=auth)).json()
    assert other == []
    member_tries = await client.get(f"{API}/bookings", headers=bearer(token))
    assert member_tries.status_code == 403

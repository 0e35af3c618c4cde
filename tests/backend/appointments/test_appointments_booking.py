"""Booking services through the HTTP API: slots, no double booking, assignment, changes, reminders."""

from __future__ import annotations

import asyncio
from datetime import UTC, timedelta

from sqlalchemy import func, select

from backend.appointments.models import BookingReminder, TechnicianSlot
from backend.appointments.tasks import send_due_reminders
from backend.core.events import Event
from tests.backend.appointments.factories import (
    at,
    create_service,
    create_technician,
    local_day,
    signed_in_member,
)
from tests.factories import bearer, create_store

API = "/api/v1/appointments"


def iso(value) -> str:  # type: ignore[no-untyped-def]
    return value.isoformat()


async def test_slots_are_listed_in_utc_for_the_stores_local_shift(client, session):
    store = await create_store(session)
    service = await create_service(session, buffer_min=0)
    day = local_day()
    tech = await create_technician(
        session, store, shifts=[(day, "09:00", "12:00")], breaks=[["10:00", "10:30"]]
    )
    await session.commit()
    response = await client.get(
        f"{API}/slots",
        params={"sku_id": service.sku_id, "store_id": store.id, "date_from": iso(day), "date_to": iso(day)},
    )
    assert response.status_code == 200, response.text
    starts = [s["start"] for s in response.json()]
    expected = [at(day, t).astimezone(UTC) for t in ("09:00", "10:30", "11:00")]
    assert [s.replace("Z", "+00:00") for s in starts] == [iso(e) for e in expected]
    assert all(s["technician_ids"] == [tech.staff_id] for s in response.json())
    assert expected[0].hour == 1  # 09:00 in Shanghai is 01:00 UTC


async def test_fifty_concurrent_bookings_of_one_slot_exactly_one_wins(client, session, settings):
    store = await create_store(session)
    service = await create_service(session)
    day = local_day()
    tech = await create_technician(session, store, shifts=[(day, "09:00", "18:00")])
    members = [await signed_in_member(session, settings) for _ in range(50)]
    await session.commit()
    body = {
        "sku_id": service.sku_id,
        "store_id": store.id,
        "technician_id": tech.staff_id,
        "start_at": iso(at(day, "10:00")),
    }

    responses = await asyncio.gather(
        *(client.post(f"{API}/bookings", json=body, headers=bearer(token)) for _, token in members)
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * 49, [r.text for r in responses if r.status_code not in (201, 409)]
    assert {r.json()["error"] for r in responses if r.status_code == 409} == {"slot_taken"}
    cells = await session.scalar(select(func.count()).select_from(TechnicianSlot))
    assert cells == 6  # 60 minutes of service and 30 of buffer, in 15-minute cells


async def test_overlapping_booking_is_refused_but_after_the_buffer_is_free(client, session, settings):
    store = await create_store(session)
    service = await create_service(session)
    day = local_day()
    tech = await create_technician(session, store, shifts=[(day, "09:00", "18:00")])
    (_, first), (_, second) = [await signed_in_member(session, settings) for _ in range(2)]
    await session.commit()
    base = {"sku_id": service.sku_id, "store_id": store.id, "technician_id": tech.staff_id}
    ok = await client.post(
        f"{API}/bookings", json=base | {"start_at": iso(at(day, "10:00"))}, headers=bearer(first)
    )
    assert ok.status_code == 201, ok.text
    clash = await client.post(
        f"{API}/bookings", json=base | {"start_at": iso(at(day, "11:00"))}, headers=bearer(second)
    )
    assert clash.status_code == 409 and clash.json()["error"] == "slot_taken"
    later = await client.post(
        f"{API}/bookings", json=base | {"start_at": iso(at(day, "11:30"))}, headers=bearer(second)
    )
    assert later.status_code == 201, later.text


async def test_auto_assignment_picks_the_less_busy_then_the_nearer_technician(client, session, settings):
    here = await create_store(session, latitude=31.2304, longitude=121.4737)
    far = await create_store(session, latitude=31.30, longitude=121.60)
    service = await create_service(
        session, location_type="at_home", service_radius_m=30_000, travel_min=15, buffer_min=0
    )
    day = local_day()
    near_tech = await create_technician(session, here, shifts=[(day, "09:00", "18:00")])
    far_tech = await create_technician(session, far, shifts=[(day, "09:00", "18:00")])
    (_, a), (_, b), (_, c) = [await signed_in_member(session, settings) for _ in range(3)]
    await session.commit()
    home = {
        "sku_id": service.sku_id,
        "address": "上海市黄浦区南京东路1号",
        "latitude": 31.2310,
        "longitude": 121.4740,
    }

    first = await client.post(
        f"{API}/bookings", json=home | {"start_at": iso(at(day, "09:30"))}, headers=bearer(a)
    )
    assert first.status_code == 201, first.text
    assert first.json()["technician_id"] == near_tech.staff_id  # equally idle: the nearer one
    second = await client.post(
        f"{API}/bookings", json=home | {"start_at": iso(at(day, "14:00"))}, headers=bearer(b)
    )
    assert second.json()["technician_id"] == far_tech.staff_id  # the near one already has a job that day
    third = await client.post(
        f"{API}/bookings", json=home | {"start_at": iso(at(day, "16:00"))}, headers=bearer(c)
    )
    assert third.json()["technician_id"] == near_tech.staff_id

    outside = home | {"latitude": 39.9, "longitude": 116.4, "start_at": iso(at(day, "10:00"))}
    refused = await client.post(f"{API}/bookings", json=outside, headers=bearer(c))
    assert refused.status_code == 400 and refused.json()["error"] == "out_of_service_area"


async def test_reschedule_moves_the_cells_and_cancel_charges_inside_the_window(client, session, settings):
    store = await create_store(session)
    service = await create_service(session, free_cancel_hours=24, cancel_fee=2000)
    day = local_day()
    tech = await create_technician(session, store, shifts=[(day, "09:00", "18:00")])
    (member_id, token), (_, other) = [await signed_in_member(session, settings) for _ in range(2)]
    await session.commit()
    base = {"sku_id": service.sku_id, "store_id": store.id, "technician_id": tech.staff_id}
    booked = await client.post(
        f"{API}/bookings", json=base | {"start_at": iso(at(day, "10:00"))}, headers=bearer(token)
    )
    booking_id = booked.json()["id"]

    moved = await client.post(
        f"{API}/bookings/{booking_id}/reschedule",
        json={"start_at": iso(at(day, "14:00"))},
        headers=bearer(token),
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["start_at"].replace("Z", "+00:00") == iso(at(day, "14:00").astimezone(UTC))
    freed = await client.post(
        f"{API}/bookings", json=base | {"start_at": iso(at(day, "10:00"))}, headers=bearer(other)
    )
    assert freed.status_code == 201, freed.text
    clash = await client.post(
        f"{API}/bookings/{booking_id}/reschedule",
        json={"start_at": iso(at(day, "10:30"))},
        headers=bearer(token),
    )
    assert clash.status_code == 409 and clash.json()["error"] == "slot_taken"

    # Inside the free window (now a week) the booking can no longer move, and cancelling costs the fee.
    service.free_cancel_hours = 24 * 7
    await session.commit()
    late_move = await client.post(
        f"{API}/bookings/{booking_id}/reschedule",
        json={"start_at": iso(at(day, "16:00"))},
        headers=bearer(token),
    )
    assert late_move.status_code == 409 and late_move.json()["error"] == "change_window_closed"
    cancelled = await client.post(f"{API}/bookings/{booking_id}/cancel", headers=bearer(token))
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["cancel_fee"] == 2000
    reminders = select(func.count()).where(BookingReminder.booking_id == booking_id)
    assert await session.scalar(reminders) == 0
    await session.rollback()
    again = await client.post(f"{API}/bookings/{booking_id}/cancel", headers=bearer(token))
    assert again.status_code == 409 and again.json()["error"] == "invalid_state"
    mine = await client.get(f"{API}/bookings/mine", headers=bearer(token))
    assert [b["id"] for b in mine.json()] == [booking_id] and mine.json()[0]["member_id"] == member_id
    rebook = await client.post(
        f"{API}/bookings", json=base | {"start_at": iso(at(day, "14:00"))}, headers=bearer(other)
    )
    assert rebook.status_code == 201, rebook.text


async def test_cancel_early_is_free(client, session, settings):
    store = await create_store(session)
    service = await create_service(session, free_cancel_hours=24, cancel_fee=2000)
    day = local_day(3)
    await create_technician(session, store, shifts=[(day, "09:00", "18:00")])
    _, token = await signed_in_member(session, settings)
    await session.commit()
    booked = await client.post(
        f"{API}/bookings",
        json={"sku_id": service.sku_id, "store_id": store.id, "start_at": iso(at(day, "10:00"))},
        headers=bearer(token),
    )
    cancelled = await client.post(f"{API}/bookings/{booked.json()['id']}/cancel", headers=bearer(token))
    assert cancelled.json()["cancel_fee"] == 0 and cancelled.json()["status"] == "cancelled"


async def test_reminders_are_emitted_once_when_due(client, session, settings):
    store = await create_store(session)
    service = await create_service(session)
    day = local_day()
    await create_technician(session, store, shifts=[(day, "09:00", "18:00")])
    member_id, token = await signed_in_member(session, settings)
    await session.commit()
    booked = await client.post(
        f"{API}/bookings",
        json={"sku_id": service.sku_id, "store_id": store.id, "start_at": iso(at(day, "10:00"))},
        headers=bearer(token),
    )
    assert booked.status_code == 201
    start = at(day, "10:00").astimezone(UTC)
    assert await session.scalar(select(func.count()).select_from(BookingReminder)) == 2

    assert await send_due_reminders(session, start - timedelta(hours=25)) == 0
    assert await send_due_reminders(session, start - timedelta(hours=23)) == 1
    assert await send_due_reminders(session, start - timedelta(hours=22)) == 0
    assert await send_due_reminders(session, start - timedelta(minutes=30)) == 1
    await session.commit()
    kinds = [
        e.payload["kind"]
        for e in await session.scalars(
            select(Event)
            .where(Event.topic == f"member:{member_id}", Event.type == "booking.reminder")
            .order_by(Event.id)
        )
    ]
    assert kinds == ["day", "hour"]


async def test_bad_booking_input_gets_reasons(client, session, settings):
    store = await create_store(session)
    service = await create_service(session)
    day = local_day()
    tech = await create_technician(session, store, shifts=[(day, "09:00", "12:00")])
    _, token = await signed_in_member(session, settings)
    await session.commit()
    base = {"sku_id": service.sku_id, "store_id": store.id}

    async def post(**fields):  # type: ignore[no-untyped-def]
        return await client.post(f"{API}/bookings", json=base | fields, headers=bearer(token))

    past = await post(start_at=iso(at(local_day(-1), "10:00")))
    assert past.status_code == 400 and past.json()["error"] == "slot_in_past"
    late = await post(start_at=iso(at(day, "11:00")))  # 60 + 30 minutes do not fit before 12:00
    assert late.status_code == 400 and late.json()["error"] == "outside_shift"
    other_day = await post(start_at=iso(at(local_day(5), "10:00")))
    assert other_day.status_code == 400 and other_day.json()["error"] == "outside_shift"
    unknown = await post(sku_id=service.sku_id + 9999, start_at=iso(at(day, "10:00")))
    assert unknown.status_code == 404 and unknown.json()["error"] == "service_not_found"
    naive = await post(start_at=at(day, "10:00").replace(tzinfo=None).isoformat())
    assert naive.status_code == 422
    stranger = await post(technician_id=tech.staff_id + 9999, start_at=iso(at(day, "10:00")))
    assert stranger.status_code == 404 and stranger.json()["error"] == "technician_not_found"
    staff_tries = await client.get(
        f"{API}/slots",
        params={
            "sku_id": service.sku_id,
            "store_id": store.id,
            "date_from": iso(day),
            "date_to": iso(day - timedelta(days=1)),
        },
    )
    assert staff_tries.status_code == 422
    unauth = await client.post(f"{API}/bookings", json=base | {"start_at": iso(at(day, "10:00"))})
    assert unauth.status_code == 401


async def test_a_client_ref_replay_returns_the_first_booking(client, session, settings):
    store = await create_store(session)
    service = await create_service(session)
    day = local_day()
    await create_technician(session, store, shifts=[(day, "09:00", "18:00")])
    _, token = await signed_in_member(session, settings)
    await session.commit()
    body = {
        "sku_id": service.sku_id,
        "store_id": store.id,
        "start_at": iso(at(day, "10:00")),
        "client_ref": "app-0001-abcdef",
    }
    first = await client.post(f"{API}/bookings", json=body, headers=bearer(token))
    second = await client.post(f"{API}/bookings", json=body, headers=bearer(token))
    assert first.status_code == 201 and second.status_code == 201
    assert first.json()["id"] == second.json()["id"]


async def test_a_technician_with_capacity_two_takes_two_overlapping_jobs_not_three(client, session, settings):
    store = await create_store(session)
    service = await create_service(session)
    day = local_day()
    tech = await create_technician(session, store, capacity=2, shifts=[(day, "09:00", "18:00")])
    tokens = [await signed_in_member(session, settings) for _ in range(3)]
    await session.commit()
    body = {"sku_id": service.sku_id, "store_id": store.id, "start_at": iso(at(day, "10:00"))}
    codes = []
    for _, token in tokens:
        codes.append((await client.post(f"{API}/bookings", json=body, headers=bearer(token))).status_code)
    assert codes == [201, 201, 409]
    seats = set(
        await session.scalars(
            select(TechnicianSlot.seat).where(TechnicianSlot.technician_id == tech.staff_id)
        )
    )
    assert seats == {0, 1}

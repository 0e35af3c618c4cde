"""The SDK's appointments calls against the real app (async client over ASGITransport)."""

from __future__ import annotations

import httpx
import pytest

from shared import sdk
from tests.backend.appointments.factories import at, create_service, local_day
from tests.factories import PASSWORD, create_staff, create_store


async def test_sdk_sets_up_a_technician_and_a_member_books_moves_and_cancels(app, session):
    store = await create_store(session)
    manager = await create_staff(session, ["store_manager"], [store])
    tech_staff = await create_staff(session, ["technician"], [store])
    service = await create_service(session, buffer_min=0, free_cancel_hours=1, cancel_fee=1500)
    await session.commit()
    day = local_day()

    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    async with sdk.AsyncClient(http=http) as staff:
        await staff.auth.staff_login(manager.username, PASSWORD)
        tech = await staff.appointments.create_technician(tech_staff.id, store.id, ["clean"])
        shift = await staff.appointments.add_shift(tech.staff_id, day, "09:00", "12:00", [("10:00", "10:30")])
        assert shift.breaks == [["10:00", "10:30"]]
        assert [t.staff_id for t in await staff.appointments.technicians()] == [tech_staff.id]
        with pytest.raises(sdk.Conflict):
            await staff.appointments.add_shift(tech.staff_id, day, "13:00", "14:00")

    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    async with sdk.AsyncClient(http=http) as member:
        await member.auth.request_code("13700000077")
        await member.auth.verify_code("13700000077", app.state.sms.last_codes["13700000077"])
        assert [o.sku_id for o in await member.appointments.offerings()] == [service.sku_id]
        slots = await member.appointments.slots(service.sku_id, day, day, store_id=store.id)
        assert [s.start for s in slots] == [at(day, t) for t in ("09:00", "10:30", "11:00")]
        booking = await member.appointments.book(service.sku_id, slots[0].start, store_id=store.id)
        assert booking.technician_id == tech_staff.id and booking.price == 8800
        with pytest.raises(sdk.Conflict) as taken:
            await member.appointments.book(service.sku_id, slots[0].start, store_id=store.id)
        assert taken.value.code == "slot_taken"
        with pytest.raises(sdk.BadRequest) as outside:
            await member.appointments.book(service.sku_id, at(day, "11:30"), store_id=store.id)
        assert outside.value.code == "outside_shift"
        moved = await member.appointments.reschedule(booking.id, at(day, "10:30"))
        assert moved.start_at == at(day, "10:30")
        assert await member.appointments.slots(service.sku_id, day, day, store_id=store.id) != []
        cancelled = await member.appointments.cancel(booking.id)
        assert cancelled.status == "cancelled" and cancelled.cancel_fee == 0
        assert [b.id for b in await member.appointments.mine()] == [booking.id]

    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    async with sdk.AsyncClient(http=http) as staff:
        await staff.auth.staff_login(manager.username, PASSWORD)
        seen = await staff.appointments.store_bookings(store.id)
        assert [(b.id, b.status) for b in seen] == [(booking.id, "cancelled")]

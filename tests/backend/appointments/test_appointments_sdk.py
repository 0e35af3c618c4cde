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


async def test_sdk_area_quote_schedule_and_a_work_order_from_quote_to_rating(app, session):
    from backend.inventory.service import stock
    from tests.backend.appointments.factories import create_technician, pay_ref, png
    from tests.factories import create_sku

    store = await create_store(session)
    manager = await create_staff(session, ["store_manager"], [store])
    service = await create_service(
        session, buffer_min=0, included_m2=60, max_m2=120, price_per_m2=300, minutes_per_10m2=15
    )
    part = await create_sku(session, name="密封圈", price=1200)
    day = local_day()
    tech = await create_technician(session, store, shifts=[(day, "09:00", "18:00")])
    await stock.receive(session, store.id, part.id, 4, ref_type="test", ref_id="sdk-part")
    from backend.auth.models import StaffUser

    tech_user = await session.get(StaffUser, tech.staff_id)
    assert tech_user is not None
    tech_name = tech_user.username
    await session.commit()

    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    member = sdk.AsyncClient(http=http)
    await member.auth.request_code("13700000088")
    await member.auth.verify_code("13700000088", app.state.sms.last_codes["13700000088"])
    priced = await member.appointments.quote(service.sku_id, store.id, area_m2=75)
    assert (priced.price, priced.duration_min) == (8800 + 15 * 300, 60 + 2 * 15)
    with pytest.raises(sdk.BadRequest):
        await member.appointments.quote(service.sku_id, store.id)
    slots = await member.appointments.slots(service.sku_id, day, day, store_id=store.id, area_m2=75)
    booking = await member.appointments.book(service.sku_id, slots[0].start, store_id=store.id, area_m2=75)
    assert booking.price == 13300 and booking.area_m2 == 75

    boss = sdk.AsyncClient(
        http=httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    )
    await boss.auth.staff_login(manager.username, PASSWORD)
    plan = await boss.appointments.schedule(tech.staff_id, day, day)
    assert [s.local_date for s in plan.shifts] == [day]
    assert (await boss.appointments.update_technician(tech.staff_id, capacity=2)).capacity == 2

    worker = sdk.AsyncClient(
        http=httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    )
    await worker.auth.staff_login(tech_name, PASSWORD)
    job = await worker.appointments.open_work_order(booking.id, "漏水")
    quoted = await worker.appointments.quote_work(job.id, 3000, [(part.id, 1)])
    assert quoted.total == 4200
    await worker.appointments.add_work_photo(job.id, "before", png(), "a.png", "image/png")
    with pytest.raises(sdk.RetailError):
        await worker.appointments.add_work_photo(job.id, "after", b"\x89PNG broken", "b.png", "image/png")
    assert (await member.appointments.confirm_work(job.id)).status == "confirmed"
    await pay_ref(http, {"Authorization": f"Bearer {member.tokens.access_token}"}, "work_order", job.id)
    await worker.appointments.add_work_photo(job.id, "after", png(colour=(1, 2, 3)), "c.png", "image/png")
    done = await worker.appointments.complete_work(job.id)
    assert done.status == "completed" and [p.stage for p in done.photos] == ["before", "after"]
    rated = await member.appointments.rate_work(job.id, 4, "准时")
    assert rated.rating == 4
    assert (await member.appointments.work_order(job.id)).parts[0].sku_id == part.id
    for client in (member, boss, worker):
        await client.aclose()

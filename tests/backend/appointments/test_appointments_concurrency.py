"""Double booking is impossible under real concurrency: sixty shoppers race for one technician and one
start time through three independent servers (each its own engine and connection pool) on PostgreSQL."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import func, select

from backend.appointments.models import Booking, TechnicianSlot
from tests.backend.appointments.factories import (
    at,
    create_service,
    create_technician,
    local_day,
    signed_in_member,
)
from tests.conftest import LiveServer
from tests.factories import bearer, create_store

RACERS = 60


async def test_sixty_bookings_over_three_servers_exactly_one_wins(app, client, session, settings, test_db):
    if test_db.kind != "postgresql":
        pytest.skip("the race across servers is proven on PostgreSQL; SQLite serialises writers anyway")
    store = await create_store(session)
    service = await create_service(session)
    day = local_day()
    tech = await create_technician(session, store, shifts=[(day, "09:00", "18:00")])
    members = [await signed_in_member(session, settings) for _ in range(RACERS)]
    await session.commit()
    body = {
        "sku_id": service.sku_id,
        "store_id": store.id,
        "technician_id": tech.staff_id,
        "start_at": at(day, "15:00").isoformat(),
    }
    servers = [LiveServer(settings), LiveServer(settings)]
    for server in servers:
        await asyncio.to_thread(server.start)
    try:
        remotes = [httpx.AsyncClient(base_url=s.url, timeout=60) for s in servers]
        callers = [client, *remotes]
        gate = asyncio.Event()

        async def race(i: int, token: str) -> httpx.Response:
            await gate.wait()
            return await callers[i % len(callers)].post(
                "/api/v1/appointments/bookings", json=body, headers=bearer(token)
            )

        tasks = [asyncio.create_task(race(i, token)) for i, (_, token) in enumerate(members)]
        await asyncio.sleep(0.2)
        gate.set()
        responses = await asyncio.gather(*tasks)
        for remote in remotes:
            await remote.aclose()
    finally:
        for server in servers:
            await asyncio.to_thread(server.stop)
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * (RACERS - 1), [
        r.text for r in responses if r.status_code not in (201, 409)
    ]
    assert {r.json()["error"] for r in responses if r.status_code == 409} == {"slot_taken"}
    booked = await session.scalar(
        select(func.count()).select_from(Booking).where(Booking.technician_id == tech.staff_id)
    )
    cells = await session.scalar(
        select(func.count()).select_from(TechnicianSlot).where(TechnicianSlot.technician_id == tech.staff_id)
    )
    assert (booked, cells) == (1, 6)

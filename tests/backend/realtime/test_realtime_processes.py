"""Several backend processes over one PostgreSQL database: an event written through process B
reaches a WebSocket subscriber of process A through the bus. Polling is slowed to 10 s in these
processes, so only the bus can deliver within the bound."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import httpx
import pytest

from tests.backend.catalog.factories import create_category
from tests.backend.realtime.factories import BackendProcess, WsClient, commit_event
from tests.factories import bearer, create_staff, staff_token

SLOW_POLL = {"OMO_REALTIME_POLL_SECONDS": "10"}
BUSES = {
    "postgres": {"OMO_EVENT_BUS": "postgres"},
    "redis": {"OMO_EVENT_BUS": "redis", "OMO_REDIS_URL": "redis://127.0.0.1:6379/0"},
}


@pytest.mark.parametrize("bus", sorted(BUSES))
async def test_event_written_on_one_process_reaches_a_subscriber_of_another(
    bus, settings, test_db, client, session
):
    if test_db.kind != "postgresql":
        pytest.skip("several backend processes share a PostgreSQL database")
    category = await create_category(session)
    hq = await create_staff(session, roles=["hq_admin"])
    await session.commit()
    token = await staff_token(client, hq)

    a = BackendProcess(settings, {**BUSES[bus], **SLOW_POLL})
    b = BackendProcess(settings, {**BUSES[bus], **SLOW_POLL})
    try:
        await asyncio.gather(a.start(), b.start())
        for process in (a, b):
            status = await process.wait_for_bus()
            assert status["bus"] == {"kind": bus, "connected": True, "polling_only": False, "problem": None}
        ws = await WsClient.open(a.url, token)
        assert (await ws.subscribe(["hq"]))["op"] == "subscribed"

        # From the event row's created_at (stamped in process B as its transaction flushes, just
        # before COMMIT) to its arrival at the client of process A; one clock, one machine.
        latencies, requests = [], []
        async with httpx.AsyncClient(base_url=b.url, headers=bearer(token), timeout=30) as on_b:
            for i in range(6):
                body = {
                    "code": f"RT-{bus}-{i}",
                    "category_id": category.id,
                    "name_zh": f"实时{i}",
                    "name_en": f"Live {i}",
                }
                started = time.perf_counter()
                created = await on_b.post("/api/v1/catalog/products", json=body)
                requests.append(time.perf_counter() - started)
                assert created.status_code == 201, created.text
                event = (await ws.events(1, timeout=10))[0]
                latencies.append(
                    (datetime.now(UTC) - datetime.fromisoformat(event["created_at"])).total_seconds()
                )
                assert event["topic"] == "hq" and event["type"] == "catalog.product_changed"
                assert event["payload"]["product_id"] == created.json()["id"]
        ms = ", ".join(f"{x * 1000:.0f}" for x in latencies)
        print(f"\n{bus} bus: written on B -> received on A: {ms} ms (slowest POST {max(requests):.2f} s)")
        assert max(latencies) < 1.0
        await ws.close()
    finally:
        a.stop()
        b.stop()


async def test_unreachable_redis_degrades_to_polling_and_says_so(settings, test_db, client, session):
    if test_db.kind != "postgresql":
        pytest.skip("several backend processes share a PostgreSQL database")
    hq = await create_staff(session, roles=["hq_admin"])
    await session.commit()
    token = await staff_token(client, hq)
    process = BackendProcess(settings, {"OMO_EVENT_BUS": "redis", "OMO_REDIS_URL": "redis://127.0.0.1:1/0"})
    try:
        await process.start()
        status = await process.wait_for_bus(timeout=1)
        assert status["bus"]["kind"] == "redis" and status["bus"]["polling_only"] is True
        assert status["bus"]["problem"]
        ws = await WsClient.open(process.url, token)
        await ws.subscribe(["hq"])
        written = await commit_event(session, "hq", "pricing.price_list_changed", {"price_list_id": 1})
        assert [e["id"] for e in await ws.events(1)] == [written]
        await ws.close()
    finally:
        process.stop()

"""The database dropping every connection, Redis gone, and an outbox replaying over a lossy link."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, func, select, text

from backend.auth import service as auth_service
from backend.core.db import sync_url
from backend.core.events import emit
from backend.inventory.service import stock as inventory
from backend.orders.models import Order
from shared.sdk.base import Tokens
from shared.sdk.client import AsyncClient
from shared.sdk.outbox import Outbox
from shared.sdk.realtime import subscribe
from tests.backend.orders.factories import put_stock, stock_row
from tests.backend.security.factories import mint
from tests.conftest import LiveServer
from tests.factories import PASSWORD, create_sku, create_staff, create_store


async def test_requests_succeed_after_the_database_drops_every_connection(app, client, session, test_db):
    if test_db.kind != "postgresql":
        pytest.skip("pg_terminate_backend is PostgreSQL's")
    store = await create_store(session)
    await session.commit()
    assert (await client.get(f"/api/v1/stores/{store.id}")).status_code == 200
    database = test_db.url.rsplit("/", 1)[1]
    admin = create_engine(sync_url(test_db.url), isolation_level="AUTOCOMMIT")
    try:
        for _ in range(3):
            with admin.connect() as conn:
                killed = conn.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = :db AND pid <> pg_backend_pid()"
                    ),
                    {"db": database},
                ).scalar()
            assert killed >= 1
            # The next request (a read, then a write) is served on fresh connections.
            assert (await client.get(f"/api/v1/stores/{store.id}")).status_code == 200
            ready = await client.get("/readyz")
            assert ready.status_code == 200, ready.text
    finally:
        admin.dispose()
        test_db.engine.dispose()  # the harness's own connections were terminated too


async def test_without_redis_limits_and_live_updates_fall_back_and_say_so(settings, test_db, session):
    test_db.clean()
    broken = settings.model_copy(
        update={"redis_url": "redis://127.0.0.1:1/0", "event_bus": "redis", "login_ip_limit_per_minute": 5}
    )
    server = LiveServer(broken)
    await asyncio.to_thread(server.start)
    try:
        async with server.app.state.db.sessionmaker() as db:
            store = await create_store(db)
            clerk = await create_staff(db, ["clerk"], [store])
            token = (await mint(db, broken, await auth_service.staff_principal(db, clerk)))["Authorization"]
            await db.commit()
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            codes = [
                (
                    await http.post(
                        "/api/v1/auth/staff/login", json={"username": clerk.username, "password": PASSWORD}
                    )
                ).status_code
                for _ in range(7)
            ]
            assert codes[:5] == [200] * 5 and codes[5:] == [429, 429], codes
            assert server.app.state.rate_limiter.backend == "memory"
            status = (await http.get("/api/v1/realtime/status")).json()
            assert status["bus"]["kind"] == "redis" and status["bus"]["polling_only"] is True
            assert status["bus"]["problem"]
        # Events still reach subscribers: the dispatcher reads them from the database.
        received: asyncio.Queue = asyncio.Queue()

        async def follow() -> None:
            async for event in subscribe(server.url, token.split()[1], [f"store:{store.id}:test"]):
                await received.put(event)

        follower = asyncio.create_task(follow())
        await asyncio.sleep(1.0)
        async with server.app.state.db.sessionmaker() as db:
            emit(db, f"store:{store.id}:test", "test.ping", {"n": 1})
            await db.commit()
        event = await asyncio.wait_for(received.get(), 15)
        assert event.type == "test.ping"
        follower.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await follower
    finally:
        await asyncio.to_thread(server.stop)


class LossyTransport(httpx.AsyncBaseTransport):
    """Drops every fifth request: alternately before it reaches the server and after it was applied."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.sent = 0
        self.dropped_before = 0
        self.dropped_after = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        if self.sent % 5 == 0:
            if (self.sent // 5) % 2:
                self.dropped_before += 1
                raise httpx.ConnectError("connection refused", request=request)
            response = await self.inner.handle_async_request(request)
            await response.aread()
            self.dropped_after += 1
            raise httpx.ReadError("connection reset after the server answered", request=request)
        return await self.inner.handle_async_request(request)


async def test_the_outbox_replays_over_a_lossy_link_exactly_once(app, session, settings, tmp_path: Path):
    store = await create_store(session)
    sku = await create_sku(session, price=500)
    await put_stock(session, store, sku, 100)
    cashier = await create_staff(session, ["cashier"], [store])
    headers = await mint(session, settings, await auth_service.staff_principal(session, cashier))
    await session.commit()
    outbox = Outbox(tmp_path / "till-outbox.sqlite")
    client_ids = [f"till-{uuid.uuid4().hex[:12]}" for _ in range(25)]
    for client_id in client_ids:
        sale: dict[str, Any] = {
            "client_id": client_id,
            "store_id": store.id,
            "lines": [{"sku_id": sku.id, "quantity": 2}],
            "tenders": [{"method": "cash", "amount": 1000}],
        }
        outbox.enqueue("pos.offline_sale", "POST", "/pos/offline-sales", {"sales": [sale]})
    transport = LossyTransport(httpx.ASGITransport(app=app))
    http = httpx.AsyncClient(transport=transport, base_url="http://test")
    sdk = AsyncClient(http=http, tokens=Tokens(access_token=headers["Authorization"].split()[1]))
    rounds = 0
    while outbox.pending() and rounds < 50:
        rounds += 1
        await outbox.aflush(sdk)
    await http.aclose()
    outbox.close()
    reopened = Outbox(tmp_path / "till-outbox.sqlite")
    assert reopened.pending() == [] and reopened.refused() == []
    assert len(reopened.done()) == 25
    reopened.close()
    assert transport.dropped_before >= 2 and transport.dropped_after >= 2
    async with app.state.db.read_sessionmaker() as read:
        sold = await read.scalar(
            select(func.count()).select_from(Order).where(Order.client_id.in_(client_ids))
        )
        assert await inventory.check_ledger_invariant(read, store.id) == []
    assert sold == 25
    assert await stock_row(session, store, sku) == (50, 0)

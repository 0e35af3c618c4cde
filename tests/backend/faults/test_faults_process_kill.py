"""SIGKILL a backend in the middle of a checkout stampede and of a payment-notification storm.

After a restart: no stock oversold, the ledger still adds up, every reservation ends (the expiry
sweep), every paid order is paid exactly once, and a subscriber that lost its connection catches up
on every event from its last id.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select

from backend.auth import service as auth_service
from backend.core.events import Event
from backend.core.time import utcnow
from backend.inventory.service import stock as inventory
from backend.orders.models import Order, OrderEvent
from backend.payments.config import runtime
from backend.payments.models import Payment
from backend.payments.simulators import sandbox as gateway
from shared.sdk.realtime import subscribe
from tests.backend.faults.factories import Backend
from tests.backend.orders.factories import pickup_body, put_stock, stock_row
from tests.backend.payments.factories import sandbox_notification
from tests.backend.security.factories import mint
from tests.factories import create_member, create_sku, create_staff, create_store

pytestmark = pytest.mark.slow


def _postgres_only(test_db) -> None:  # type: ignore[no-untyped-def]
    if test_db.kind != "postgresql":
        pytest.skip("real backend processes share a PostgreSQL database")


async def _shoppers(session, settings, count: int) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    heads = []
    for _ in range(count):
        member = await create_member(session)
        heads.append(await mint(session, settings, auth_service.member_principal(member.id)))
    await session.commit()
    return heads


async def test_checkout_stampede_survives_a_sigkill(app, session, settings, test_db):
    _postgres_only(test_db)
    store = await create_store(session)
    sku = await create_sku(session)
    await put_stock(session, store, sku, 40)
    clerk = await create_staff(session, ["clerk"], [store])
    clerk_headers = await mint(session, settings, await auth_service.staff_principal(session, clerk))
    # One buyer per attempt: per-member order limits do not enter into it.
    buyers = await _shoppers(session, settings, 120)
    async with app.state.db.read_sessionmaker() as read:
        start_id = await read.scalar(select(func.coalesce(func.max(Event.id), 0))) or 0
    backend = Backend(settings)
    await asyncio.to_thread(backend.start)
    topic = f"store:{store.id}:stock"
    received: list[int] = []

    async def follow() -> None:
        token = clerk_headers["Authorization"].split()[1]
        async for event in subscribe(backend.url, token, [topic], since=start_id, max_delay=0.5):
            received.append(event.id)

    follower = asyncio.create_task(follow())
    attempts = [(i, f"stampede-{i}-{uuid.uuid4().hex[:8]}") for i in range(120)]
    body = pickup_body(store, [(sku, 1)])
    answers: dict[str, int] = {}
    order_ids: dict[str, int] = {}
    try:
        limits = httpx.Limits(max_connections=150, max_keepalive_connections=150)
        async with httpx.AsyncClient(timeout=60, limits=limits) as http:

            async def buy(i: int, key: str) -> None:
                headers = {**buyers[i % len(buyers)], "Idempotency-Key": key}
                try:
                    response = await http.post(f"{backend.url}/api/v1/orders", json=body, headers=headers)
                    if response.status_code == 503:
                        return  # busy: retried later with the same key, as clients do
                    answers[key] = response.status_code
                    if response.status_code == 201:
                        order_ids[key] = response.json()["id"]
                except httpx.TransportError:
                    pass  # the process died under this request: the client will retry with the same key

            tasks = [asyncio.create_task(buy(i, key)) for i, key in attempts]
            while len(answers) < 25:
                await asyncio.sleep(0.01)
            await asyncio.to_thread(backend.kill)
            await asyncio.gather(*tasks)
            killed_with = len(answers)
            await asyncio.to_thread(backend.start)
            # Clients retry what got no answer, with the key they used the first time.
            for _ in range(10):
                lost = [(i, key) for i, key in attempts if key not in answers]
                if not lost:
                    break
                await asyncio.gather(*(buy(i, key) for i, key in lost))
            # A replay of a request that placed an order returns that order (no second one).
            first = next(key for _, key in attempts if key in order_ids)
            index = next(i for i, key in attempts if key == first)
            replay = await http.post(
                f"{backend.url}/api/v1/orders",
                json=body,
                headers={**buyers[index % len(buyers)], "Idempotency-Key": first},
            )
            assert replay.status_code in (200, 201) and replay.json()["id"] == order_ids[first]
        assert len(answers) == len(attempts) and killed_with < len(attempts)
        created = sum(1 for code in answers.values() if code == 201)
        assert set(answers.values()) <= {201, 409}, backend.log_tail()
        assert created == 40 and len(set(order_ids.values())) == 40, {
            c: list(answers.values()).count(c) for c in set(answers.values())
        }
        on_hand, reserved = await stock_row(session, store, sku)
        async with app.state.db.read_sessionmaker() as read:
            open_orders = await read.scalar(
                select(func.count())
                .select_from(Order)
                .where(Order.store_id == store.id, Order.status == "pending_payment")
            )
            assert await inventory.check_ledger_invariant(read, store.id) == []
        assert (on_hand, reserved) == (40, 40) and open_orders == 40
        # Every stock event committed before, during and after the kill reaches the subscriber.
        async with app.state.db.read_sessionmaker() as read:
            expected = list(
                await read.scalars(select(Event.id).where(Event.topic == topic, Event.id > start_id))
            )
        for _ in range(200):
            if set(expected) <= set(received):
                break
            await asyncio.sleep(0.1)
        assert set(expected) <= set(received), f"missing events {sorted(set(expected) - set(received))}"
        assert len(received) == len(set(received))
    finally:
        follower.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await follower
        await asyncio.to_thread(backend.stop)
    # Nobody pays: the expiry sweep hands every reserved unit back; nothing is held forever.
    async with app.state.db.sessionmaker() as sweep:
        released = await inventory.release_expired(sweep, utcnow() + timedelta(hours=2))
        await sweep.commit()
    assert released == 40
    assert await stock_row(session, store, sku) == (40, 0)


async def test_payment_notification_storm_survives_a_sigkill(app, session, settings, test_db):
    _postgres_only(test_db)
    store = await create_store(session)
    sku = await create_sku(session, price=990)
    await put_stock(session, store, sku, 100)
    buyers = await _shoppers(session, settings, 30)
    backend = Backend(settings)
    await asyncio.to_thread(backend.start)
    try:
        async with httpx.AsyncClient(base_url=backend.url, timeout=60) as http:
            orders: list[int] = []
            for headers in buyers:
                placed = await http.post(
                    "/api/v1/orders",
                    json=pickup_body(store, [(sku, 1)]),
                    headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
                )
                assert placed.status_code == 201, placed.text
                orders.append(placed.json()["id"])
                opened = await http.post(f"/api/v1/orders/{orders[-1]}/payment", headers=headers)
                assert opened.status_code == 200, opened.text
                pay_path = opened.json()["pay_url"].split("/api/v1", 1)[1]
                confirmed = await http.post(f"/api/v1{pay_path}/confirm")
                assert confirmed.status_code == 200, confirmed.text
        async with app.state.db.read_sessionmaker() as read:
            payments = list(
                await read.scalars(
                    select(Payment).where(
                        Payment.ref_type == "order", Payment.ref_id.in_([str(o) for o in orders])
                    )
                )
            )
            txns = {p.no: await gateway.transaction(read, p.no) for p in payments}
        assert len(payments) == 30
        key = runtime().sandbox_key
        bodies = [
            sandbox_notification(p.no, p.amount, trade_no=txns[p.no].trade_no if txns[p.no] else None)
            for p in payments
        ]
        # The gateway sends each notification three times at once, and keeps retrying until acknowledged.
        acked: set[int] = set()
        async with httpx.AsyncClient(base_url=backend.url, timeout=60) as http:

            async def notify(i: int) -> None:
                body = bodies[i]
                try:
                    response = await http.post(
                        "/api/v1/payments/notify/sandbox",
                        content=body.encode(),
                        headers=gateway.signed_headers(key, body),
                    )
                    if response.status_code == 200:
                        acked.add(i)
                except httpx.TransportError:
                    pass

            storm = [asyncio.create_task(notify(i)) for i in range(len(bodies)) for _ in range(3)]
            while len(acked) < 8:
                await asyncio.sleep(0.005)
            await asyncio.to_thread(backend.kill)
            await asyncio.gather(*storm)
            assert len(acked) < len(bodies)
            await asyncio.to_thread(backend.start)
            for _ in range(5):
                missing = [i for i in range(len(bodies)) if i not in acked]
                if not missing:
                    break
                await asyncio.gather(*(notify(i) for i in missing for _ in range(2)))
            assert len(acked) == len(bodies)
    finally:
        await asyncio.to_thread(backend.stop)
    async with app.state.db.read_sessionmaker() as read:
        statuses = list(await read.scalars(select(Order.status).where(Order.id.in_(orders))))
        assert statuses == ["paid"] * 30
        paid_moves = await read.scalar(
            select(func.count())
            .select_from(OrderEvent)
            .where(OrderEvent.order_id.in_(orders), OrderEvent.to_status == "paid")
        )
        assert paid_moves == 30
        succeeded = list(
            await read.scalars(select(Payment.status).where(Payment.id.in_([p.id for p in payments])))
        )
        assert set(succeeded) == {"succeeded"}
        assert await inventory.check_ledger_invariant(read, store.id) == []
    on_hand, reserved = await stock_row(session, store, sku)
    assert on_hand - reserved == 70
